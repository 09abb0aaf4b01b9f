#include "scan/inventory/rootfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <deque>

#include "base/fd.h"
#include "base/files.h"
#include "base/strings.h"

namespace hako::scan {
namespace {

constexpr int kMaxLinks = 40;  // the kernel's MAXSYMLINKS

std::string host_path(const std::string& root, const std::vector<std::string>& parts) {
  std::string out = root;
  for (const std::string& p : parts) out += "/" + p;
  return out;
}

void push_front_components(std::deque<std::string>& pending, std::string_view path) {
  std::vector<std::string> parts = split(path, '/');
  for (auto it = parts.rbegin(); it != parts.rend(); ++it)
    if (!it->empty() && *it != ".") pending.push_front(*it);
}

}  // namespace

Result<std::optional<std::string>> resolve_in_root(const std::string& root, std::string_view path) {
  std::vector<std::string> done;  // resolved components below root, none a symlink
  std::deque<std::string> pending;
  push_front_components(pending, path);
  int links = 0;
  while (!pending.empty()) {
    std::string comp = std::move(pending.front());
    pending.pop_front();
    if (comp == "..") {
      if (!done.empty()) done.pop_back();  // ".." at root stays at root, as chroot does
      continue;
    }
    done.push_back(comp);
    std::string host = host_path(root, done);
    struct stat st;
    if (::lstat(host.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return std::optional<std::string>();
      return fail_sys(fmt::format("lstat {}", host));
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > kMaxLinks)
        return fail(ErrorKind::InvalidArgument, "resolving {} in the image: too many levels of symbolic links",
                    path);
      std::string target(static_cast<size_t>(st.st_size > 0 ? st.st_size : 4096) + 1, '\0');
      ssize_t n = ::readlink(host.c_str(), target.data(), target.size());
      if (n < 0) return fail_sys(fmt::format("readlink {}", host));
      target.resize(static_cast<size_t>(n));
      done.pop_back();
      if (!target.empty() && target.front() == '/') done.clear();
      push_front_components(pending, target);
      continue;
    }
    if (!pending.empty() && !S_ISDIR(st.st_mode)) return std::optional<std::string>();
  }
  return std::optional<std::string>(host_path(root, done));
}

Result<std::optional<std::string>> read_in_root(const std::string& root, std::string_view path,
                                                size_t max_bytes) {
  TRY_ASSIGN(std::optional<std::string> host, resolve_in_root(root, path));
  if (!host) return std::optional<std::string>();
  // O_NONBLOCK: opening a FIFO planted in the image must not hang the scan.
  UniqueFd fd(::open(host->c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) {
    if (errno == ENOENT) return std::optional<std::string>();
    return fail_sys(fmt::format("open {}", *host));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return fail_sys(fmt::format("stat {}", *host));
  if (!S_ISREG(st.st_mode))
    return fail(ErrorKind::InvalidArgument, "{} in the image is not a regular file", path);
  if (static_cast<uint64_t>(st.st_size) > max_bytes)
    return fail(ErrorKind::InvalidArgument, "{} in the image is {} bytes, over the {} byte limit", path,
                st.st_size, max_bytes);
  auto data = read_all_fd(fd.get());
  if (!data) return std::unexpected(data.error().context(*host));
  return std::optional<std::string>(std::move(*data));
}

Result<std::optional<std::vector<std::string>>> list_in_root(const std::string& root,
                                                             std::string_view path) {
  using Names = std::optional<std::vector<std::string>>;
  TRY_ASSIGN(std::optional<std::string> host, resolve_in_root(root, path));
  if (!host) return Names();
  int fd = ::open(host->c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY);
  if (fd < 0) {
    if (errno == ENOENT) return Names();
    if (errno == ENOTDIR) return fail(ErrorKind::InvalidArgument, "{} in the image is not a directory", path);
    return fail_sys(fmt::format("open {}", *host));
  }
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return fail_sys(fmt::format("opendir {}", *host));
  }
  std::vector<std::string> names;
  errno = 0;
  while (struct dirent* e = ::readdir(dir)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") names.emplace_back(n);
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return fail_sys(fmt::format("readdir {}", *host), err);
  std::sort(names.begin(), names.end());
  return Names(std::move(names));
}

}  // namespace hako::scan
