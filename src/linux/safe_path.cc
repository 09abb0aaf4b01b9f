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

static Result<UniqueFd> open_in_root_depth(int root_fd, const std::string& path, Create create, int depth);

Result<UniqueFd> open_in_root(int root_fd, const std::string& path, Create create) {
  return open_in_root_depth(root_fd, path, create, 0);
}

static Result<UniqueFd> open_in_root_depth(int root_fd, const std::string& path, Create create, int depth) {
  if (depth > 40) return fail(ErrorKind::InvalidArgument, "{}: too many levels of symbolic links", path);
  std::string rel = relative(path);
  auto fd = resolve(root_fd, rel);
  if (fd || create == Create::Nothing || fd.error().sys_errno() != ENOENT) return fd;

  auto slash = rel.find_last_of('/');
  std::string parent = slash == std::string::npos ? "." : rel.substr(0, slash);
  std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
  TRY_ASSIGN(auto parent_fd, open_in_root_depth(root_fd, parent, Create::Directory, depth + 1));
  // O_PATH fds cannot be used with mkdirat; reopen the parent as a directory.
  UniqueFd dir(::openat(parent_fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return fail_sys(fmt::format("open {} in rootfs", parent));
  // A dangling symlink (an image's "/evil -> /host/dir"): create what it
  // points to, read as a path inside the root, never on the host.
  char link[4096];
  ssize_t n = ::readlinkat(dir.get(), name.c_str(), link, sizeof link - 1);
  if (n > 0) {
    std::string target(link, static_cast<size_t>(n));
    if (target[0] != '/') target = (parent == "." ? "" : parent + "/") + target;
    TRY(open_in_root_depth(root_fd, target, create, depth + 1));
    return resolve(root_fd, rel);
  }
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
