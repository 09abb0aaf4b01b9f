#include "linux/rootfs.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/files.h"
#include "base/strings.h"
#include "linux/devices.h"
#include "linux/mount_options.h"
#include "linux/safe_path.h"
#include "sys/syscalls.h"

namespace hako::linux {

namespace {

bool dev_is_bind_mounted(const oci::Spec& spec) {
  for (const auto& m : spec.mounts) {
    if (m.destination != "/dev" && m.destination != "/dev/") continue;
    auto o = parse_mount_options(m.options);
    if (o.bind() || m.type == "bind") return true;
  }
  return false;
}

bool has_mount_at(const oci::Spec& spec, std::string_view dest) {
  for (const auto& m : spec.mounts)
    if (m.destination == dest) return true;
  return false;
}

// pivot_root(2) refuses a new root whose parent mount is shared; make the
// mount holding the rootfs private (it is our own copy, in our namespace).
Result<> make_parent_mount_private(const std::string& rootfs) {
  std::string path = rootfs;
  for (;;) {
    if (::mount(nullptr, path.c_str(), nullptr, MS_PRIVATE, nullptr) == 0) return {};
    if (errno != EINVAL) return fail_sys(fmt::format("making the mount of {} private", path));
    // EINVAL: not a mount point; walk up to the mount that holds it.
    if (path == "/") return {};
    auto slash = path.find_last_of('/');
    path = slash == 0 ? "/" : path.substr(0, slash);
  }
}

}  // namespace

Result<> prepare_rootfs(RootfsPlan& plan) {
  const oci::Spec& spec = *plan.spec;
  const auto& prop = spec.linux ? spec.linux->rootfs_propagation : std::string();
  // Nothing we mount may propagate back to the host: start from rslave (or
  // what the bundle asked for) over the whole tree.
  if (plan.mount_ns) {
    unsigned long flags = MS_SLAVE | MS_REC;
    if (auto p = propagation_flags(prop)) flags = p | MS_REC;
    TRY(do_mount(nullptr, "/", nullptr, flags, nullptr, "propagation of /"));
    TRY(make_parent_mount_private(plan.rootfs));
  }
  TRY(do_mount(plan.rootfs.c_str(), plan.rootfs, nullptr, MS_BIND | MS_REC, nullptr, "rootfs " + plan.rootfs));

  UniqueFd root(::open(plan.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return fail_sys(fmt::format("open rootfs {}", plan.rootfs));
  plan.mounts.root_fd = root.get();
  for (const auto& m : spec.mounts) TRY(mount_entry(plan.mounts, m));

  if (!dev_is_bind_mounted(spec)) {
    if (has_mount_at(spec, "/dev")) TRY(create_devices(root.get(), default_devices(), plan.user_ns));
    if (spec.linux) TRY(create_devices(root.get(), spec.linux->devices, plan.user_ns));
    if (has_mount_at(spec, "/dev")) TRY(create_dev_symlinks(root.get()));
  } else if (spec.linux) {
    TRY(create_devices(root.get(), spec.linux->devices, plan.user_ns));
  }
  plan.mounts.root_fd = -1;
  return {};
}

Result<> enter_rootfs(const RootfsPlan& plan) {
  if (::chdir(plan.rootfs.c_str()) < 0) return fail_sys(fmt::format("chdir {}", plan.rootfs));
  if (!plan.mount_ns) {
    if (::chroot(".") < 0) return fail_sys("chroot");
    if (::chdir("/") < 0) return fail_sys("chdir /");
    return {};
  }
  if (plan.no_pivot) {
    TRY(do_mount(plan.rootfs.c_str(), "/", nullptr, MS_MOVE, nullptr, "rootfs onto / (--no-pivot)"));
    if (::chroot(".") < 0) return fail_sys("chroot");
    if (::chdir("/") < 0) return fail_sys("chdir /");
    return {};
  }
  UniqueFd old_root(::open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC));
  if (!old_root) return fail_sys("open /");
  // pivot_root(".", "."): the old root ends up mounted on top of the new one,
  // and is detached right away, with no directory needed for it.
  if (sys::pivot_root(".", ".") < 0) return fail_sys(fmt::format("pivot_root into {}", plan.rootfs));
  if (::fchdir(old_root.get()) < 0) return fail_sys("fchdir old root");
  // Unmounting the old root must not propagate to the host's mounts.
  TRY(do_mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr, "propagation of the old root"));
  if (::umount2(".", MNT_DETACH) < 0) return fail_sys("detaching the old root");
  if (::chdir("/") < 0) return fail_sys("chdir /");
  return {};
}

static Result<> mask_path(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) < 0) {
    if (errno == ENOENT) return {};
    return fail_sys(fmt::format("stat masked path {}", path));
  }
  if (S_ISDIR(st.st_mode))
    return do_mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0k", "tmpfs over masked path " + path);
  return do_mount("/dev/null", path, nullptr, MS_BIND, nullptr, "/dev/null over masked path " + path);
}

static Result<> readonly_path(const std::string& path) {
  if (::access(path.c_str(), F_OK) < 0) {
    if (errno == ENOENT) return {};
    return fail_sys(fmt::format("readonly path {}", path));
  }
  TRY(do_mount(path.c_str(), path, nullptr, MS_BIND | MS_REC, nullptr, "readonly path " + path));
  unsigned long flags = current_mount_flags(path) | MS_BIND | MS_REMOUNT | MS_RDONLY;
  return do_mount(nullptr, path, nullptr, flags, nullptr, "remount readonly path " + path);
}

Result<> finalize_rootfs(const RootfsPlan& plan) {
  const oci::Spec& spec = *plan.spec;
  if (spec.linux) {
    for (const auto& p : spec.linux->masked_paths) TRY(mask_path(p));
    for (const auto& p : spec.linux->readonly_paths) TRY(readonly_path(p));
  }
  if (spec.root_readonly) {
    unsigned long flags = current_mount_flags("/") | MS_BIND | MS_REMOUNT | MS_RDONLY;
    TRY(do_mount(nullptr, "/", nullptr, flags, nullptr, "remount / read-only"));
  }
  if (spec.linux && plan.mount_ns) {
    if (auto p = propagation_flags(spec.linux->rootfs_propagation))
      TRY(do_mount(nullptr, "/", nullptr, p, nullptr, "rootfsPropagation of /"));
  }
  return {};
}

Result<> detach_rootfs_mounts(const std::string& rootfs) {
  if (::umount2(rootfs.c_str(), MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
    return fail_sys(fmt::format("detaching the mounts on {}", rootfs));
  return {};
}

Result<> mount_console(const std::string& slave_path) {
  int f = ::open("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (f >= 0) ::close(f);
  return do_mount(slave_path.c_str(), "/dev/console", nullptr, MS_BIND, nullptr, "console " + slave_path);
}

}  // namespace hako::linux
