#include "build/copy_files.h"

#include "build/dockerfile/instructions.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

#include "base/fd.h"
#include "base/strings.h"
#include "layer/apply.h"
#include "layer/tree.h"
#include "store/digest.h"

namespace hako::build {
namespace {

int openat2_in_root(int root_fd, const std::string& rel, int flags) {
  struct open_how how {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  std::string path = rel.empty() ? "." : rel;
  return static_cast<int>(::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how));
}

std::string clean_rel(std::string_view path) { return clean_rel_path(path); }

std::string join_rel(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + "/" + b;
}

std::string join_abs(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir == "/") return "/" + name;
  return dir + "/" + name;
}

std::string base_name(const std::string& rel) {
  auto slash = rel.rfind('/');
  return slash == std::string::npos ? rel : rel.substr(slash + 1);
}

bool excluded_by(const IgnoreMatcher* ignore, const std::vector<IgnoreMatcher>& excludes, const std::string& rel) {
  if (rel.empty()) return false;
  if (ignore && ignore->excluded(rel)) return true;
  for (const auto& e : excludes)
    if (e.excluded(rel)) return true;
  return false;
}

Result<std::vector<IgnoreMatcher>> exclude_matchers(const CopySpec& spec) {
  std::vector<IgnoreMatcher> out;
  if (spec.excludes.empty()) return out;
  TRY_ASSIGN(auto m, IgnoreMatcher::from_patterns(spec.excludes));
  out.push_back(std::move(m));
  return out;
}

// Expands one glob pattern against the tree, component by component.
Result<> glob_in(int root_fd, const std::string& dir, const std::vector<std::string>& parts, size_t i,
                 std::vector<std::string>& out) {
  if (i == parts.size()) {
    out.push_back(dir);
    return {};
  }
  const std::string& part = parts[i];
  if (!has_glob(part)) {
    std::string next = join_rel(dir, part);
    struct stat st;
    UniqueFd fd(openat2_in_root(root_fd, next, O_PATH | O_NOFOLLOW));
    if (!fd || ::fstat(fd.get(), &st) != 0) return {};
    if (i + 1 < parts.size() && !S_ISDIR(st.st_mode)) {
      // A symlinked directory in the middle: follow it inside the root.
      UniqueFd d(openat2_in_root(root_fd, next, O_PATH | O_DIRECTORY));
      if (!d) return {};
    }
    return glob_in(root_fd, next, parts, i + 1, out);
  }
  UniqueFd d(openat2_in_root(root_fd, dir, O_RDONLY | O_DIRECTORY));
  if (!d) return {};
  TRY_ASSIGN(auto names, layer::list_dir(d.get()));
  for (const auto& name : names) {
    if (::fnmatch(part.c_str(), name.c_str(), FNM_PATHNAME) != 0) continue;
    TRY(glob_in(root_fd, join_rel(dir, name), parts, i + 1, out));
  }
  return {};
}

struct Stat {
  bool ok = false;
  struct stat st {};
};

// lstat of `rel` in the root; a symlink as the top of a source is followed
// inside the root, as COPY follows it.
Stat stat_source(int root_fd, const std::string& rel) {
  Stat s;
  UniqueFd fd(openat2_in_root(root_fd, rel, O_PATH));
  if (fd && ::fstat(fd.get(), &s.st) == 0) s.ok = true;
  return s;
}

// Walks a directory source in name order, calling fn(rel_below_source, st).
template <typename Fn>
Result<> walk(int root_fd, const std::string& top, const std::string& below, const IgnoreMatcher* ignore,
              const std::vector<IgnoreMatcher>& excludes, Fn&& fn) {
  UniqueFd d(openat2_in_root(root_fd, join_rel(top, below), O_RDONLY | O_DIRECTORY));
  if (!d) return fail_sys("open " + join_rel(top, below));
  TRY_ASSIGN(auto names, layer::list_dir(d.get()));
  for (const auto& name : names) {
    std::string rel = join_rel(below, name);
    std::string full = join_rel(top, rel);
    struct stat st;
    if (::fstatat(d.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return fail_sys("stat " + full);
    bool skip = excluded_by(ignore, excludes, full);
    if (skip && S_ISDIR(st.st_mode) && (!ignore || ignore->can_skip_dir(full))) continue;
    if (!skip) TRY(fn(rel, st));
    if (S_ISDIR(st.st_mode)) TRY(walk(root_fd, top, rel, ignore, excludes, fn));
  }
  return {};
}

bool looks_like_tar(int root_fd, const std::string& rel) {
  UniqueFd fd(openat2_in_root(root_fd, rel, O_RDONLY));
  if (!fd) return false;
  unsigned char head[512];
  ssize_t n = ::pread(fd.get(), head, sizeof head, 0);
  if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) return true;                   // gzip
  if (n >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') return true;   // bzip2
  if (n >= 6 && head[0] == 0xfd && head[1] == '7' && head[2] == 'z') return true;  // xz
  if (n >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd) return true;  // zstd
  return n >= 262 && std::string_view(reinterpret_cast<char*>(head) + 257, 5) == "ustar";
}

Result<> hash_file(int root_fd, const std::string& rel, store::Sha256& h) {
  UniqueFd fd(openat2_in_root(root_fd, rel, O_RDONLY | O_NOFOLLOW));
  if (!fd) return fail_sys("open " + rel);
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_sys("read " + rel);
    if (n == 0) return {};
    h.update(buf, static_cast<size_t>(n));
  }
}

Result<> write_all_fd(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return fail_sys("write");
    data += w;
    n -= static_cast<size_t>(w);
  }
  return {};
}

// Copies one entry (file, symlink, directory) into `dir_fd` as `name`.
Result<> put_entry(int src_root, const std::string& src_rel, const struct stat& st, int dir_fd, const std::string& name,
                   const CopyOwner& owner, const std::optional<mode_t>& chmod) {
  mode_t mode = chmod ? *chmod : (st.st_mode & 07777);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (S_ISDIR(st.st_mode)) {
    struct stat cur;
    if (::fstatat(dir_fd, name.c_str(), &cur, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(cur.st_mode) &&
        !S_ISLNK(cur.st_mode))
      TRY(layer::remove_at(dir_fd, name));
    if (::mkdirat(dir_fd, name.c_str(), 0755) != 0 && errno != EEXIST) return fail_sys("mkdir " + name);
    // An existing symlink to a directory is followed inside the root by the
    // caller (open_dir_in_root); only a real directory gets the metadata.
    if (::fstatat(dir_fd, name.c_str(), &cur, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(cur.st_mode)) {
      if (::fchownat(dir_fd, name.c_str(), owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW) != 0)
        return fail_sys("chown " + name);
      if (::fchmodat(dir_fd, name.c_str(), mode, 0) != 0) return fail_sys("chmod " + name);
    }
    return {};
  }
  struct stat cur;
  if (::fstatat(dir_fd, name.c_str(), &cur, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISDIR(cur.st_mode))
      return fail(ErrorKind::Conflict, "cannot copy {} over the directory {}", src_rel, name);
    if (::unlinkat(dir_fd, name.c_str(), 0) != 0) return fail_sys("replace " + name);
  }
  if (S_ISLNK(st.st_mode)) {
    UniqueFd parent;
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    auto slash = src_rel.rfind('/');
    std::string pdir = slash == std::string::npos ? "" : src_rel.substr(0, slash);
    UniqueFd pfd(openat2_in_root(src_root, pdir, O_PATH | O_DIRECTORY));
    if (!pfd) return fail_sys("open " + pdir);
    ssize_t n = ::readlinkat(pfd.get(), base_name(src_rel).c_str(), target.data(), target.size());
    if (n < 0) return fail_sys("readlink " + src_rel);
    target.resize(static_cast<size_t>(n));
    if (::symlinkat(target.c_str(), dir_fd, name.c_str()) != 0) return fail_sys("symlink " + name);
    if (::fchownat(dir_fd, name.c_str(), owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW) != 0)
      return fail_sys("chown " + name);
    (void)::utimensat(dir_fd, name.c_str(), times, AT_SYMLINK_NOFOLLOW);
    return {};
  }
  if (!S_ISREG(st.st_mode)) return {};  // sockets, fifos and devices are not copied
  UniqueFd in(openat2_in_root(src_root, src_rel, O_RDONLY | O_NOFOLLOW));
  if (!in) return fail_sys("open " + src_rel);
  UniqueFd out(::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out) return fail_sys("create " + name);
  for (;;) {
    ssize_t n = ::copy_file_range(in.get(), nullptr, out.get(), nullptr, 1 << 30, 0);
    if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
      char buf[1 << 16];
      for (;;) {
        ssize_t r = ::read(in.get(), buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return fail_sys("read " + src_rel);
        if (r == 0) break;
        TRY(write_all_fd(out.get(), buf, static_cast<size_t>(r)));
      }
      break;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_sys("copy " + src_rel);
    if (n == 0) break;
  }
  if (::fchown(out.get(), owner.uid, owner.gid) != 0) return fail_sys("chown " + name);
  if (::fchmod(out.get(), mode) != 0) return fail_sys("chmod " + name);
  (void)::futimens(out.get(), times);
  return {};
}

// dest "/a/b/c" → ("a/b", "c").
std::pair<std::string, std::string> split_dest(const std::string& dest) {
  std::string rel = clean_rel(dest);
  auto slash = rel.rfind('/');
  if (slash == std::string::npos) return {"", rel};
  return {rel.substr(0, slash), rel.substr(slash + 1)};
}

}  // namespace

std::string clean_rel_path(std::string_view path) {
  std::vector<std::string> out;
  for (const auto& part : split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(part);
  }
  return join(out, "/");
}

bool has_glob(const std::string& pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (c == '*' || c == '?' || c == '[') return true;
  }
  return false;
}

Result<CopyPlan> plan_copy(const std::string& source_root, const IgnoreMatcher* ignore, const CopySpec& spec) {
  UniqueFd root(::open(source_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return fail_sys("open " + source_root);
  TRY_ASSIGN(auto excludes, exclude_matchers(spec));
  CopyPlan plan;
  size_t matched_total = 0;
  for (const auto& src : spec.sources) {
    std::string rel = clean_rel(src);
    std::vector<std::string> matches;
    if (has_glob(rel)) {
      TRY(glob_in(root.get(), "", split(rel, '/'), 0, matches));
      std::erase_if(matches, [&](const std::string& m) { return excluded_by(ignore, excludes, m); });
      std::sort(matches.begin(), matches.end());
      if (matches.empty())
        return fail(ErrorKind::NotFound, "\"/{}\": not found (no file matches the pattern{})", rel,
                    ignore ? " or .dockerignore excludes them" : "");
    } else {
      Stat s = stat_source(root.get(), rel);
      if (!s.ok || excluded_by(ignore, excludes, rel))
        return fail(ErrorKind::NotFound, "\"/{}\": not found{}", rel,
                    s.ok ? " (excluded by .dockerignore)" : "");
      matches.push_back(rel);
    }
    matched_total += matches.size();
    for (const auto& m : matches) {
      Stat s = stat_source(root.get(), m);
      if (!s.ok) return fail(ErrorKind::NotFound, "\"/{}\": not found", m);
      CopyItem item;
      item.source = m;
      item.is_dir = S_ISDIR(s.st.st_mode);
      item.dest = spec.dest;
      item.dest_is_dir = spec.dest_is_dir;
      if (spec.parents) {
        // --parents keeps the path the source had (below the pattern's
        // literal part, as BuildKit: "a/*/c" keeps "a/x/c").
        std::string keep = item.is_dir ? m : (m.find('/') == std::string::npos ? "" : m.substr(0, m.rfind('/')));
        if (!keep.empty()) item.dest = join_abs(spec.dest == "/" ? "" : spec.dest, keep) + (item.is_dir ? "" : "/");
        if (!item.is_dir && !keep.empty()) item.dest_is_dir = true;
      }
      item.is_archive = spec.unpack_archives && S_ISREG(s.st.st_mode) && looks_like_tar(root.get(), m);
      plan.items.push_back(std::move(item));
    }
  }
  if (matched_total > 1 && !spec.dest_is_dir)
    return fail(ErrorKind::InvalidArgument,
                "When using COPY with more than one source file, the destination must be a directory and end with a /");
  return plan;
}

Result<std::string> hash_copy(const std::string& source_root, const IgnoreMatcher* ignore, const CopySpec& spec,
                              const CopyPlan& plan) {
  UniqueFd root(::open(source_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return fail_sys("open " + source_root);
  TRY_ASSIGN(auto excludes, exclude_matchers(spec));
  store::Sha256 h;
  auto entry = [&](const std::string& rel, const struct stat& st) -> Result<> {
    std::string line = fmt::format("{}\n{:o}\n", rel, st.st_mode);
    h.update(line);
    if (S_ISREG(st.st_mode)) {
      TRY(hash_file(root.get(), rel, h));
    } else if (S_ISLNK(st.st_mode)) {
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      auto slash = rel.rfind('/');
      UniqueFd pfd(openat2_in_root(root.get(), slash == std::string::npos ? "" : rel.substr(0, slash),
                                   O_PATH | O_DIRECTORY));
      ssize_t n = pfd ? ::readlinkat(pfd.get(), base_name(rel).c_str(), target.data(), target.size()) : -1;
      if (n < 0) return fail_sys("readlink " + rel);
      target.resize(static_cast<size_t>(n));
      h.update(target);
    }
    h.update("\n");
    return {};
  };
  for (const auto& item : plan.items) {
    h.update(fmt::format("item {} -> {}{}\n", item.source, item.dest, item.dest_is_dir ? "/" : ""));
    Stat s = stat_source(root.get(), item.source);
    if (!s.ok) return fail(ErrorKind::NotFound, "\"/{}\": not found", item.source);
    if (!item.is_dir) {
      // The top of a source is followed if it is a symlink: hash what it points at.
      h.update(fmt::format("{:o}\n", s.st.st_mode));
      if (S_ISREG(s.st.st_mode)) TRY(hash_file(root.get(), item.source, h));
      continue;
    }
    TRY(walk(root.get(), item.source, "", ignore, excludes,
             [&](const std::string& rel, const struct stat& st) { return entry(join_rel(item.source, rel), st); }));
  }
  return h.finish().to_string();
}

Result<> apply_copy(const std::string& source_root, const IgnoreMatcher* ignore, const CopySpec& spec,
                    const CopyPlan& plan, const std::string& target_root, const CopyOwner& owner) {
  UniqueFd src(::open(source_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!src) return fail_sys("open " + source_root);
  UniqueFd dst(::open(target_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dst) return fail_sys("open " + target_root);
  TRY_ASSIGN(auto excludes, exclude_matchers(spec));
  for (const auto& item : plan.items) {
    Stat s = stat_source(src.get(), item.source);
    if (!s.ok) return fail(ErrorKind::NotFound, "\"/{}\": not found", item.source);
    if (item.is_archive) {
      // ADD of a local tar: its contents are unpacked at dest, with the
      // archive's own owners (as Docker does), inside the root.
      TRY_ASSIGN(auto dest_dir, layer::open_dir_in_root(dst.get(), clean_rel(item.dest), true));
      (void)dest_dir;
      UniqueFd in(openat2_in_root(src.get(), item.source, O_RDONLY));
      if (!in) return fail_sys("open " + item.source);
      layer::ApplyOptions ao;
      ao.base = clean_rel(item.dest);
      ao.whiteouts = false;
      TRY_CTX(layer::apply_layer(in.get(), target_root, ao), "extracting " + item.source);
      continue;
    }
    if (!item.is_dir) {
      // A file: into dest/ when dest is a directory (given so, or already
      // one in the image), else as dest itself.
      std::string dest_rel = clean_rel(item.dest);
      bool into = item.dest_is_dir || dest_rel.empty();
      if (!into) {
        UniqueFd existing(openat2_in_root(dst.get(), dest_rel, O_PATH | O_DIRECTORY));
        into = static_cast<bool>(existing);
      }
      std::string dir_rel = dest_rel, name = base_name(item.source);
      if (!into) std::tie(dir_rel, name) = split_dest(item.dest);
      TRY_ASSIGN(auto dir, layer::open_dir_in_root(dst.get(), dir_rel, true));
      TRY(put_entry(src.get(), item.source, s.st, dir.get(), name, owner, spec.chmod));
      continue;
    }
    std::string dest_rel = clean_rel(item.dest);
    TRY_ASSIGN(auto top, layer::open_dir_in_root(dst.get(), dest_rel, true));
    (void)top;
    std::vector<std::pair<std::string, struct stat>> dirs;  // mtimes once their contents are in
    TRY(walk(src.get(), item.source, "", ignore, excludes, [&](const std::string& rel, const struct stat& st) -> Result<> {
      auto slash = rel.rfind('/');
      std::string parent = join_rel(dest_rel, slash == std::string::npos ? "" : rel.substr(0, slash));
      TRY_ASSIGN(auto dir, layer::open_dir_in_root(dst.get(), parent, true));
      TRY(put_entry(src.get(), join_rel(item.source, rel), st, dir.get(), base_name(rel), owner, spec.chmod));
      if (S_ISDIR(st.st_mode)) dirs.emplace_back(join_rel(dest_rel, rel), st);
      return {};
    }));
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
      UniqueFd d(openat2_in_root(dst.get(), it->first, O_RDONLY | O_DIRECTORY));
      struct timespec times[2] = {it->second.st_atim, it->second.st_mtim};
      if (d) (void)::futimens(d.get(), times);
    }
  }
  return {};
}

Result<> make_dir_in_root(const std::string& root, const std::string& dir) {
  UniqueFd r(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!r) return fail_sys("open " + root);
  TRY_ASSIGN(auto d, layer::open_dir_in_root(r.get(), clean_rel(dir), true));
  return {};
}

Result<> write_heredoc_file(const std::string& root, const CopySpec& spec, const Heredoc& heredoc,
                            const CopyOwner& owner) {
  UniqueFd r(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!r) return fail_sys("open " + root);
  std::string dir_rel = clean_rel(spec.dest), name = heredoc.name;
  if (!spec.dest_is_dir) std::tie(dir_rel, name) = split_dest(spec.dest);
  TRY_ASSIGN(auto dir, layer::open_dir_in_root(r.get(), dir_rel, true));
  struct stat cur;
  if (::fstatat(dir.get(), name.c_str(), &cur, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(cur.st_mode))
    (void)::unlinkat(dir.get(), name.c_str(), 0);
  UniqueFd out(::openat(dir.get(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out) return fail_sys("create " + name);
  TRY(write_all_fd(out.get(), heredoc.content.data(), heredoc.content.size()));
  if (::fchown(out.get(), owner.uid, owner.gid) != 0) return fail_sys("chown " + name);
  if (::fchmod(out.get(), spec.chmod.value_or(0644)) != 0) return fail_sys("chmod " + name);
  return {};
}

}  // namespace hako::build
