// Undoing a container's network plan, shared by the engine (rm, a failed
// start) and the monitor (the end of the container's last run).
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "engine/container_files.h"
#include "network/endpoint.h"
#include "store/metadata.h"

namespace hako::engine {

// The endpoints of a container's current plan (run_options "network_plan").
std::vector<network::Endpoint> plan_endpoints(const ContainerConfig& c);

// After a container's last run (and when a start fails): its host ports are
// freed, its DNS names dropped and the firewall rewritten. Leases stay, so
// a restart keeps its addresses.
Result<> network_stopped(store::Metadata& db, const std::string& engine_root, const ContainerConfig& c);

// On rm: network_stopped, and the address leases go too.
Result<> release_network(store::Metadata& db, const std::string& engine_root, const ContainerConfig& c);

}  // namespace hako::engine
