// `docker update`: new resource limits and restart policy for a container,
// checked and merged with the daemon's rules (verifyPlatformContainerResources,
// then container.UpdateContainer), written to the live cgroup through the
// runtime when the container runs, and recorded so the next start (a
// `restart`, or the monitor's restart policy) builds the same limits:
//
//  - the bundle's config.json linux.resources is patched: start reuses
//    that spec (it only sets root.path), so the cgroup is made with the
//    new limits;
//  - ContainerConfig.run_options["HostConfig"] holds Docker's field names
//    (Memory, MemorySwap, NanoCpus, PidsLimit, ...) for inspect and for
//    the next update's merge;
//  - the restart policy is ContainerConfig.restart, which the monitor
//    reads again when the container exits, so it applies to the next exit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "engine/containers.h"

namespace hako::engine {

// What to change. As in Docker's UpdateConfig, 0 and "" mean "leave as
// is" (an update cannot remove a limit by giving 0).
struct UpdateRequest {
  int64_t memory = 0, memory_swap = 0, memory_reservation = 0;  // memory_swap -1: unlimited swap
  int64_t nano_cpus = 0, cpu_shares = 0, cpu_period = 0, cpu_quota = 0;
  std::string cpuset_cpus, cpuset_mems;
  std::optional<int64_t> pids_limit;  // <= 0: unlimited
  std::optional<RestartSetting> restart;
};

// The resource fields of Docker's HostConfig, as set now.
struct HostResources {
  int64_t memory = 0, memory_swap = 0, memory_reservation = 0;
  int64_t nano_cpus = 0, cpu_shares = 0, cpu_period = 0, cpu_quota = 0;
  std::string cpuset_cpus, cpuset_mems;
  int64_t pids_limit = 0;  // 0: unlimited (inspect shows null)

  // {"Memory": .., "MemorySwap": .., ..., "PidsLimit": null|n}
  Json to_json() const;
  // Reads the keys to_json() writes; absent ones keep `base`'s values.
  static HostResources from_json(const Json& j, HostResources base);
};

// What `create` put in the OCI spec's linux.resources, in HostConfig terms
// (create records no HostConfig of its own: --cpus is the only way to a
// CFS quota there, so a quota reads back as NanoCpus).
HostResources host_resources_from_spec(const Json& linux_resources);

// The container's current HostConfig resources: the bundle's spec, then
// what an earlier update recorded.
HostResources current_host_resources(const ContainerFiles& files, const ContainerConfig& config);

// The daemon's checks on the request alone, with its messages
// ("Minimum memory limit allowed is 6MB", ...). `cpus_online` and
// `mems_online` are the host's lists ("0-3") that cpusets must fall in.
Result<> verify_update(const UpdateRequest& r, int host_cpus, const std::string& cpus_online,
                       const std::string& mems_online);

// container.UpdateContainer: conflicts with what is set, then the merge.
Result<HostResources> merge_update(const HostResources& current, const UpdateRequest& r);

// The linux.resources fields (OCI JSON) to write for the request, taking
// values from `merged` where a cgroup file needs several of them (cpu.max
// has quota and period, v2's swap is memory.swap.max = swap - memory).
Json resources_patch(const HostResources& merged, const UpdateRequest& r);

// Validates, finds the container (`name`: name, id or id prefix, checked
// after the values as the daemon does), merges, applies to the live cgroup
// when it runs or is paused (a restarting one gets it at its next start),
// and records the change. Errors read as Docker's ("No such container: x",
// "Cannot update container ID: ...").
Result<> update_container(Engine& engine, const std::string& name, const UpdateRequest& r);

}  // namespace hako::engine
