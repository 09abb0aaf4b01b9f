#include "engine/monitor/monitor_network.h"

#include <fcntl.h>

#include "base/fd.h"
#include "engine/network_release.h"
#include "network/endpoint.h"
#include "network/names.h"
#include "store/metadata.h"

namespace hako::engine {

Result<> MonitorNetwork::setup(pid_t init_pid, const ContainerConfig& c) {
  dns_.reset();
  const Json& plan = c.run_options.value("network_plan", Json::object());
  std::string mode = plan.value("mode", "");
  if (mode != "bridge" && mode != "none") return {};  // host, container:X, or a container from before networks
  UniqueFd ns(::open(fmt::format("/proc/{}/ns/net", init_pid).c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns) return fail_sys("open the container's network namespace");
  TRY(network::loopback_up(ns.get()));
  auto eps = plan_endpoints(c);
  if (eps.empty()) return {};
  TRY_ASSIGN(auto host, network::Netlink::open());
  for (const auto& ep : eps) TRY_CTX(network::attach_endpoint(host, ns.get(), ep), "network " + ep.network_name);
  if (!plan.value("dns", false)) return {};
  TRY_ASSIGN(auto sockets, network::open_dns_sockets(ns.get()));
  auto upstreams = network::read_resolvers(plan.value("upstreams", ""));
  std::string root = files_.engine_root();
  auto lookup = [this, root](std::string_view name) -> std::optional<network::DnsAnswer> {
    auto ips = network::NameRecords(root).lookup(dns_networks(), name);
    if (ips.empty()) return std::nullopt;
    return network::DnsAnswer{std::move(ips)};
  };
  auto reverse = [this, root](network::Ipv4 ip) { return network::NameRecords(root).reverse(dns_networks(), ip); };
  dns_.emplace(std::move(sockets), std::move(upstreams), lookup, reverse);
  return {};
}

std::vector<std::string> MonitorNetwork::dns_networks() const {
  std::vector<std::string> out;
  auto c = files_.load_config();
  if (!c) return out;
  for (const auto& ep : plan_endpoints(*c))
    if (ep.dns) out.push_back(ep.network_id);
  return out;
}

void MonitorNetwork::finish(const ContainerConfig& c) {
  dns_.reset();
  if (!c.run_options.contains("network_plan")) return;
  auto db = store::Metadata::open(files_.engine_root() + "/metadata.db");
  if (!db) return;
  auto fresh = files_.load_config();  // with what connect/disconnect changed
  (void)network_stopped(*db, files_.engine_root(), fresh ? *fresh : c);
}

}  // namespace hako::engine
