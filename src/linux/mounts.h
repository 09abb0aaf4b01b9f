// Mounting the entries of config.json's "mounts" inside the rootfs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/error.h"
#include "cgroups/view.h"
#include "oci/spec.h"

namespace hako::linux {

using cgroups::CgroupView;

struct MountContext {
  int root_fd = -1;
  bool cgroup_ns = false;  // the container has its own cgroup namespace
  bool cgroup_v2 = false;
  std::vector<CgroupView> cgroups;
};

Result<> mount_entry(const MountContext& ctx, const oci::Mount& m);

// MS_NOSUID/NODEV/NOEXEC/RDONLY/atime flags the mount at `path` already has;
// a bind remount must keep the locked ones or the kernel says EPERM.
unsigned long current_mount_flags(const std::string& path);

// mount(2) with an error that names source, target and type.
Result<> do_mount(const char* source, const std::string& target, const char* type, unsigned long flags,
                  const char* data, std::string_view what);

}  // namespace hako::linux
