#include "engine/network_release.h"

#include "network/firewall_sync.h"
#include "network/names.h"
#include "network/network_store.h"

namespace hako::engine {

std::vector<network::Endpoint> plan_endpoints(const ContainerConfig& c) {
  std::vector<network::Endpoint> out;
  const Json& plan = c.run_options.value("network_plan", Json::object());
  for (const auto& j : plan.value("endpoints", Json::array()))
    if (auto ep = network::Endpoint::from_json(j)) out.push_back(std::move(*ep));
  return out;
}

Result<> network_stopped(store::Metadata& db, const std::string& engine_root, const ContainerConfig& c) {
  network::NameRecords names(engine_root);
  for (const auto& ep : plan_endpoints(c)) names.remove(ep.network_id, c.id);
  network::NetworkStore nets(db);
  TRY_ASSIGN(auto bindings, nets.port_bindings());
  bool had_ports = std::any_of(bindings.begin(), bindings.end(), [&](const auto& b) { return b.container_id == c.id; });
  if (!had_ports) return {};
  TRY(nets.unbind_ports(c.id));
  return network::sync_firewall(nets, engine_root);
}

Result<> release_network(store::Metadata& db, const std::string& engine_root, const ContainerConfig& c) {
  TRY(network_stopped(db, engine_root, c));
  network::NetworkStore nets(db);
  return nets.release_all(c.id);
}

}  // namespace hako::engine
