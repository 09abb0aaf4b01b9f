#include "layer/copy_tree.h"

#include "base/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <map>
#include <vector>

#include "base/fd.h"
#include "layer/tree.h"

namespace hako::layer {
namespace {

class Copier {
 public:
  explicit Copier(int dst_root) : dst_root_(dst_root) {}

  // Copies entry `name` of directory `src` into directory `dst`; `rel` is
  // its path below the roots.
  Result<> entry(int src, int dst, const std::string& name, const std::string& rel) {
    std::string shown = rel;
    struct stat st;
    if (::fstatat(src, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) return fail_sys("stat " + shown);
    if (S_ISSOCK(st.st_mode)) return {};
    if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
      auto key = std::pair{st.st_dev, st.st_ino};
      auto it = links_.find(key);
      if (it != links_.end()) {
        // The first copy's path is in the new tree, made by this copier of
        // real directories only, so resolving it cannot leave the tree.
        if (::linkat(dst_root_, it->second.c_str(), dst, name.c_str(), 0) < 0)
          return fail_sys("link " + shown);
        return {};
      }
    }
    switch (st.st_mode & S_IFMT) {
      case S_IFDIR: {
        if (::mkdirat(dst, name.c_str(), 0700) < 0) return fail_sys("mkdir " + shown);
        TRY_ASSIGN(UniqueFd from, open_subdir(src, name));
        TRY_ASSIGN(UniqueFd to, open_subdir(dst, name));
        TRY(contents(from.get(), to.get(), shown));
        break;
      }
      case S_IFREG: TRY(copy_file(src, dst, name, st, shown)); break;
      case S_IFLNK: {
        std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
        ssize_t n = ::readlinkat(src, name.c_str(), target.data(), target.size());
        if (n < 0) return fail_sys("readlink " + shown);
        target.resize(static_cast<size_t>(n));
        if (::symlinkat(target.c_str(), dst, name.c_str()) < 0) return fail_sys("symlink " + shown);
        break;
      }
      default:
        if (::mknodat(dst, name.c_str(), st.st_mode, st.st_rdev) < 0) return fail_sys("mknod " + shown);
    }
    TRY(copy_metadata(src, dst, name, st, shown));
    if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) links_[{st.st_dev, st.st_ino}] = rel;
    return {};
  }

  Result<> contents(int src, int dst, const std::string& rel) {
    TRY_ASSIGN(auto names, list_dir(src));
    for (const auto& n : names) TRY(entry(src, dst, n, rel.empty() ? n : rel + "/" + n));
    return {};
  }

  // Owner, then mode (chown clears setuid), then xattrs (chown clears
  // security.capability), then times.
  Result<> copy_metadata(int src, int dst, const std::string& name, const struct stat& st, const std::string& shown) {
    if (::fchownat(dst, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
      return fail_sys("chown " + shown);
    if (!S_ISLNK(st.st_mode) && ::fchmodat(dst, name.c_str(), st.st_mode & 07777, 0) < 0)
      return fail_sys("chmod " + shown);
    TRY_ASSIGN(auto xattrs, read_xattrs(src, name));
    std::string target = at_path(dst, name);
    for (const auto& [k, v] : xattrs)
      if (::lsetxattr(target.c_str(), k.c_str(), v.data(), v.size(), 0) < 0 && errno != ENOTSUP)
        return fail_sys(fmt::format("set xattr {} on {}", k, shown));
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    if (::utimensat(dst, name.c_str(), times, AT_SYMLINK_NOFOLLOW) < 0) return fail_sys("set times of " + shown);
    return {};
  }

 private:
  static Result<> copy_file(int src, int dst, const std::string& name, const struct stat& st,
                            const std::string& shown) {
    UniqueFd in(::openat(src, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in) return fail_sys("open " + shown);
    UniqueFd out(::openat(dst, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out) return fail_sys("create " + shown);
    off_t left = st.st_size;
    bool plain = false;  // copy_file_range refused: read and write instead
    char buf[65536];
    while (left > 0) {
      ssize_t n;
      if (!plain) {
        n = ::copy_file_range(in.get(), nullptr, out.get(), nullptr, static_cast<size_t>(left), 0);
        // Between some filesystems (overlayfs to ext4: a volume filled from
        // an image) the kernel will not do it.
        if (n < 0 && (errno == EXDEV || errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL)) {
          plain = true;
          continue;
        }
      } else {
        n = ::read(in.get(), buf, sizeof buf);
        if (n > 0) TRY(write_all(out.get(), std::string_view(buf, static_cast<size_t>(n)), "copy " + shown));
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail_sys("copy " + shown);
      if (n == 0) break;  // the file shrank while copying
      left -= n;
    }
    return {};
  }

  int dst_root_;
  // (dev, ino) of a multiply linked file -> where its first copy went.
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
};

}  // namespace

Result<> copy_tree(const std::string& from, const std::string& to) {
  UniqueFd src(::open(from.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!src) return fail_sys("open " + from);
  UniqueFd dst(::open(to.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dst) return fail_sys("open " + to);
  Copier c(dst.get());
  TRY_CTX(c.contents(src.get(), dst.get(), ""), fmt::format("copying {} to {}", from, to));
  struct stat st;
  if (::fstat(src.get(), &st) < 0) return fail_sys("stat " + from);
  if (::fchown(dst.get(), st.st_uid, st.st_gid) < 0 || ::fchmod(dst.get(), st.st_mode & 07777) < 0)
    return fail_sys("set owner and mode of " + to);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (::futimens(dst.get(), times) < 0) return fail_sys("set times of " + to);
  return {};
}

}  // namespace hako::layer
