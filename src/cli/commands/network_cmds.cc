// network create, ls, inspect, rm, prune, connect, disconnect.
#include <algorithm>
#include <cstdio>

#include "base/clock.h"
#include "base/strings.h"
#include "cli/commands/image_commands.h"
#include "cli/format/template.h"
#include "engine/network_setup.h"
#include "network/bridge.h"
#include "network/firewall_sync.h"
#include "network/names.h"
#include "network/netlink/netlink.h"

namespace hako::cli {
namespace {

using network::Ipv4;
using network::Ipv4Prefix;
using network::NetworkRecord;
using network::NetworkStore;

// "k=v" values of --opt and --label.
Result<std::map<std::string, std::string>> key_values(const std::vector<std::string>& values, const char* flag) {
  std::map<std::string, std::string> out;
  for (const auto& v : values) {
    size_t eq = v.find('=');
    if (eq == 0) return fail(ErrorKind::InvalidArgument, "invalid argument \"{}\" for \"{}\" flag: invalid key", v, flag);
    out[v.substr(0, eq)] = eq == std::string::npos ? "" : v.substr(eq + 1);
  }
  return out;
}

// Containers that hold a lease on the network, and whether each runs.
struct Member {
  engine::ContainerInfo info;
  network::Lease lease;
};
Result<std::vector<Member>> members(engine::Engine& eng, NetworkStore& nets, const NetworkRecord& net) {
  std::vector<Member> out;
  TRY_ASSIGN(auto leases, nets.leases(net.id));
  for (const auto& l : leases)
    if (auto ci = eng.info(l.container_id)) out.push_back({std::move(*ci), l});
  return out;
}

Result<int> create(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  NetworkStore nets(eng->images().db());
  std::string driver = p.set("driver") ? p.str("driver") : "bridge";
  if (driver != "bridge") return fail(ErrorKind::NotFound, "plugin \"{}\" not found", driver);
  if (p.boolean("ipv6")) return fail(ErrorKind::NotSupported, "IPv6 networks are not supported yet");
  NetworkRecord net;
  net.id = random_hex_id();
  net.name = p.args()[0];
  net.created = now_rfc3339();
  net.internal = p.boolean("internal");
  TRY_ASSIGN(net.options, key_values(p.list("opt"), "-o, --opt"));
  TRY_ASSIGN(net.labels, key_values(p.list("label"), "--label"));
  auto subnets = p.list("subnet");
  if (subnets.size() > 1) return fail(ErrorKind::NotSupported, "only one IPv4 subnet per network is supported");
  TRY_ASSIGN(auto nl, network::Netlink::open());
  TRY_ASSIGN(auto all, nets.list());
  if (!subnets.empty()) {
    auto s = Ipv4Prefix::parse(subnets[0]);
    if (!s || s->length < 1 || s->length > 30) return fail(ErrorKind::InvalidArgument, "invalid subnet {}", subnets[0]);
    if (s->addr != s->network())
      return fail(ErrorKind::InvalidArgument, "invalid subnet {}: it should be {}/{}", subnets[0],
                  s->network().str(), s->length);
    for (const auto& n : all)
      if (n.subnet && n.subnet->overlaps(*s))
        return fail(ErrorKind::Conflict, "invalid pool request: Pool overlaps with other one on this address space");
    net.subnet = *s;
  } else {
    if (p.set("gateway") || p.set("ip-range"))
      return fail(ErrorKind::InvalidArgument, "--gateway and --ip-range need a --subnet");
    TRY_ASSIGN(auto routes, nl.routes());
    TRY_ASSIGN(net.subnet, nets.free_subnet(routes));
  }
  if (p.set("gateway")) {
    auto gw = Ipv4::parse(p.str("gateway"));
    if (!gw) return fail(ErrorKind::InvalidArgument, "invalid gateway address {}", p.str("gateway"));
    if (!net.subnet->contains(*gw) || *gw == net.subnet->network() || *gw == net.subnet->broadcast())
      return fail(ErrorKind::InvalidArgument, "no matching subnet for gateway {}", gw->str());
    net.gateway = *gw;
  } else {
    net.gateway = Ipv4{net.subnet->network().value + 1};
  }
  if (p.set("ip-range")) {
    auto r = Ipv4Prefix::parse(p.str("ip-range"));
    if (!r || !net.subnet->contains(*r))
      return fail(ErrorKind::InvalidArgument, "no matching subnet for range {}", p.str("ip-range"));
    net.ip_range = Ipv4Prefix{r->network(), r->length};
  }
  net.bridge = network::bridge_name_for(net.id, net.options);
  if (net.bridge.size() > 15) return fail(ErrorKind::InvalidArgument, "bridge name {} is too long", net.bridge);
  for (const auto& n : all)
    if (n.bridge == net.bridge)
      return fail(ErrorKind::Conflict, "bridge name {} is already used by network {}", net.bridge, n.name);
  TRY(nets.create(net));
  auto bridged = network::ensure_bridge(nl, net);
  Result<> made = bridged ? network::sync_firewall(nets, eng->root()) : Result<>(std::unexpected(bridged.error()));
  if (!made) {
    (void)nets.remove(net.id);
    (void)network::remove_bridge(nl, net.bridge);
    (void)network::sync_firewall(nets, eng->root());
    return std::unexpected(made.error());
  }
  std::printf("%s\n", net.id.c_str());
  return 0;
}

bool matches(const NetworkRecord& n, const std::vector<std::string>& filters) {
  for (const auto& f : filters) {
    size_t eq = f.find('=');
    std::string key = f.substr(0, eq), value = eq == std::string::npos ? "" : f.substr(eq + 1);
    if (key == "name" && n.name.find(value) == std::string::npos) return false;
    if (key == "id" && !n.id.starts_with(value)) return false;
    if (key == "driver" && (n.driver == "null" ? "null" : n.driver) != value) return false;
    if (key == "type" && (value == "builtin") != n.builtin()) return false;
    if (key == "label") {
      size_t e2 = value.find('=');
      auto it = n.labels.find(value.substr(0, e2));
      if (it == n.labels.end() || (e2 != std::string::npos && it->second != value.substr(e2 + 1))) return false;
    }
  }
  return true;
}

Result<int> ls(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  NetworkStore nets(eng->images().db());
  TRY_ASSIGN(auto all, nets.list());
  bool no_trunc = p.boolean("no-trunc");
  std::vector<Json> rows;
  for (const auto& n : all) {
    if (!matches(n, p.list("filter"))) continue;
    std::string labels;
    for (const auto& [k, v] : n.labels) labels += (labels.empty() ? "" : ",") + k + "=" + v;
    rows.push_back({{"ID", no_trunc ? n.id : n.id.substr(0, 12)},
                    {"Name", n.name},
                    {"Driver", n.driver},
                    {"Scope", "local"},
                    {"IPv6", "false"},
                    {"Internal", n.internal ? "true" : "false"},
                    {"Labels", labels},
                    {"CreatedAt", n.created}});
  }
  std::string format = p.boolean("quiet") ? "{{.ID}}" : p.str("format");
  TRY_ASSIGN(auto out, format::render_listing(format, "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}", rows,
                                              {{"ID", "NETWORK ID"}, {"Name", "NAME"}, {"Driver", "DRIVER"},
                                               {"Scope", "SCOPE"}, {"IPv6", "IPV6"}, {"Internal", "INTERNAL"},
                                               {"Labels", "LABELS"}, {"CreatedAt", "CREATED AT"}}));
  std::fputs(out.c_str(), stdout);
  return 0;
}

Json network_json(engine::Engine& eng, NetworkStore& nets, const NetworkRecord& n) {
  Json ipam_config = Json::array();
  if (n.subnet) {
    Json c = {{"Subnet", n.subnet->str()}, {"Gateway", n.gateway.str()}};
    if (n.ip_range) c["IPRange"] = n.ip_range->str();
    ipam_config.push_back(c);
  }
  Json containers = Json::object();
  if (auto ms = members(eng, nets, n))
    for (const auto& m : *ms) {
      if (!m.info.active()) continue;
      containers[m.info.config.id] = {
          {"Name", m.info.config.name},
          {"EndpointID", m.info.config.id.substr(0, 32) + n.id.substr(0, 32)},
          {"MacAddress", network::Mac::from_ipv4(m.lease.address).str()},
          {"IPv4Address", fmt::format("{}/{}", m.lease.address.str(), n.subnet ? n.subnet->length : 32)},
          {"IPv6Address", ""}};
    }
  return {{"Name", n.name},
          {"Id", n.id},
          {"Created", n.created},
          {"Scope", "local"},
          {"Driver", n.driver},
          {"EnableIPv6", false},
          {"IPAM", {{"Driver", "default"}, {"Options", Json::object()}, {"Config", ipam_config}}},
          {"Internal", n.internal},
          {"Attachable", false},
          {"Ingress", false},
          {"ConfigFrom", {{"Network", ""}}},
          {"ConfigOnly", false},
          {"Containers", containers},
          {"Options", n.options},
          {"Labels", n.labels}};
}

Result<int> inspect(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  NetworkStore nets(eng->images().db());
  std::vector<Json> found;
  int rc = 0;
  for (const auto& name : p.args()) {
    auto n = nets.find(name);
    if (!n) {
      std::fprintf(stderr, "Error response from daemon: %s\n", n.error().message().c_str());
      rc = 1;
      continue;
    }
    found.push_back(network_json(*eng, nets, *n));
  }
  TRY(print_inspected(found, p.str("format"), p.set("format")));
  return rc;
}

// Removes a user-defined network nobody runs on: its leases (stopped
// containers keep their config and get a new network error on start, as in
// Docker), DNS names, bridge and firewall rules.
Result<> remove_network(engine::Engine& eng, NetworkStore& nets, const NetworkRecord& n) {
  if (n.builtin()) return fail(ErrorKind::PermissionDenied, "{} is a pre-defined network and cannot be removed", n.name);
  TRY_ASSIGN(auto ms, members(eng, nets, n));
  for (const auto& m : ms)
    if (m.info.active())
      return fail(ErrorKind::Conflict, "error while removing network: network {} id {} has active endpoints", n.name,
                  n.id);
  TRY(nets.remove(n.id));
  network::NameRecords(eng.root()).remove_network(n.id);
  TRY_ASSIGN(auto nl, network::Netlink::open());
  TRY(network::remove_bridge(nl, n.bridge));
  return network::sync_firewall(nets, eng.root());
}

Result<int> rm(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  NetworkStore nets(eng->images().db());
  int rc = 0;
  for (const auto& name : p.args()) {
    auto n = nets.find(name);
    Result<> r = n ? remove_network(*eng, nets, *n) : Result<>(std::unexpected(n.error()));
    if (!r) {
      if (p.boolean("force") && r.error().kind() == ErrorKind::NotFound) continue;
      std::fprintf(stderr, "Error response from daemon: %s\n", r.error().message().c_str());
      rc = 1;
      continue;
    }
    std::printf("%s\n", name.c_str());
  }
  return rc;
}

}  // namespace

Result<std::vector<std::string>> prune_networks(engine::Engine& eng, const std::vector<std::string>& filters) {
  NetworkStore nets(eng.images().db());
  TRY_ASSIGN(auto all, nets.list());
  TRY_ASSIGN(auto containers, eng.list());
  std::vector<std::string> deleted;
  for (const auto& n : all) {
    if (n.builtin() || !matches(n, filters)) continue;
    // Used by a container, running or not (a lease, or asked for at create).
    TRY_ASSIGN(auto ms, members(eng, nets, n));
    bool wanted = std::any_of(containers.begin(), containers.end(), [&](const engine::ContainerInfo& ci) {
      for (const auto& w : ci.config.run_options.value("net", Json::object()).value("networks", Json::array()))
        if (w.value("id", "") == n.id) return true;
      return false;
    });
    if (!ms.empty() || wanted) continue;
    TRY(remove_network(eng, nets, n));
    deleted.push_back(n.name);
  }
  return deleted;
}

namespace {

Result<int> prune(Context& ctx, const ParsedFlags& p) {
  if (!p.boolean("force") && !confirm("WARNING! This will remove all custom networks not used by at least one container."))
    return 0;
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto deleted, prune_networks(*eng, p.list("filter")));
  if (!deleted.empty()) {
    std::printf("Deleted Networks:\n");
    for (const auto& d : deleted) std::printf("%s\n", d.c_str());
  }
  return 0;
}

Result<int> connect(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  NetworkStore nets(eng->images().db());
  TRY_ASSIGN(auto net, nets.find(p.args()[0]));
  TRY_ASSIGN(auto id, eng->resolve(p.args()[1]));
  std::string ip = p.str("ip");
  if (!ip.empty() && !Ipv4::parse(ip)) return fail(ErrorKind::InvalidArgument, "invalid IPv4 address: {}", ip);
  TRY(engine::connect_network(*eng, id, net, p.list("alias"), ip));
  return 0;
}

Result<int> disconnect(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  NetworkStore nets(eng->images().db());
  TRY_ASSIGN(auto net, nets.find(p.args()[0]));
  TRY_ASSIGN(auto id, eng->resolve(p.args()[1]));
  TRY(engine::disconnect_network(*eng, id, net, p.boolean("force")));
  return 0;
}

}  // namespace

