// Pieces of build_container_spec (spec_builder.cc), one concern each; internal
// to this library.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "engine/spec/spec_builder.h"

namespace hako::engine::detail {

// The "mounts" array: Docker's defaults (with the /dev/shm size), the init
// binary, then the user's mounts and --tmpfs mounts, sorted by depth, with
// read-only rootfs and --privileged adjustments.
Result<Json> build_mounts(const SpecInput& in, const RunOptions& o);

// linux.devices and linux.resources (device rules, memory, cpu, pids).
struct LinuxDevicesAndResources {
  Json devices = Json::array();
  Json resources = Json::object();
};
Result<LinuxDevicesAndResources> build_devices_and_resources(const SpecInput& in, const RunOptions& o,
                                                             std::vector<std::string>& warnings);

Json mount_json(const oci::Mount& m);
Json device_json(const oci::Device& d);

}  // namespace hako::engine::detail
