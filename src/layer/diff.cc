#include "layer/diff.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "base/fd.h"
#include "base/files.h"
#include "layer/names.h"
#include "layer/tree.h"

namespace hako::layer {
namespace {

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* p, size_t n) { EVP_DigestUpdate(ctx_, p, n); }
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx_, md, &len);
    std::string out = "sha256:";
    for (unsigned i = 0; i < len; ++i) out += fmt::format("{:02x}", md[i]);
    return out;
  }

 private:
  EVP_MD_CTX* ctx_;
};

struct WriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, WriteFree>;
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

// tar writer -> (hash diff id) -> raw-format compressor -> (hash digest) -> fd.
// libarchive only shows a callback the final, compressed bytes, so the tar is
// written uncompressed and fed through a second archive in "raw" format whose
// only job is to run the gzip/zstd filter.
struct Sink {
  int fd = -1;
  archive* compressor = nullptr;
  Sha256 diff_id, digest;
  uint64_t uncompressed = 0, compressed = 0;
  std::optional<Error> error;
};

la_ssize_t out_write(archive*, void* p, const void* buf, size_t n) {
  auto* s = static_cast<Sink*>(p);
  s->digest.update(buf, n);
  s->compressed += n;
  if (auto w = write_all(s->fd, std::string_view(static_cast<const char*>(buf), n), "layer"); !w) {
    s->error = w.error();
    return -1;
  }
  return static_cast<la_ssize_t>(n);
}

la_ssize_t tar_write(archive* a, void* p, const void* buf, size_t n) {
  auto* s = static_cast<Sink*>(p);
  s->diff_id.update(buf, n);
  s->uncompressed += n;
  if (!s->compressor) return out_write(a, p, buf, n);
  la_ssize_t w = archive_write_data(s->compressor, buf, n);
  if (w < 0 && !s->error) s->error = Error(ErrorKind::Internal, fmt::format("compressing layer: {}", archive_error_string(s->compressor)));
  return w;
}

bool overlay_internal(const std::string& key) { return key.starts_with("trusted.overlay.") || key.starts_with("user.overlay."); }

Result<std::map<std::string, std::string>> entry_xattrs(int dir, const std::string& name) {
  TRY_ASSIGN(auto all, read_xattrs(dir, name));
  std::erase_if(all, [](const auto& kv) { return overlay_internal(kv.first); });
  return all;
}


bool is_whiteout_device(const struct stat& st) { return S_ISCHR(st.st_mode) && st.st_rdev == 0; }

Result<std::string> read_link(int dir, const std::string& name) {
  char buf[4096];
  ssize_t n = ::readlinkat(dir, name.c_str(), buf, sizeof buf);
  if (n < 0) return fail_sys(fmt::format("readlink {}", name));
  return std::string(buf, static_cast<size_t>(n));
}

// Layers hold whole seconds, so a tree unpacked from one has lost the
// nanoseconds of the tree it came from; zero nanoseconds match any.
bool same_time(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec == b.tv_sec && (a.tv_nsec == b.tv_nsec || a.tv_nsec == 0 || b.tv_nsec == 0);
}

struct Item {
  enum Kind { Entry, Whiteout } kind;
  std::string path;  // for a whiteout, the ".wh." name itself
};

// Decides what goes into the tar, in order, before anything is written.
class Planner {
 public:
  std::vector<Item> items;

  Result<bool> walk(int lower, int upper, const std::string& prefix) {
    TRY_ASSIGN(auto up, list_dir(upper));
    std::vector<std::string> low;
    if (lower >= 0) {
      TRY_ASSIGN(low, list_dir(lower));
    }
    bool any = false;
    size_t i = 0, j = 0;
    while (i < up.size() || j < low.size()) {
      bool in_u = i < up.size() && (j >= low.size() || up[i] <= low[j]);
      bool in_l = j < low.size() && (i >= up.size() || low[j] <= up[i]);
      const std::string& name = in_u ? up[i] : low[j];
      if (in_u) ++i;
      if (in_l) ++j;
      std::string path = join(prefix, name);
      if (!in_u) {
        items.push_back({Item::Whiteout, join(prefix, std::string(kWhiteoutPrefix) + name)});
        any = true;
        continue;
      }
      TRY_ASSIGN(bool emitted, visit(in_l ? lower : -1, upper, name, path));
      any = any || emitted;
    }
    return any;
  }

