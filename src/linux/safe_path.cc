#include "linux/safe_path.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>

#include "sys/syscalls.h"

namespace hako::linux {

std::string fd_path(int fd) { return fmt::format("/proc/self/fd/{}", fd); }

static std::string relative(const std::string& path) {
  size_t i = 0;
  while (i < path.size() && path[i] == '/') ++i;
  std::string rel = path.substr(i);
  while (!rel.empty() && rel.back() == '/') rel.pop_back();
  return rel.empty() ? "." : rel;
}

static Result<UniqueFd> resolve(int root_fd, const std::string& rel) {
  int fd = sys::openat2(root_fd, rel.c_str(), O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  if (fd < 0) return fail_sys(fmt::format("open {} in rootfs", rel));
  return UniqueFd(fd);
}

Result<UniqueFd> open_in_root(int root_fd, const std::string& path, Create create) {
  std::string rel = relative(path);
  auto fd = resolve(root_fd, rel);
  if (fd || create == Create::Nothing || fd.error().sys_errno() != ENOENT) return fd;

  auto slash = rel.find_last_of('/');
  std::string parent = slash == std::string::npos ? "." : rel.substr(0, slash);
  std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
  TRY_ASSIGN(auto parent_fd, open_in_root(root_fd, parent, Create::Directory));
  // O_PATH fds cannot be used with mkdirat; reopen the parent as a directory.
  UniqueFd dir(::openat(parent_fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return fail_sys(fmt::format("open {} in rootfs", parent));
  if (create == Create::Directory) {
    if (::mkdirat(dir.get(), name.c_str(), 0755) < 0 && errno != EEXIST)
      return fail_sys(fmt::format("mkdir {} in rootfs", rel));
  } else {
    int f = ::openat(dir.get(), name.c_str(), O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (f < 0 && errno != EEXIST) return fail_sys(fmt::format("create {} in rootfs", rel));
    if (f >= 0) ::close(f);
  }
  return resolve(root_fd, rel);
}

}  // namespace hako::linux
