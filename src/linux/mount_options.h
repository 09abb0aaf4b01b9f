// Translates OCI mount options ("ro", "rbind", "rslave", "mode=755") into
// what the kernel takes: mount(2) flags, a propagation change, recursive
// attributes for mount_setattr(2), and the filesystem data string.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hako::linux {

struct MountOptions {
  unsigned long flags = 0;            // MS_* set
  unsigned long clear = 0;            // MS_* explicitly cleared ("rw", "exec")
  unsigned long propagation = 0;      // MS_SHARED/MS_SLAVE/... possibly with MS_REC
  uint64_t attr_set = 0, attr_clr = 0;  // MOUNT_ATTR_* applied recursively
  bool bind() const;
  bool recursive_bind() const;
  std::string data;                   // comma-joined unrecognised options
};

MountOptions parse_mount_options(const std::vector<std::string>& options);

// Flags for a propagation name ("rslave"), 0 when unknown or empty.
unsigned long propagation_flags(const std::string& name);

}  // namespace hako::linux
