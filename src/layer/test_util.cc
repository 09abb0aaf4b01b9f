#include "layer/test_util.h"

#include <dirent.h>

#include <algorithm>

#include "layer/tree.h"

namespace hako::layer::testing {

static void walk(const std::string& root, const std::string& rel, std::map<std::string, std::string>& out,
                 std::map<ino_t, std::string>& inodes) {
  std::string dir = rel.empty() ? root : root + "/" + rel;
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  auto names = list_dir(fd);
  if (!names) {
    ::close(fd);
    return;
  }
  for (const auto& n : *names) {
    std::string r = rel.empty() ? n : rel + "/" + n;
    std::string p = root + "/" + r;
    struct stat st = lstat_of(p);
    std::string d = fmt::format("mode={:o} uid={} gid={}", st.st_mode, st.st_uid, st.st_gid);
    // Layers carry whole seconds (see diff.h).
    if (!S_ISLNK(st.st_mode)) d += fmt::format(" mtime={}", st.st_mtim.tv_sec);
    if (S_ISREG(st.st_mode)) {
      d += " data=" + content(p);
      if (st.st_nlink > 1) {
        auto [it, first] = inodes.try_emplace(st.st_ino, r);
        d += " link=" + it->second;
      }
    }
    if (S_ISLNK(st.st_mode)) {
      char buf[4096];
      ssize_t len = ::readlink(p.c_str(), buf, sizeof buf);
      d += " -> " + std::string(buf, len > 0 ? static_cast<size_t>(len) : 0);
    }
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) d += fmt::format(" dev={}:{}", major(st.st_rdev), minor(st.st_rdev));
    auto x = read_xattrs(fd, n);
    if (x)
      for (auto& [k, v] : *x) d += " " + k + "=" + v;
    out[r] = d;
    if (S_ISDIR(st.st_mode)) walk(root, r, out, inodes);
  }
  ::close(fd);
}

std::map<std::string, std::string> describe_tree(const std::string& root) {
  std::map<std::string, std::string> out;
  std::map<ino_t, std::string> inodes;
  walk(root, "", out, inodes);
  return out;
}

}  // namespace hako::layer::testing