 private:
  Result<bool> visit(int lower, int upper, const std::string& name, const std::string& path) {
    struct stat us, ls;
    if (::fstatat(upper, name.c_str(), &us, AT_SYMLINK_NOFOLLOW) < 0) return fail_sys(fmt::format("stat {}", path));
    if (is_whiteout_device(us)) {
      auto [parent, base] = split_parent(path);
      items.push_back({Item::Whiteout, join(parent, std::string(kWhiteoutPrefix) + base)});
      return true;
    }
    if (S_ISSOCK(us.st_mode)) return false;  // sockets are runtime state, not content
    bool has_lower = lower >= 0 && ::fstatat(lower, name.c_str(), &ls, AT_SYMLINK_NOFOLLOW) == 0;
    bool changed = true;
    if (has_lower) {
      TRY_ASSIGN(changed, differs(lower, upper, name, ls, us));
    }
    if (!S_ISDIR(us.st_mode)) {
      if (changed) items.push_back({Item::Entry, path});
      return changed;
    }
    size_t mark = items.size();
    TRY_ASSIGN(UniqueFd sub_u, open_subdir(upper, name));
    UniqueFd sub_l;
    if (has_lower && S_ISDIR(ls.st_mode)) {
      TRY_ASSIGN(sub_l, open_subdir(lower, name));
    }
    bool opaque = is_opaque(upper, name);
    TRY_ASSIGN(bool inner, walk(sub_l.get(), sub_u.get(), path));
    if (!changed && !inner && !opaque) return false;
    // The directory goes before its contents, the opaque marker right after
    // it, so a reader has the directory before it is asked to clear it.
    std::vector<Item> head = {{Item::Entry, path}};
    if (opaque) head.push_back({Item::Whiteout, join(path, kOpaqueMarker)});
    items.insert(items.begin() + static_cast<std::ptrdiff_t>(mark), head.begin(), head.end());
    return true;
  }

  static Result<bool> differs(int lower, int upper, const std::string& name, const struct stat& l,
                              const struct stat& u) {
    if (l.st_mode != u.st_mode || l.st_uid != u.st_uid || l.st_gid != u.st_gid) return true;
    if (!S_ISDIR(u.st_mode) && (l.st_size != u.st_size || !same_time(l.st_mtim, u.st_mtim))) return true;
    if ((S_ISCHR(u.st_mode) || S_ISBLK(u.st_mode)) && l.st_rdev != u.st_rdev) return true;
    if (S_ISLNK(u.st_mode)) {
      TRY_ASSIGN(auto a, read_link(lower, name));
      TRY_ASSIGN(auto b, read_link(upper, name));
      if (a != b) return true;
    }
    TRY_ASSIGN(auto xa, entry_xattrs(lower, name));
    TRY_ASSIGN(auto xb, entry_xattrs(upper, name));
    return xa != xb;
  }
};

class Emitter {
 public:
  Emitter(int upper_root, archive* tar) : root_(upper_root), tar_(tar) {}

