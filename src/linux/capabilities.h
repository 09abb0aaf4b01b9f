// Linux capabilities by name, and applying the five OCI sets to the calling
// process. apply runs in the container's init after the uid change was
// prepared with keep_capabilities_across_setuid().
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "oci/spec.h"

namespace hako::linux {

std::optional<int> capability_from_name(std::string_view name);  // "CAP_KILL" or "KILL"
std::string capability_name(int cap);
int last_capability();  // from /proc/sys/kernel/cap_last_cap

// Unknown names are skipped; their names are appended to `unknown`.
struct CapabilitySets {
  uint64_t bounding = 0, effective = 0, inheritable = 0, permitted = 0, ambient = 0;
};
CapabilitySets resolve_capabilities(const oci::Capabilities& caps, std::vector<std::string>* unknown);

// Drops every capability not in `sets.bounding` from the bounding set.
Result<> drop_bounding_set(const CapabilitySets& sets);
// PR_SET_KEEPCAPS so that setresuid() away from root keeps the permitted set.
Result<> keep_capabilities_across_setuid();
// capset(effective, permitted, inheritable) then raise the ambient set.
Result<> apply_capabilities(const CapabilitySets& sets);

}  // namespace hako::linux