std::vector<Command> network_commands() {
  return {
      {"network create",
       {},
       "[OPTIONS] NETWORK",
       "Create a network",
       {{"attachable", 0, Flag::Bool, "", "Enable manual container attachment"},
        {"driver", 'd', Flag::String, "bridge", "Driver to manage the Network"},
        {"gateway", 0, Flag::List, "", "IPv4 Gateway for the master subnet"},
        {"internal", 0, Flag::Bool, "", "Restrict external access to the network"},
        {"ip-range", 0, Flag::List, "", "Allocate container ip from a sub-range"},
        {"ipv6", 0, Flag::Bool, "", "Enable IPv6 networking"},
        {"label", 0, Flag::List, "", "Set metadata on a network"},
        {"opt", 'o', Flag::List, "", "Set driver specific options"},
        {"subnet", 0, Flag::List, "", "Subnet in CIDR format that represents a network segment"}},
       create,
       1,
       1},
      {"network ls",
       {"network list"},
       "[OPTIONS]",
       "List networks",
       {{"filter", 'f', Flag::List, "", "Provide filter values (e.g. \"driver=bridge\")"},
        {"format", 0, Flag::String, "", "Format output using a custom template"},
        {"no-trunc", 0, Flag::Bool, "", "Do not truncate the output"},
        {"quiet", 'q', Flag::Bool, "", "Only display network IDs"}},
       ls,
       0,
       0},
      {"network inspect",
       {},
       "[OPTIONS] NETWORK [NETWORK...]",
       "Display detailed information on one or more networks",
       {{"format", 'f', Flag::String, "", "Format output using a custom template"},
        {"verbose", 'v', Flag::Bool, "", "Verbose output for diagnostics"}},
       inspect,
       1},
      {"network rm",
       {"network remove"},
       "NETWORK [NETWORK...]",
       "Remove one or more networks",
       {{"force", 'f', Flag::Bool, "", "Do not error if the network does not exist"}},
       rm,
       1},
      {"network prune",
       {},
       "[OPTIONS]",
       "Remove all unused networks",
       {{"filter", 0, Flag::List, "", "Provide filter values (e.g. \"until=<timestamp>\")"},
        {"force", 'f', Flag::Bool, "", "Do not prompt for confirmation"}},
       prune,
       0,
       0},
      {"network connect",
       {},
       "[OPTIONS] NETWORK CONTAINER",
       "Connect a container to a network",
       {{"alias", 0, Flag::List, "", "Add network-scoped alias for the container"},
        {"ip", 0, Flag::String, "", "IPv4 address (e.g., \"172.30.100.104\")"}},
       connect,
       2,
       2},
      {"network disconnect",
       {},
       "[OPTIONS] NETWORK CONTAINER",
       "Disconnect a container from a network",
       {{"force", 'f', Flag::Bool, "", "Force the container to disconnect from a network"}},
       disconnect,
       2,
       2},
  };
}

}  // namespace hako::cli