  Result<> item(const Item& it) {
    std::unique_ptr<archive_entry, EntryFree> e(archive_entry_new());
    archive_entry_set_pathname(e.get(), it.path.c_str());
    if (it.kind == Item::Whiteout) {
      archive_entry_set_mode(e.get(), AE_IFREG);
      archive_entry_set_size(e.get(), 0);
      archive_entry_set_mtime(e.get(), 0, 0);
      return header(e.get(), it.path);
    }
    auto [parent, name] = split_parent(it.path);
    TRY_ASSIGN(int dir, parent_dir(parent));
    struct stat st;
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) return fail_sys(fmt::format("stat {}", it.path));
    archive_entry_set_mode(e.get(), st.st_mode);
    archive_entry_set_uid(e.get(), st.st_uid);
    archive_entry_set_gid(e.get(), st.st_gid);
    archive_entry_set_mtime(e.get(), st.st_mtim.tv_sec, 0);
    if (S_ISLNK(st.st_mode)) {
      TRY_ASSIGN(auto target, read_link(dir, name));
      archive_entry_set_symlink(e.get(), target.c_str());
    }
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) archive_entry_set_rdev(e.get(), st.st_rdev);
    TRY_ASSIGN(auto xattrs, entry_xattrs(dir, name));
    for (const auto& [k, v] : xattrs) archive_entry_xattr_add_entry(e.get(), k.c_str(), v.data(), v.size());

    bool content = S_ISREG(st.st_mode);
    if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
      auto [it2, first] = links_.try_emplace({st.st_dev, st.st_ino}, it.path);
      if (!first) {
        archive_entry_set_hardlink(e.get(), it2->second.c_str());
        content = false;
      }
    }
    archive_entry_set_size(e.get(), content ? st.st_size : 0);
    TRY(header(e.get(), it.path));
    if (content) TRY_CTX(copy(dir, name, st.st_size), it.path);
    return {};
  }

 private:
  Result<> header(archive_entry* e, const std::string& path) {
    if (archive_write_header(tar_, e) < ARCHIVE_WARN)
      return fail(ErrorKind::Internal, "writing tar header for {}: {}", path, archive_error_string(tar_));
    return {};
  }

  Result<> copy(int dir, const std::string& name, off_t size) {
    UniqueFd f(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!f) return fail_sys("open");
    std::vector<char> buf(1 << 16);
    off_t left = size;  // a file that grew meanwhile is cut; libarchive pads one that shrank
    while (left > 0) {
      ssize_t n = ::read(f.get(), buf.data(), std::min<off_t>(left, static_cast<off_t>(buf.size())));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail_sys("read");
      if (n == 0) break;
      if (archive_write_data(tar_, buf.data(), static_cast<size_t>(n)) < 0)
        return fail(ErrorKind::Internal, "writing tar data: {}", archive_error_string(tar_));
      left -= n;
    }
    return {};
  }

  Result<int> parent_dir(const std::string& parent) {
    if (!dir_ || parent != dir_path_) {
      TRY_ASSIGN(dir_, open_dir_in_root(root_, parent, false));
      dir_path_ = parent;
    }
    return dir_.get();
  }

  int root_;
  archive* tar_;
  std::string dir_path_;
  UniqueFd dir_;
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
};

Result<ArchivePtr> make_compressor(Sink& sink, Compression c) {
  ArchivePtr a(archive_write_new());
  archive_write_set_format_raw(a.get());
  int r = c == Compression::Gzip ? archive_write_add_filter_gzip(a.get()) : archive_write_add_filter_zstd(a.get());
  if (r != ARCHIVE_OK) return fail(ErrorKind::NotSupported, "compressor: {}", archive_error_string(a.get()));
  // A gzip header holds a timestamp by default; it would make equal trees
  // give different digests.
  if (c == Compression::Gzip) archive_write_set_options(a.get(), "gzip:!timestamp");
  archive_write_set_bytes_in_last_block(a.get(), 1);
  if (archive_write_open2(a.get(), &sink, nullptr, out_write, nullptr, nullptr) != ARCHIVE_OK)
    return fail(ErrorKind::Internal, "compressor: {}", archive_error_string(a.get()));
  std::unique_ptr<archive_entry, EntryFree> e(archive_entry_new());
  archive_entry_set_pathname(e.get(), "layer.tar");
  archive_entry_set_mode(e.get(), AE_IFREG | 0644);
  if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK)
    return fail(ErrorKind::Internal, "compressor: {}", archive_error_string(a.get()));
  return a;
}

// The Planner's walk of `upper` against `lower`, both opened here; the
// upper directory stays open for whoever reads the entries.
struct PlannedLayer {
  Planner plan;
  UniqueFd upper;
};

