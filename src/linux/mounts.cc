#include "linux/mounts.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/mount_options.h"
#include "linux/safe_path.h"

namespace hako::linux {

Result<> do_mount(const char* source, const std::string& target, const char* type, unsigned long flags,
                  const char* data, std::string_view what) {
  if (::mount(source, target.c_str(), type, flags, data) < 0)
    return fail_sys(fmt::format("mount {}", what));
  return {};
}

unsigned long current_mount_flags(const std::string& path) {
  struct statvfs s;
  if (::statvfs(path.c_str(), &s) < 0) return 0;
  unsigned long f = 0;
  if (s.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (s.f_flag & ST_NODEV) f |= MS_NODEV;
  if (s.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  if (s.f_flag & ST_RDONLY) f |= MS_RDONLY;
  if (s.f_flag & ST_NOATIME) f |= MS_NOATIME;
  if (s.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
  if (s.f_flag & ST_RELATIME) f |= MS_RELATIME;
  return f;
}

namespace {

constexpr unsigned long kRemountable =
    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME |
    MS_NOSYMFOLLOW | MS_SYNCHRONOUS | MS_MANDLOCK | MS_DIRSYNC | MS_LAZYTIME;

// After a bind, apply the flags the bind itself ignored. Flags the source
// mount has locked (nosuid/nodev/noexec in a user namespace) are kept.
Result<> remount_bind(const std::string& target, const MountOptions& o, std::string_view what) {
  unsigned long wanted = o.flags & kRemountable;
  if (!wanted && !o.clear) return {};
  unsigned long current = current_mount_flags(target);
  unsigned long flags = ((current | wanted) & ~o.clear) | MS_BIND | MS_REMOUNT;
  if (::mount(nullptr, target.c_str(), nullptr, flags, nullptr) == 0) return {};
  if (errno != EPERM) return fail_sys(fmt::format("remount {}", what));
  // Retry keeping every flag the mount has now: only additions are possible.
  flags |= current;
  if (::mount(nullptr, target.c_str(), nullptr, flags, nullptr) < 0) return fail_sys(fmt::format("remount {}", what));
  return {};
}

Result<> set_attrs(const std::string& target, const MountOptions& o, std::string_view what) {
  if (!o.attr_set && !o.attr_clr) return {};
  struct mount_attr attr = {};
  attr.attr_set = o.attr_set;
  attr.attr_clr = o.attr_clr;
  if (::syscall(SYS_mount_setattr, AT_FDCWD, target.c_str(), AT_RECURSIVE, &attr, sizeof attr) < 0)
    return fail_sys(fmt::format("setting recursive attributes on {}", what));
  return {};
}

Result<> set_propagation(const std::string& target, const MountOptions& o, std::string_view what) {
  if (!o.propagation) return {};
  return do_mount(nullptr, target, nullptr, o.propagation, nullptr, fmt::format("propagation of {}", what));
}

bool source_is_dir(const oci::Mount& m, bool bind) {
  if (!bind) return true;
  struct stat st;
  if (::stat(m.source.c_str(), &st) < 0) return true;
  return S_ISDIR(st.st_mode);
}

Result<> mount_cgroups(const MountContext& ctx, const oci::Mount& m, const MountOptions& o) {
  std::string what = "cgroup at " + m.destination;
  unsigned long base = o.flags & ~MS_RDONLY & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME);
  if (ctx.cgroup_v2) {
    TRY_ASSIGN(auto fd, open_in_root(ctx.root_fd, m.destination, Create::Directory));
    std::string target = fd_path(fd.get());
    if (ctx.cgroup_ns) return do_mount("cgroup2", target, "cgroup2", o.flags, nullptr, what);
    if (ctx.cgroups.empty()) return fail(ErrorKind::Internal, "no cgroup for the container");
    TRY(do_mount(ctx.cgroups[0].host_path.c_str(), target, nullptr, MS_BIND, nullptr, what));
    return remount_bind(target, o, what);
  }
  // cgroup v1: a tmpfs holding one directory per hierarchy, like runc.
  {
    TRY_ASSIGN(auto fd, open_in_root(ctx.root_fd, m.destination, Create::Directory));
    TRY(do_mount("tmpfs", fd_path(fd.get()), "tmpfs", base, "mode=755", what));
  }
  for (const auto& cg : ctx.cgroups) {
    TRY_ASSIGN(auto fd, open_in_root(ctx.root_fd, m.destination + "/" + cg.name, Create::Directory));
    std::string target = fd_path(fd.get());
    std::string sub = fmt::format("cgroup {} at {}/{}", cg.name, m.destination, cg.name);
    if (ctx.cgroup_ns) {
      TRY(do_mount("cgroup", target, "cgroup", o.flags, cg.options.c_str(), sub));
    } else {
      TRY(do_mount(cg.host_path.c_str(), target, nullptr, MS_BIND, nullptr, sub));
      TRY_ASSIGN(auto mounted, open_in_root(ctx.root_fd, m.destination + "/" + cg.name, Create::Nothing));
      TRY(remount_bind(fd_path(mounted.get()), o, sub));
    }
  }
  if (o.flags & MS_RDONLY) {
    TRY_ASSIGN(auto fd, open_in_root(ctx.root_fd, m.destination, Create::Nothing));
    TRY(do_mount(nullptr, fd_path(fd.get()), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | base, nullptr,
                 "remount " + what + " read-only"));
  }
  return {};
}

}  // namespace

Result<> mount_entry(const MountContext& ctx, const oci::Mount& m) {
  MountOptions o = parse_mount_options(m.options);
  if (m.type == "bind") o.flags |= MS_BIND;
  std::string what = fmt::format("{} on {}{}", m.source.empty() ? m.type : m.source, m.destination,
                                 m.type.empty() || m.type == "bind" ? "" : " (" + m.type + ")");
  if (m.type == "cgroup" || m.type == "cgroup2") return mount_cgroups(ctx, m, o);

  bool bind = o.bind();
  if (bind && ::access(m.source.c_str(), F_OK) < 0) return fail_sys(fmt::format("bind source {}", m.source));
  TRY_ASSIGN(auto fd, open_in_root(ctx.root_fd, m.destination, source_is_dir(m, bind) ? Create::Directory : Create::File));
  std::string target = fd_path(fd.get());

  if (bind) {
    TRY(do_mount(m.source.c_str(), target, nullptr, o.flags & (MS_BIND | MS_REC), nullptr, what));
  } else {
    const char* data = o.data.empty() ? nullptr : o.data.c_str();
    TRY(do_mount(m.source.c_str(), target, m.type.c_str(), o.flags, data, what));
  }
  // Later steps must address the new mount, not the directory it covers.
  TRY_ASSIGN(auto mounted, open_in_root(ctx.root_fd, m.destination, Create::Nothing));
  std::string mounted_path = fd_path(mounted.get());
  if (bind) TRY(remount_bind(mounted_path, o, what));
  TRY(set_propagation(mounted_path, o, what));
  TRY(set_attrs(mounted_path, o, what));
  return {};
}

}  // namespace hako::linux
