// A container's networking, as the engine sees it: what was asked at create
// (run_options "net"), what each start sets up (run_options "network_plan":
// addresses leased, host ports bound, the bridge made, /etc/hosts,
// /etc/hostname and /etc/resolv.conf written), and what stopping, removing,
// connecting and disconnecting undo or add. The monitor makes the plan's
// links inside the container's namespace (engine/monitor/monitor_network.h).
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "engine/containers.h"
#include "engine/network_release.h"
#include "engine/spec/run_options.h"
#include "network/network_store.h"

namespace hako::engine {

// The "net" request from the run/create flags and the image's exposed
// ports, with networks resolved to ids ("network x not found").
Result<Json> network_request(Engine& eng, const RunOptions& o, const std::vector<std::string>& image_exposed);

// The bind mounts of the generated /etc/hosts, /etc/hostname and
// /etc/resolv.conf (another container's, for container:X; none for host
// mode files are copies too).
Json etc_file_mounts(Engine& eng, const std::string& container_id, const Json& request);

// Before the monitor starts a run: leases, ports, bridges, the firewall and
// the /etc files; updates ci.config.run_options (the caller saves it).
// Undoes its port bindings if it fails.
Result<> prepare_network(Engine& eng, ContainerInfo& ci);

// network connect/disconnect of a container, live or not.
Result<> connect_network(Engine& eng, const std::string& container_id, const network::NetworkRecord& net,
                         const std::vector<std::string>& aliases, const std::string& ip);
Result<> disconnect_network(Engine& eng, const std::string& container_id, const network::NetworkRecord& net,
                            bool force);

// The host's resolv.conf (HAKO_RESOLV_CONF overrides /etc/resolv.conf).
std::string host_resolv_conf();

}  // namespace hako::engine
