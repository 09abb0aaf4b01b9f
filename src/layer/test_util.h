// Test helpers: temp dirs, building tars with libarchive, reading trees back.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "base/files.h"
#include "layer/diff.h"

namespace hako::layer::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/hako-layer-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { (void)remove_tree(path_); }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

// Builds a tar in memory, entry by entry, in exactly the order given (so
// tests can produce hostile or oddly ordered archives).
class Tar {
 public:
  explicit Tar(Compression c = Compression::None) : a_(archive_write_new()) {
    archive_write_set_format_pax_restricted(a_);
    if (c == Compression::Gzip) archive_write_add_filter_gzip(a_);
    if (c == Compression::Zstd) archive_write_add_filter_zstd(a_);
    // Zero padding after a zstd frame reads as a broken second frame.
    archive_write_set_bytes_in_last_block(a_, 1);
    archive_write_open2(a_, &data_, nullptr, &Tar::cb, nullptr, nullptr);
  }
  ~Tar() { archive_write_free(a_); }

  Tar& file(const std::string& name, const std::string& content, mode_t mode = 0644, int uid = 0, int gid = 0,
            std::map<std::string, std::string> xattrs = {}, time_t mtime = 1000000) {
    archive_entry* e = entry(name, AE_IFREG | mode, uid, gid, mtime);
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    for (auto& [k, v] : xattrs) archive_entry_xattr_add_entry(e, k.c_str(), v.data(), v.size());
    archive_write_header(a_, e);
    archive_write_data(a_, content.data(), content.size());
    archive_entry_free(e);
    return *this;
  }
  Tar& dir(const std::string& name, mode_t mode = 0755, time_t mtime = 2000000, int uid = 0) {
    return put(entry(name, AE_IFDIR | mode, uid, 0, mtime));
  }
  Tar& symlink(const std::string& name, const std::string& target) {
    archive_entry* e = entry(name, AE_IFLNK | 0777, 0, 0, 3000000);
    archive_entry_set_symlink(e, target.c_str());
    return put(e);
  }
  Tar& hardlink(const std::string& name, const std::string& target) {
    archive_entry* e = entry(name, AE_IFREG | 0644, 0, 0, 3000000);
    archive_entry_set_hardlink(e, target.c_str());
    archive_entry_set_size(e, 0);
    return put(e);
  }
  Tar& node(const std::string& name, mode_t type, int major, int minor) {
    archive_entry* e = entry(name, type | 0640, 0, 0, 3000000);
    archive_entry_set_rdev(e, makedev(major, minor));
    return put(e);
  }
  Tar& whiteout(const std::string& name) { return file(name, ""); }

  const std::string& bytes() {
    if (!closed_) archive_write_close(a_);
    closed_ = true;
    return data_;
  }
  // Writes the archive to `path` and returns it.
  std::string save(const std::string& path) {
    (void)write_file(path, bytes());
    return path;
  }

 private:
  static la_ssize_t cb(archive*, void* p, const void* buf, size_t n) {
    static_cast<std::string*>(p)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  }
  archive_entry* entry(const std::string& name, mode_t mode, int uid, int gid, time_t mtime) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_mode(e, mode);
    archive_entry_set_uid(e, uid);
    archive_entry_set_gid(e, gid);
    archive_entry_set_mtime(e, mtime, 0);
    return e;
  }
  Tar& put(archive_entry* e) {
    archive_write_header(a_, e);
    archive_entry_free(e);
    return *this;
  }

  archive* a_;
  std::string data_;
  bool closed_ = false;
};

inline bool exists(const std::string& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0;
}
inline struct stat lstat_of(const std::string& p) {
  struct stat st{};
  ::lstat(p.c_str(), &st);
  return st;
}
inline std::string content(const std::string& p) { return read_file(p).value_or("<missing>"); }
inline std::string xattr(const std::string& p, const char* key) {
  char buf[256];
  ssize_t n = ::lgetxattr(p.c_str(), key, buf, sizeof buf);
  return n < 0 ? "<none>" : std::string(buf, static_cast<size_t>(n));
}

// Every entry below `root` with the metadata a layer carries, one line each,
// so two trees can be compared with one EXPECT_EQ. Hardlinked files show the
// first path of their inode.
std::map<std::string, std::string> describe_tree(const std::string& root);

}  // namespace hako::layer::testing
