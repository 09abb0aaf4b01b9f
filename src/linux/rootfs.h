// The container's filesystem view, built inside its new mount namespace:
//   prepare_rootfs   propagation, the rootfs bind, every mount, /dev
//   enter_rootfs     pivot_root (or MS_MOVE + chroot with --no-pivot)
//   finalize_rootfs  maskedPaths, readonlyPaths, read-only root, propagation
// createContainer hooks run between prepare and enter.
#pragma once

#include <string>

#include "base/error.h"
#include "linux/mounts.h"
#include "oci/spec.h"

namespace hako::linux {

struct RootfsPlan {
  const oci::Spec* spec = nullptr;
  std::string rootfs;  // absolute host path
  bool no_pivot = false;
  bool user_ns = false;
  // Without a mount namespace (the spec: inherit the runtime's), mounts are
  // made under the rootfs in our own namespace, / is left alone, and chroot
  // replaces pivot_root. delete detaches them again.
  bool mount_ns = true;
  MountContext mounts;  // root_fd is filled in by prepare_rootfs
};

Result<> prepare_rootfs(RootfsPlan& plan);
Result<> enter_rootfs(const RootfsPlan& plan);
Result<> finalize_rootfs(const RootfsPlan& plan);
// Bind-mounts the console's pty slave (by its path under /dev/pts) at /dev/console.
Result<> mount_console(const std::string& slave_path);
// Detaches what prepare_rootfs mounted over the rootfs of a container that
// had no mount namespace of its own (the rootfs bind and all below it).
Result<> detach_rootfs_mounts(const std::string& rootfs);

}  // namespace hako::linux
