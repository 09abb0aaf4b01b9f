// cgroup v2 has no devices.allow: access to device nodes is decided by an
// eBPF program of type CGROUP_DEVICE attached to the cgroup. This compiles
// the OCI device rules into such a program (last matching rule wins, as in
// v1's list semantics and runc's filter) and attaches it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/fd.h"
#include "cgroups/resources.h"

namespace hako::cgroups::v2 {

struct BpfInsn {
  uint8_t code;
  uint8_t regs;  // dst in the low nibble, src in the high one
  int16_t off;
  int32_t imm;
};

// The program for `rules` followed by the default rules every container has.
std::vector<BpfInsn> compile_device_filter(const std::vector<DeviceRule>& rules);

// Loads `program` and attaches it to the cgroup directory `dir`, replacing
// any device program hako attached there before.
Result<> attach_device_filter(const std::string& dir, const std::vector<BpfInsn>& program);

}  // namespace hako::cgroups::v2
