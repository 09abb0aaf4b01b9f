#include "layer/apply.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "base/fd.h"
#include "layer/layer_stream.h"
#include "layer/names.h"
#include "layer/tree.h"
#include "sys/syscalls.h"

namespace hako::layer {
namespace {

constexpr uint64_t kResolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

Result<> write_all(int fd, const char* p, size_t n, off_t off) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, p, n, off);
    if (w < 0) {
      if (errno == EINTR) continue;
      return fail_sys("write");
    }
    p += w;
    n -= static_cast<size_t>(w);
    off += w;
  }
  return {};
}

// A directory whose mode and mtime are set after the whole layer is in.
// The inode is remembered so a later entry that swapped the path for
// something else cannot redirect the chmod.
struct PendingDir {
  std::string path;
  dev_t dev;
  ino_t ino;
  mode_t mode;
  struct timespec mtime;
};

class Applier {
 public:
  Applier(int root, const ApplyOptions& opt) : root_(root), opt_(opt) {}

  Result<> entry(archive* a, archive_entry* e) {
    const char* raw = archive_entry_pathname(e);
    std::string shown = raw ? raw : "";
    Result<> r = raw ? put(a, e, raw) : Result<>(fail(ErrorKind::InvalidArgument, "name is not valid in this locale"));
    if (!r) return std::unexpected(std::move(r).error().context(fmt::format("layer entry \"{}\"", shown)));
    return {};
  }

