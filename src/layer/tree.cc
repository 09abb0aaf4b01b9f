#include "layer/tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <algorithm>

#include "linux/safe_path.h"

namespace hako::layer {

Result<std::vector<std::string>> list_dir(int dirfd) {
  // fdopendir takes the fd; give it a fresh one so the caller keeps its own.
  int fd = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail_sys("open directory");
  DIR* d = ::fdopendir(fd);
  if (!d) {
    ::close(fd);
    return fail_sys("opendir");
  }
  std::vector<std::string> names;
  errno = 0;
  while (auto* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") names.emplace_back(n);
  }
  int err = errno;
  ::closedir(d);
  if (err) return fail_sys("readdir", err);
  std::sort(names.begin(), names.end());
  return names;
}

Result<UniqueFd> open_subdir(int dirfd, const std::string& name) {
  int fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return fail_sys(fmt::format("open directory {}", name));
  return UniqueFd(fd);
}

Result<> remove_at(int dirfd, const std::string& name) {
  struct stat st;
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) return {};
    return fail_sys(fmt::format("stat {}", name));
  }
  if (S_ISDIR(st.st_mode)) {
    TRY_ASSIGN(UniqueFd sub, open_subdir(dirfd, name));
    TRY_ASSIGN(auto names, list_dir(sub.get()));
    for (const auto& n : names) TRY_CTX(remove_at(sub.get(), n), name);
    if (::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) < 0) return fail_sys(fmt::format("rmdir {}", name));
    return {};
  }
  if (::unlinkat(dirfd, name.c_str(), 0) < 0 && errno != ENOENT) return fail_sys(fmt::format("unlink {}", name));
  return {};
}

Result<UniqueFd> open_dir_in_root(int root_fd, const std::string& rel, bool create) {
  TRY_ASSIGN(UniqueFd path_fd,
             linux::open_in_root(root_fd, rel, create ? linux::Create::Directory : linux::Create::Nothing));
  // open_in_root hands back O_PATH; *at() calls that create need a real fd.
  int fd = ::openat(path_fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail_sys(fmt::format("open directory {}", rel.empty() ? "/" : rel));
  return UniqueFd(fd);
}

std::string at_path(int dirfd, const std::string& name) { return fmt::format("/proc/self/fd/{}/{}", dirfd, name); }

Result<std::map<std::string, std::string>> read_xattrs(int dirfd, const std::string& name) {
  std::map<std::string, std::string> out;
  std::string path = at_path(dirfd, name);
  ssize_t n = ::llistxattr(path.c_str(), nullptr, 0);
  if (n < 0) {
    if (errno == ENOTSUP) return out;
    return fail_sys(fmt::format("listxattr {}", name));
  }
  std::string names(static_cast<size_t>(n), '\0');
  n = ::llistxattr(path.c_str(), names.data(), names.size());
  if (n < 0) return fail_sys(fmt::format("listxattr {}", name));
  names.resize(static_cast<size_t>(n));
  for (size_t i = 0; i < names.size();) {
    std::string key = names.c_str() + i;
    i += key.size() + 1;
    if (key.empty()) continue;
    ssize_t len = ::lgetxattr(path.c_str(), key.c_str(), nullptr, 0);
    if (len < 0) {
      if (errno == ENODATA) continue;  // removed meanwhile
      return fail_sys(fmt::format("getxattr {} {}", name, key));
    }
    std::string value(static_cast<size_t>(len), '\0');
    len = ::lgetxattr(path.c_str(), key.c_str(), value.data(), value.size());
    if (len < 0) return fail_sys(fmt::format("getxattr {} {}", name, key));
    value.resize(static_cast<size_t>(len));
    out.emplace(std::move(key), std::move(value));
  }
  return out;
}

bool is_opaque(int dirfd, const std::string& name) {
  auto x = read_xattrs(dirfd, name);
  if (!x) return false;
  for (const char* key : {"trusted.overlay.opaque", "user.overlay.opaque"}) {
    auto it = x->find(key);
    if (it != x->end() && it->second == "y") return true;
  }
  return false;
}

}  // namespace hako::layer
