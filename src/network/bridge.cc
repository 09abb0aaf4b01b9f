#include "network/bridge.h"

#include <algorithm>

#include "base/files.h"

namespace hako::network {

Result<bool> ensure_bridge(Netlink& nl, const NetworkRecord& net) {
  if (!net.is_bridge() || net.bridge.empty() || !net.subnet)
    return fail(ErrorKind::InvalidArgument, "network {} has no bridge", net.name);
  bool made_it = false;
  auto link = nl.link(net.bridge);
  if (!link) {
    if (link.error().kind() != ErrorKind::NotFound) return std::unexpected(link.error());
    int mtu = 0;
    if (auto it = net.options.find("com.docker.network.driver.mtu"); it != net.options.end()) mtu = std::atoi(it->second.c_str());
    auto made = nl.create_bridge(net.bridge, mtu);
    // A parallel `run` may have made it first.
    if (!made && made.error().kind() != ErrorKind::AlreadyExists) return std::unexpected(made.error());
    made_it = static_cast<bool>(made);
  }
  Ipv4Prefix gw{net.gateway, net.subnet->length};
  TRY_ASSIGN(auto addrs, nl.addresses(net.bridge));
  if (std::find(addrs.begin(), addrs.end(), gw) == addrs.end()) {
    auto added = nl.add_address(net.bridge, gw);
    if (!added && added.error().kind() != ErrorKind::AlreadyExists) return std::unexpected(added.error());
  }
  TRY(nl.set_up(net.bridge));
  TRY(write_existing("/proc/sys/net/ipv4/conf/" + net.bridge + "/route_localnet", "1"));
  if (!net.internal) {
    auto fwd = read_file("/proc/sys/net/ipv4/ip_forward");
    if (!fwd || !fwd->starts_with("1")) TRY(write_existing("/proc/sys/net/ipv4/ip_forward", "1"));
  }
  return made_it;
}

Result<> remove_bridge(Netlink& nl, const std::string& name) {
  auto r = nl.delete_link(name);
  if (!r && r.error().kind() != ErrorKind::NotFound) return r;
  return {};
}

std::string bridge_name_for(const std::string& network_id, const std::map<std::string, std::string>& options) {
  if (auto it = options.find("com.docker.network.bridge.name"); it != options.end() && !it->second.empty())
    return it->second;
  return "br-" + network_id.substr(0, 12);
}

}  // namespace hako::network
