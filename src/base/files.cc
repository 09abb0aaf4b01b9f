#include "base/files.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <utility>

#include "base/fd.h"

namespace hako {

Result<std::string> read_all_fd(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_sys("read");
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

Result<std::string> read_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_sys(fmt::format("open {}", path));
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_sys(fmt::format("read {}", path));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Result<> write_all(int fd, std::string_view data, std::string_view what) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_sys(fmt::format("write {}", what));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<> write_file(const std::string& path, std::string_view data, int mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) return fail_sys(fmt::format("open {}", path));
  return write_all(fd.get(), data, path);
}

Result<> write_file_atomic(const std::string& path, std::string_view data, int mode) {
  std::string tmp = path + ".tmp";
  TRY(write_file(tmp, data, mode));
  if (::rename(tmp.c_str(), path.c_str()) < 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail_sys(fmt::format("rename {}", path), err);
  }
  return {};
}

Result<> write_existing(const std::string& path, std::string_view data) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return fail_sys(fmt::format("open {}", path));
  ssize_t n = ::write(fd.get(), data.data(), data.size());
  if (n < 0) return fail_sys(fmt::format("write {} to {}", data, path));
  return {};
}

Result<> make_dirs(const std::string& path, int mode) {
  if (path.empty()) return {};
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return {};
    return fail(ErrorKind::AlreadyExists, "{} exists and is not a directory", path);
  }
  auto slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0) TRY(make_dirs(path.substr(0, slash), mode));
  if (::mkdir(path.c_str(), mode) < 0 && errno != EEXIST) return fail_sys(fmt::format("mkdir {}", path));
  return {};
}

static Result<> remove_at(int dirfd, const char* name, dev_t dev) {
  struct stat st;
  if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) return {};
    return fail_sys(fmt::format("stat {}", name));
  }
  if (S_ISDIR(st.st_mode)) {
    if (st.st_dev != dev) return fail(ErrorKind::Conflict, "refusing to remove {}: it is a mount point", name);
    int fd = ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return fail_sys(fmt::format("open {}", name));
    DIR* d = ::fdopendir(fd);
    if (!d) {
      ::close(fd);
      return fail_sys(fmt::format("opendir {}", name));
    }
    Result<> result;
    while (auto* e = ::readdir(d)) {
      std::string_view n = e->d_name;
      if (n == "." || n == "..") continue;
      result = remove_at(fd, e->d_name, dev);
      if (!result) break;
    }
    ::closedir(d);
    if (!result) return result;
    if (::unlinkat(dirfd, name, AT_REMOVEDIR) < 0) return fail_sys(fmt::format("rmdir {}", name));
    return {};
  }
  if (::unlinkat(dirfd, name, 0) < 0 && errno != ENOENT) return fail_sys(fmt::format("unlink {}", name));
  return {};
}

Result<> remove_tree(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) < 0) {
    if (errno == ENOENT) return {};
    return fail_sys(fmt::format("stat {}", path));
  }
  auto r = remove_at(AT_FDCWD, path.c_str(), st.st_dev);
  if (!r) return std::unexpected(std::move(r).error().context(fmt::format("removing {}", path)));
  return {};
}

bool path_exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

namespace {
// nftw has no user argument: the walk's state lives here for its duration
// (one walk at a time per thread).
thread_local int64_t walk_total;
thread_local std::set<std::pair<dev_t, ino_t>>* walk_seen;

int add_entry(const char*, const struct stat* st, int type, FTW*) {
  if (type != FTW_F && type != FTW_SL) return 0;
  if (st->st_nlink > 1 && !walk_seen->insert({st->st_dev, st->st_ino}).second) return 0;
  walk_total += st->st_size;
  return 0;
}
}  // namespace

Result<int64_t> tree_size(const std::string& path) {
  if (!path_exists(path)) return int64_t{0};
  std::set<std::pair<dev_t, ino_t>> seen;
  walk_total = 0;
  walk_seen = &seen;
  int r = ::nftw(path.c_str(), add_entry, 64, FTW_PHYS | FTW_MOUNT);
  walk_seen = nullptr;
  if (r < 0) return fail_sys(fmt::format("walking {}", path));
  return walk_total;
}

}  // namespace hako