  Result<> finish() {
    // Deepest first is not needed for correctness (a chmod does not touch the
    // parent's mtime), but it keeps a read-only parent from blocking a child.
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
      auto dir = open_dir_in_root(root_, it->path, false);
      if (!dir) continue;  // removed later in the layer
      struct stat st;
      if (::fstat(dir->get(), &st) < 0 || st.st_dev != it->dev || st.st_ino != it->ino) continue;
      if (::fchmod(dir->get(), it->mode) < 0) return fail_sys(fmt::format("chmod {}", it->path));
      struct timespec ts[2] = {it->mtime, it->mtime};
      if (::futimens(dir->get(), ts) < 0) return fail_sys(fmt::format("set mtime of {}", it->path));
    }
    return {};
  }

  const ApplyStats& stats() const { return stats_; }

 private:
  Result<> put(archive* a, archive_entry* e, const char* raw) {
    TRY_ASSIGN(std::string member, clean_member_name(raw));
    std::string path = under_base(member);
    auto [parent, name] = split_parent(path);
    if (opt_.whiteouts && name.starts_with(kWhiteoutPrefix)) return whiteout(parent, name);
    mode_t type = archive_entry_filetype(e);
    const char* hardlink = archive_entry_hardlink(e);
    if (!hardlink && (type == AE_IFSOCK || ((type == AE_IFCHR || type == AE_IFBLK) && opt_.skip_devices))) {
      ++stats_.skipped;
      return {};
    }
    ++stats_.entries;
    if (path.empty()) return root_entry(e, type);

    auto dir_r = open_dir_in_root(root_, parent, true);
    if (!dir_r) return std::unexpected(dir_r.error().context("parent directory"));
    int dir = dir_r->get();
    if (hardlink) return link(dir, name, path, hardlink);

    struct stat st;
    bool exists = ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    bool keep_dir = exists && S_ISDIR(st.st_mode) && type == AE_IFDIR;
    if (exists && !keep_dir) {
      if (!opt_.replace_dirs && (S_ISDIR(st.st_mode) || type == AE_IFDIR)) return refuse_overwrite(path, st);
      TRY(remove_at(dir, name));
    }

    switch (type) {
      case AE_IFREG:
        TRY(regular(a, e, dir, name));
        break;
      case AE_IFDIR:
        if (!keep_dir && ::mkdirat(dir, name.c_str(), 0700) < 0) return fail_sys("mkdir");
        break;
      case AE_IFLNK: {
        const char* target = archive_entry_symlink(e);
        if (!target) return fail(ErrorKind::InvalidArgument, "symlink without a target");
        if (::symlinkat(target, dir, name.c_str()) < 0) return fail_sys("symlink");
        break;
      }
      case AE_IFCHR:
      case AE_IFBLK:
      case AE_IFIFO:
        if (::mknodat(dir, name.c_str(), type | 0600, archive_entry_rdev(e)) < 0) return fail_sys("mknod");
        break;
      default:
        return fail(ErrorKind::NotSupported, "unsupported entry type {:o}", type);
    }
    written_.insert(path);
    return metadata(e, dir, name, path, type);
  }

  // A member name placed below options.base ("" is the base itself).
  std::string under_base(const std::string& member) const {
    if (opt_.base.empty()) return member;
    return member.empty() ? opt_.base : opt_.base + "/" + member;
  }

  // Docker's words for what NoOverwriteDirNonDir refuses.
  static Result<> refuse_overwrite(const std::string& path, const struct stat& existing) {
    if (S_ISDIR(existing.st_mode))
      return fail(ErrorKind::Conflict, "cannot overwrite directory \"/{}\" with non-directory", path);
    return fail(ErrorKind::Conflict, "cannot overwrite non-directory \"/{}\" with directory", path);
  }

  // The "./" entry carries the root directory's own metadata.
  Result<> root_entry(archive_entry* e, mode_t type) {
    if (type != AE_IFDIR) return fail(ErrorKind::InvalidArgument, "the root must be a directory");
    UniqueFd parent(::openat(root_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!parent) return fail_sys("open root");
    return metadata(e, parent.get(), ".", "", type);
  }

  Result<> regular(archive* a, archive_entry* e, int dir, const std::string& name) {
    UniqueFd f(::openat(dir, name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!f) return fail_sys("create");
    const void* buf;
    size_t size;
    la_int64_t offset;
    for (;;) {
      int r = archive_read_data_block(a, &buf, &size, &offset);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN) return fail(ErrorKind::InvalidArgument, "reading data: {}", archive_error_string(a));
      TRY(write_all(f.get(), static_cast<const char*>(buf), size, offset));
      stats_.bytes += size;
    }
    // Sparse entries may end in a hole that no data block covers.
    if (::ftruncate(f.get(), archive_entry_size(e)) < 0) return fail_sys("truncate");
    return {};
  }

  Result<> link(int dir, const std::string& name, const std::string& path, const char* raw_target) {
    auto target = clean_member_name(raw_target);
    if (!target) return std::unexpected(target.error().context(fmt::format("hardlink target \"{}\"", raw_target)));
    if (target->empty()) return fail(ErrorKind::InvalidArgument, "hardlink to the root directory");
    *target = under_base(*target);
    // The target's parents resolve inside the root; its last component is
    // not followed, so a link to a symlink links the symlink itself.
    int fd = sys::openat2(root_, target->c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC, 0, kResolve);
    if (fd < 0) return fail_sys(fmt::format("hardlink target \"{}\"", raw_target));
    UniqueFd src(fd);
    struct stat st, cur;
    if (::fstat(src.get(), &st) < 0) return fail_sys("stat hardlink target");
    if (S_ISDIR(st.st_mode)) return fail(ErrorKind::InvalidArgument, "hardlink target \"{}\" is a directory", raw_target);
    if (::fstatat(dir, name.c_str(), &cur, AT_SYMLINK_NOFOLLOW) == 0) {
      if (cur.st_dev == st.st_dev && cur.st_ino == st.st_ino) return {};
      if (!opt_.replace_dirs && S_ISDIR(cur.st_mode)) return refuse_overwrite(path, cur);
      TRY(remove_at(dir, name));
    }
    // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; /proc/self/fd/N does not.
    if (::linkat(src.get(), "", dir, name.c_str(), AT_EMPTY_PATH) < 0 &&
        ::linkat(AT_FDCWD, fmt::format("/proc/self/fd/{}", src.get()).c_str(), dir, name.c_str(),
                 AT_SYMLINK_FOLLOW) < 0)
      return fail_sys(fmt::format("hardlink to \"{}\"", raw_target));
    written_.insert(path);
    return {};
  }

  Result<> metadata(archive_entry* e, int dir, const std::string& name, const std::string& path, mode_t type) {
    const char* n = name.c_str();
    if (opt_.set_owners) {
      uid_t uid = static_cast<uid_t>(archive_entry_uid(e)) + opt_.uid_offset;
      gid_t gid = static_cast<gid_t>(archive_entry_gid(e)) + opt_.gid_offset;
      if (::fchownat(dir, n, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) return fail_sys("chown");
    }
    mode_t mode = archive_entry_perm(e) & 07777;
    // Symlinks have no mode of their own; directories get theirs at the end.
    if (type != AE_IFLNK && type != AE_IFDIR && ::fchmodat(dir, n, mode, 0) < 0) return fail_sys("chmod");
    TRY(xattrs(e, dir, name));
    struct timespec mtime = {archive_entry_mtime(e), archive_entry_mtime_nsec(e)};
    if (type == AE_IFDIR) {
      struct stat st;
      if (::fstatat(dir, n, &st, AT_SYMLINK_NOFOLLOW) < 0) return fail_sys("stat");
      dirs_.push_back({path, st.st_dev, st.st_ino, mode, mtime});
      return {};
    }
    struct timespec ts[2] = {mtime, mtime};
    if (::utimensat(dir, n, ts, AT_SYMLINK_NOFOLLOW) < 0) return fail_sys("set mtime");
    return {};
  }

  Result<> xattrs(archive_entry* e, int dir, const std::string& name) {
    if (archive_entry_xattr_reset(e) == 0) return {};
    std::string p = at_path(dir, name);
    const char* key;
    const void* value;
    size_t size;
    while (archive_entry_xattr_next(e, &key, &value, &size) == ARCHIVE_OK) {
      if (::lsetxattr(p.c_str(), key, value, size, 0) == 0) continue;
      // Filesystems without xattrs (and, unprivileged, trusted.*/security.*)
      // lose them, as docker and containerd do; anything else is an error.
      if (errno == ENOTSUP || (!opt_.set_owners && errno == EPERM)) continue;
      return fail_sys(fmt::format("setxattr {}", key));
    }
    return {};
  }

  Result<> whiteout(const std::string& parent, const std::string& name) {
    ++stats_.whiteouts;
    if (name == kOpaqueMarker) return opaque(parent);
    if (name.starts_with(kWhiteoutMetaPrefix)) {
      ++stats_.skipped;  // aufs hardlink/metadata dirs: meaningless here
      return {};
    }
    std::string victim = name.substr(kWhiteoutPrefix.size());
    if (victim.empty() || victim == ".") return fail(ErrorKind::InvalidArgument, "whiteout names no file");
    if (victim == "..") return fail(ErrorKind::InvalidArgument, "path escapes the root");
    std::string path = join(parent, victim);
    if (written_.contains(path)) return {};  // whiteouts never hide their own layer

    if (opt_.overlay_whiteouts) {
      TRY_ASSIGN(UniqueFd dir, open_dir_in_root(root_, parent, true));
      TRY(remove_at(dir.get(), victim));
      if (::mknodat(dir.get(), victim.c_str(), S_IFCHR | 0, makedev(0, 0)) < 0) return fail_sys("mknod whiteout");
      return {};
    }
    auto dir = open_dir_in_root(root_, parent, false);
    if (!dir) {
      int err = dir.error().sys_errno();
      if (err == ENOENT || err == ENOTDIR) return {};  // nothing below to hide
      return std::unexpected(dir.error());
    }
    return remove_at(dir->get(), victim);
  }

  Result<> opaque(const std::string& parent) {
    TRY_ASSIGN(UniqueFd dir, open_dir_in_root(root_, parent, true));
    if (opt_.overlay_whiteouts) {
      if (::fsetxattr(dir.get(), "trusted.overlay.opaque", "y", 1, 0) < 0)
        return fail_sys("set trusted.overlay.opaque");
      return {};
    }
    return clear_lower(dir.get(), parent);
  }

  // Removes everything under `dir` that this layer did not write. Paths this
  // layer wrote are kept, and so are directories on the way to them, but a
  // kept directory is still emptied of what lower layers left in it.
  Result<> clear_lower(int dir, const std::string& prefix) {
    TRY_ASSIGN(auto names, list_dir(dir));
    for (const auto& n : names) {
      std::string path = join(prefix, n);
      bool keep = written_.contains(path) || has_written_below(path);
      struct stat st;
      if (::fstatat(dir, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) return fail_sys(fmt::format("stat {}", path));
      if (!keep) {
        TRY(remove_at(dir, n));
      } else if (S_ISDIR(st.st_mode)) {
        TRY_ASSIGN(UniqueFd sub, open_subdir(dir, n));
        TRY(clear_lower(sub.get(), path));
      }
    }
    return {};
  }

  bool has_written_below(const std::string& path) const {
    std::string prefix = path + "/";
    auto it = written_.lower_bound(prefix);
    return it != written_.end() && it->starts_with(prefix);
  }

  int root_;
  const ApplyOptions& opt_;
  ApplyStats stats_;
  std::set<std::string> written_;  // clean paths this layer put in place
  std::vector<PendingDir> dirs_;
};

}  // namespace

namespace {

// libarchive pulls data through this callback from the LayerStream, which
// decompresses and hashes on its own thread.
struct StreamSource {
  LayerStream* stream;
  std::optional<Error> error;
  uint64_t delivered = 0;
  std::string tail;  // zeros handed over after the real end, once
  bool ended = false;
};

la_ssize_t read_from_stream(archive* a, void* data, const void** buf) {
  auto* src = static_cast<StreamSource*>(data);
  auto chunk = src->stream->next();
  if (!chunk) {
    src->error = chunk.error();
    archive_set_error(a, EINVAL, "%s", chunk.error().message().c_str());
    return -1;
  }
  if (chunk->empty() && !src->ended) {
    // Some writers (umoci 0.4's insert, for one) end a layer right after
    // the last file's data, without its padding or the two zero blocks
    // that close a tar. Go's reader, and so Docker and containerd, accept
    // that; libarchive calls it truncated. Supply the missing zeros: they
    // complete the tar without changing what it holds (the diff id is
    // hashed over the real bytes only).
    src->ended = true;
    src->tail.assign((512 - src->delivered % 512) % 512 + 1024, '\0');
    *buf = src->tail.data();
    return static_cast<la_ssize_t>(src->tail.size());
  }
  src->delivered += chunk->size();
  *buf = chunk->data();
  return static_cast<la_ssize_t>(chunk->size());
}

}  // namespace

Result<ApplyStats> apply_layer(int tar_fd, const std::string& target, const ApplyOptions& options) {
  UniqueFd root(::open(target.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root) return fail_sys(fmt::format("open layer target {}", target));
  TRY_ASSIGN(auto stream, LayerStream::open(tar_fd));
  std::unique_ptr<archive, ArchiveFree> a(archive_read_new());
  if (!a) return fail(ErrorKind::Internal, "archive_read_new failed");
  // Only tar. gzip and zstd are undone by the LayerStream (which hashes the
  // result); xz and bzip2, which old tools produce, by libarchive. Never
  // filter_all, which may exec programs.
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_format_empty(a.get());
  archive_read_support_filter_xz(a.get());
  archive_read_support_filter_bzip2(a.get());
  StreamSource source{stream.get(), std::nullopt};
  if (archive_read_open(a.get(), &source, nullptr, read_from_stream, nullptr) != ARCHIVE_OK)
    return fail(ErrorKind::InvalidArgument, "reading layer: {}", archive_error_string(a.get()));

  Applier applier(root.get(), options);
  std::string last;
  for (;;) {
    archive_entry* e;
    int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      std::string where = last.empty() ? "at the first entry" : fmt::format("after entry \"{}\"", last);
      return fail(ErrorKind::InvalidArgument, "reading layer {}: {}", where, archive_error_string(a.get()));
    }
    TRY(applier.entry(a.get(), e));
    if (const char* p = archive_entry_pathname(e)) last = p;
  }
  TRY(applier.finish());
  // libarchive stops at the end-of-archive blocks; the digest covers the
  // whole uncompressed blob, padding included, as the writer hashed it.
  for (;;) {
    TRY_ASSIGN(auto rest, stream->next());
    if (rest.empty()) break;
  }
  ApplyStats stats = applier.stats();
  stats.compression = stream->compression();
  stats.uncompressed_size = stream->size();
  // An xz or bzip2 tar reached libarchive still compressed; its diff id
  // is unknown here.
  if (archive_filter_code(a.get(), 0) == ARCHIVE_FILTER_NONE) stats.diff_id = stream->diff_id().to_string();
  return stats;
}

Result<ApplyStats> apply_layer(const std::string& tar_path, const std::string& target, const ApplyOptions& options) {
  UniqueFd fd(::open(tar_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_sys(fmt::format("open layer {}", tar_path));
  auto r = apply_layer(fd.get(), target, options);
  if (!r) return std::unexpected(std::move(r).error().context(tar_path));
  return r;
}

}  // namespace hako::layer
