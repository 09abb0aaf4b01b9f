#include "engine/copy_paths.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "base/fd.h"
#include "sys/syscalls.h"

namespace hako::engine::cp {

std::pair<std::string, std::string> split_arg(const std::string& arg) {
  if (arg.starts_with('/')) return {"", arg};
  auto colon = arg.find(':');
  if (colon == std::string::npos || arg.starts_with('.')) return {"", arg};
  return {arg.substr(0, colon), arg.substr(colon + 1)};
}

std::string clean(const std::string& path) {
  if (path.empty()) return ".";
  bool rooted = path[0] == '/';
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!out.empty() && out.back() != "..")
        out.pop_back();
      else if (!rooted)
        out.push_back("..");
      continue;
    }
    out.push_back(std::move(part));
  }
  std::string s = rooted ? "/" : "";
  for (size_t k = 0; k < out.size(); ++k) s += (k ? "/" : "") + out[k];
  return s.empty() ? "." : s;
}

std::string base_name(const std::string& path) {
  if (path.empty()) return ".";
  std::string p = path;
  while (!p.empty() && p.back() == '/') p.pop_back();
  if (p.empty()) return "/";
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string dir_name(const std::string& path) {
  auto slash = path.rfind('/');
  return clean(slash == std::string::npos ? "" : path.substr(0, slash + 1));
}

std::pair<std::string, std::string> split(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash + 1), path.substr(slash + 1)};
}

bool has_trailing_separator(const std::string& path) { return !path.empty() && path.back() == '/'; }
bool specifies_current_dir(const std::string& path) { return base_name(path) == "."; }
bool asserts_directory(const std::string& path) { return has_trailing_separator(path) || specifies_current_dir(path); }

std::string preserve_trailing(const std::string& cleaned, const std::string& original) {
  std::string out = cleaned;
  if (!specifies_current_dir(out) && specifies_current_dir(original)) {
    if (!has_trailing_separator(out)) out += '/';
    out += '.';
  }
  if (!has_trailing_separator(out) && has_trailing_separator(original)) out += '/';
  return out;
}

std::pair<std::string, std::string> split_dir_entry(const std::string& path) {
  std::string cleaned = clean(path);
  if (specifies_current_dir(path)) cleaned += "/.";
  return {dir_name(cleaned), base_name(cleaned)};
}

std::string container_abs(const std::string& path) { return preserve_trailing(clean("/" + path), path); }

std::pair<std::string, std::string> rebase_name(const std::string& path, const std::string& resolved) {
  std::string r = resolved;
  if (specifies_current_dir(path) && !specifies_current_dir(r)) r += "/.";
  if (has_trailing_separator(path) && !has_trailing_separator(r)) r += '/';
  std::string rebase = base_name(path) != base_name(r) ? base_name(path) : "";
  return {r, rebase};
}

Result<Placement> place(const Info& src, const Info& dst) {
  std::string src_base = src.rebase.empty() ? split_dir_entry(src.path).second : src.rebase;
  if (src_base == "/") src_base = ".";  // the whole root: its contents
  auto [dst_dir, dst_base] = split_dir_entry(dst.path);
  if (dst.exists && dst.is_dir) return Placement{dst.path, src_base};
  if (dst.exists && src.is_dir) return fail(ErrorKind::InvalidArgument, "cannot copy directory");
  if (!dst.exists && !src.is_dir && asserts_directory(dst.path)) return fail(ErrorKind::NotFound, "no such directory");
  // Otherwise the source takes the destination's name in its parent:
  // replacing a file, or creating a file or directory that is not there.
  return Placement{dst_dir, dst_base};
}

Result<std::string> follow_in_root(int root_fd, const std::string& original) {
  std::string rest = original, done;  // done: resolved components, each followed by '/'
  int links = 0;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    std::string part = rest.substr(0, slash);
    rest = slash == std::string::npos ? "" : rest.substr(slash + 1);
    if (part.empty()) continue;
    std::string at = clean("/" + done + part);
    if (at == "/") {
      done.clear();  // ".." at the root stays there
      continue;
    }
    // lstat `at` inside the root: its parents are already resolved, and
    // RESOLVE_IN_ROOT keeps even a tree changed meanwhile from leading out.
    int fd = sys::openat2(root_fd, at.c_str() + 1, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0,
                          RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    if (fd < 0) {
      if (errno != ENOENT) return fail_sys("lstat " + at);
      done += part + "/";  // missing: kept as written
      continue;
    }
    UniqueFd node(fd);
    struct stat st;
    if (::fstat(node.get(), &st) < 0) return fail_sys("lstat " + at);
    if (!S_ISLNK(st.st_mode)) {
      done += part + "/";
      continue;
    }
    if (++links > 255) return fail(ErrorKind::InvalidArgument, "too many links in {}", original);
    char buf[4096];
    ssize_t n = ::readlinkat(node.get(), "", buf, sizeof buf);
    if (n < 0) return fail_sys("readlink " + at);
    std::string target(buf, static_cast<size_t>(n));
    if (target.starts_with('/')) done.clear();
    rest = target + "/" + rest;
  }
  return clean("/" + done);
}

}  // namespace hako::engine::cp