// The engine bind-mounts its own /etc/hostname, /etc/hosts and
// /etc/resolv.conf into every container; where the image has none, the
// runtime makes empty files in the writable layer to mount on. Docker keeps
// those in an "init" layer under the container's own, so they are never
// changes of the container: drop them (and /etc, when they were all that
// changed in it) from what diff shows and commit packs.
void drop_etc_mount_points(Planner& plan, int upper) {
  bool dropped = false;
  std::erase_if(plan.items, [&](const Item& it) {
    if (it.kind != Item::Entry || (it.path != "etc/hostname" && it.path != "etc/hosts" && it.path != "etc/resolv.conf"))
      return false;
    struct stat st;
    bool mount_point = ::fstatat(upper, it.path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
                       st.st_size == 0;
    dropped = dropped || mount_point;
    return mount_point;
  });
  if (!dropped) return;
  bool more_in_etc = std::any_of(plan.items.begin(), plan.items.end(), [](const Item& it) {
    return it.path.starts_with("etc/");
  });
  if (!more_in_etc) std::erase_if(plan.items, [](const Item& it) { return it.kind == Item::Entry && it.path == "etc"; });
}

Result<PlannedLayer> plan_layer(const std::optional<std::string>& lower, const std::string& upper) {
  PlannedLayer out;
  out.upper.reset(::open(upper.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!out.upper) return fail_sys(fmt::format("open {}", upper));
  UniqueFd low;
  if (lower) {
    low.reset(::open(lower->c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!low) return fail_sys(fmt::format("open {}", *lower));
  }
  TRY_CTX(out.plan.walk(low.get(), out.upper.get(), ""), fmt::format("comparing {}", upper));
  drop_etc_mount_points(out.plan, out.upper.get());
  return out;
}

}  // namespace

Result<std::vector<std::string>> layer_members(const std::optional<std::string>& lower, const std::string& upper) {
  TRY_ASSIGN(auto planned, plan_layer(lower, upper));
  auto& plan = planned.plan;
  std::vector<std::string> names;
  names.reserve(plan.items.size());
  for (auto& it : plan.items) names.push_back(std::move(it.path));
  return names;
}

Result<LayerDigests> write_layer(const std::optional<std::string>& lower, const std::string& upper, int out_fd,
                                 Compression compression) {
  TRY_ASSIGN(auto planned, plan_layer(lower, upper));
  auto& plan = planned.plan;
  int up = planned.upper.get();

  Sink sink;
  sink.fd = out_fd;
  ArchivePtr compressor;
  if (compression != Compression::None) {
    TRY_ASSIGN(compressor, make_compressor(sink, compression));
    sink.compressor = compressor.get();
  }
  ArchivePtr tar(archive_write_new());
  archive_write_set_format_pax_restricted(tar.get());
  archive_write_set_bytes_in_last_block(tar.get(), 1);
  if (archive_write_open2(tar.get(), &sink, nullptr, tar_write, nullptr, nullptr) != ARCHIVE_OK)
    return fail(ErrorKind::Internal, "opening tar writer: {}", archive_error_string(tar.get()));

  Emitter emit(up, tar.get());
  for (const auto& it : plan.items) {
    auto r = emit.item(it);
    if (!r) return std::unexpected(sink.error ? *sink.error : std::move(r).error());
  }
  if (archive_write_close(tar.get()) != ARCHIVE_OK)
    return std::unexpected(sink.error ? *sink.error
                                      : Error(ErrorKind::Internal, fmt::format("closing tar: {}",
                                                                               archive_error_string(tar.get()))));
  if (compressor && archive_write_close(compressor.get()) != ARCHIVE_OK)
    return std::unexpected(sink.error ? *sink.error
                                      : Error(ErrorKind::Internal, fmt::format("closing compressor: {}",
                                                                               archive_error_string(compressor.get()))));
  LayerDigests d;
  d.diff_id = sink.diff_id.hex();
  d.digest = sink.digest.hex();
  d.size = sink.compressed;
  d.uncompressed_size = sink.uncompressed;
  d.entries = plan.items.size();
  return d;
}

}  // namespace hako::layer
