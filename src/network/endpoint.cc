#include "network/endpoint.h"

namespace hako::network {

Json Endpoint::to_json() const {
  return {{"network_id", network_id}, {"network_name", network_name}, {"bridge", bridge},
          {"ifname", ifname},         {"host_veth", host_veth},       {"address", address.str()},
          {"gateway", gateway.str()}, {"mac", mac.str()},             {"default_route", default_route},
          {"dns", dns},               {"aliases", aliases}};
}

Result<Endpoint> Endpoint::from_json(const Json& j) {
  Endpoint e;
  try {
    e.network_id = j.at("network_id").get<std::string>();
    e.network_name = j.value("network_name", "");
    e.bridge = j.at("bridge").get<std::string>();
    e.ifname = j.at("ifname").get<std::string>();
    e.host_veth = j.at("host_veth").get<std::string>();
    TRY_ASSIGN(e.address, Ipv4Prefix::parse(j.at("address").get<std::string>()));
    TRY_ASSIGN(e.gateway, Ipv4::parse(j.at("gateway").get<std::string>()));
    TRY_ASSIGN(e.mac, Mac::parse(j.at("mac").get<std::string>()));
    e.default_route = j.value("default_route", false);
    e.dns = j.value("dns", false);
    e.aliases = j.value("aliases", std::vector<std::string>{});
  } catch (const std::exception& ex) {
    return fail(ErrorKind::InvalidArgument, "bad endpoint record: {}", ex.what());
  }
  return e;
}

std::string host_veth_name(const std::string& container_id, const std::string& network_id) {
  return "hk" + container_id.substr(0, 8) + network_id.substr(0, 5);
}

Result<> attach_endpoint(Netlink& host, int netns_fd, const Endpoint& ep) {
  // A pair left by a run whose namespace is still held somewhere (or a
  // crashed connect): take the name back.
  if (host.link(ep.host_veth)) TRY(detach_endpoint(host, ep));
  TRY(host.create_veth(ep.host_veth, ep.bridge, ep.ifname, netns_fd, ep.mac));
  TRY_ASSIGN(auto inside, Netlink::open_in(netns_fd));
  TRY(inside.add_address(ep.ifname, ep.address));
  TRY(inside.set_up(ep.ifname));
  if (ep.default_route) TRY(inside.add_default_route(ep.gateway));
  return {};
}

Result<> detach_endpoint(Netlink& host, const Endpoint& ep) {
  auto r = host.delete_link(ep.host_veth);
  if (!r && r.error().kind() != ErrorKind::NotFound) return r;
  return {};
}

Result<> loopback_up(int netns_fd) {
  TRY_ASSIGN(auto inside, Netlink::open_in(netns_fd));
  return inside.set_up("lo");
}

}  // namespace hako::network
