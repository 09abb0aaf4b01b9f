#include "linux/devices.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux/mounts.h"
#include "linux/safe_path.h"

namespace hako::linux {

const std::vector<oci::Device>& default_devices() {
  static const std::vector<oci::Device> devices = {
      {'c', "/dev/null", 1, 3, 0666, 0, 0},    {'c', "/dev/zero", 1, 5, 0666, 0, 0},
      {'c', "/dev/full", 1, 7, 0666, 0, 0},    {'c', "/dev/random", 1, 8, 0666, 0, 0},
      {'c', "/dev/urandom", 1, 9, 0666, 0, 0}, {'c', "/dev/tty", 5, 0, 0666, 0, 0},
  };
  return devices;
}

static Result<> create_device(int root_fd, const oci::Device& d, bool bind) {
  auto slash = d.path.find_last_of('/');
  std::string parent = d.path.substr(0, slash);
  std::string name = d.path.substr(slash + 1);
  TRY_ASSIGN(auto parent_fd, open_in_root(root_fd, parent.empty() ? "/" : parent, Create::Directory));
  UniqueFd dir(::openat(parent_fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return fail_sys(fmt::format("open {}", parent));
  // A device path that is already there (a symlink from the image, say) is
  // replaced, never followed.
  ::unlinkat(dir.get(), name.c_str(), 0);
  if (bind) {
    int f = ::openat(dir.get(), name.c_str(), O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (f < 0) return fail_sys(fmt::format("create {}", d.path));
    ::close(f);
    TRY_ASSIGN(auto target, open_in_root(root_fd, d.path, Create::Nothing));
    return do_mount(d.path.c_str(), fd_path(target.get()), nullptr, MS_BIND, nullptr, "device " + d.path);
  }
  mode_t type = d.type == 'b' ? S_IFBLK : d.type == 'p' ? S_IFIFO : S_IFCHR;
  mode_t mode = d.file_mode.value_or(0666) & 07777;
  if (::mknodat(dir.get(), name.c_str(), type | mode, makedev(d.major, d.minor)) < 0)
    return fail_sys(fmt::format("mknod {}", d.path));
  // mknod is subject to the umask; the spec asks for fileMode exactly.
  if (::fchmodat(dir.get(), name.c_str(), mode, 0) < 0) return fail_sys(fmt::format("chmod {}", d.path));
  if (::fchownat(dir.get(), name.c_str(), d.uid.value_or(0), d.gid.value_or(0), AT_SYMLINK_NOFOLLOW) < 0)
    return fail_sys(fmt::format("chown {}", d.path));
  return {};
}

Result<> create_devices(int root_fd, const std::vector<oci::Device>& devices, bool bind_instead_of_mknod) {
  for (const auto& d : devices) {
    auto r = create_device(root_fd, d, bind_instead_of_mknod);
    if (!r && !bind_instead_of_mknod && r.error().sys_errno() == EPERM) r = create_device(root_fd, d, true);
    if (!r) return r;
  }
  return {};
}

Result<> create_dev_symlinks(int root_fd) {
  TRY_ASSIGN(auto dev, open_in_root(root_fd, "/dev", Create::Directory));
  UniqueFd dir(::openat(dev.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return fail_sys("open /dev");
  std::vector<std::pair<const char*, const char*>> links = {
      {"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
      {"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"}};
  if (::access("/proc/kcore", F_OK) == 0) links.push_back({"/proc/kcore", "core"});
  for (auto [target, name] : links) {
    if (::symlinkat(target, dir.get(), name) < 0 && errno != EEXIST)
      return fail_sys(fmt::format("symlink /dev/{}", name));
  }
  return {};
}

}  // namespace hako::linux
