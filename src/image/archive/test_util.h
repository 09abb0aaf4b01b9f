// Test helpers for archive tests: temp dirs, in-memory tars, small images.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/fd.h"
#include "base/files.h"
#include "base/json.h"
#include "image/archive/archive.h"
#include "oci/image_spec.h"
#include "store/blob_store.h"

namespace hako::image::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/hako-archive-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { (void)remove_tree(path_); }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

// A tar built in memory, entries in exactly the order given.
class TarBuilder {
 public:
  explicit TarBuilder(oci::Compression c = oci::Compression::None) : a_(archive_write_new()) {
    archive_write_set_format_pax_restricted(a_);
    if (c == oci::Compression::Gzip) archive_write_add_filter_gzip(a_);
    if (c == oci::Compression::Zstd) archive_write_add_filter_zstd(a_);
    archive_write_set_bytes_in_last_block(a_, 1);
    archive_write_open2(a_, &data_, nullptr, &TarBuilder::cb, nullptr, nullptr);
  }
  ~TarBuilder() { archive_write_free(a_); }

  TarBuilder& file(const std::string& name, const std::string& content) {
    archive_entry* e = entry(name, AE_IFREG | 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    archive_write_header(a_, e);
    archive_write_data(a_, content.data(), content.size());
    archive_entry_free(e);
    return *this;
  }
  TarBuilder& dir(const std::string& name) {
    archive_entry* e = entry(name, AE_IFDIR | 0755);
    archive_write_header(a_, e);
    archive_entry_free(e);
    return *this;
  }
  TarBuilder& symlink(const std::string& name, const std::string& target) {
    archive_entry* e = entry(name, AE_IFLNK | 0777);
    archive_entry_set_symlink(e, target.c_str());
    archive_write_header(a_, e);
    archive_entry_free(e);
    return *this;
  }
  TarBuilder& hardlink(const std::string& name, const std::string& target) {
    archive_entry* e = entry(name, AE_IFREG | 0644);
    archive_entry_set_hardlink(e, target.c_str());
    archive_write_header(a_, e);
    archive_entry_free(e);
    return *this;
  }
  std::string finish() {
    archive_write_close(a_);
    return data_;
  }

 private:
  archive_entry* entry(const std::string& name, mode_t mode) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_mode(e, mode);
    archive_entry_set_mtime(e, 1000000, 0);
    return e;
  }
  static la_ssize_t cb(struct archive*, void* data, const void* buf, size_t n) {
    static_cast<std::string*>(data)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  }
  struct archive* a_;
  std::string data_;
};

// An in-memory file holding `data`, positioned at 0.
inline UniqueFd fd_of(std::string_view data) {
  UniqueFd fd(::memfd_create("archive-test", MFD_CLOEXEC));
  EXPECT_EQ(::write(fd.get(), data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ::lseek(fd.get(), 0, SEEK_SET);
  return fd;
}

inline std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  ::lseek(fd, 0, SEEK_SET);
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

// Path -> content of every regular file in a tar.
inline std::map<std::string, std::string> untar(const std::string& data) {
  std::map<std::string, std::string> out;
  struct archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_zstd(a);
  archive_read_support_format_tar(a);
  archive_read_open_memory(a, data.data(), data.size());
  archive_entry* e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    std::string content;
    char buf[65536];
    for (la_ssize_t n; (n = archive_read_data(a, buf, sizeof buf)) > 0;) content.append(buf, static_cast<size_t>(n));
    out[archive_entry_pathname(e)] = content;
  }
  archive_read_free(a);
  return out;
}

inline std::vector<store::Digest> sorted_blobs(const store::BlobStore& s) {
  auto l = s.list();
  EXPECT_TRUE(l.has_value());
  std::vector<store::Digest> v = l.value_or(std::vector<store::Digest>{});
  std::sort(v.begin(), v.end());
  return v;
}

inline oci::Descriptor descriptor(std::string media_type, const store::Digest& d, size_t size) {
  oci::Descriptor out;
  out.media_type = std::move(media_type);
  out.digest = d.to_string();
  out.size = static_cast<int64_t>(size);
  return out;
}

inline ArchiveEntry entry(const store::Digest& manifest, std::vector<std::string> names = {},
                          std::string media_type = "") {
  ArchiveEntry e;
  e.names = std::move(names);
  e.manifest = manifest;
  e.media_type = std::move(media_type);
  return e;
}

inline std::string config_json(const std::vector<std::string>& diff_ids, const std::string& arch = "amd64") {
  Json j = {{"architecture", arch}, {"os", "linux"}, {"config", {{"Cmd", {"sh"}}}},
            {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
  return j.dump();
}

// A small single-layer image stored in `s`.
struct TestImage {
  store::Digest manifest, config;
  std::vector<store::Digest> layers;
  std::string manifest_bytes;
};

inline std::string layer_tar(const std::string& seed, oci::Compression c = oci::Compression::None) {
  return TarBuilder(c).file("hello-" + seed + ".txt", "hello " + seed + "\n").finish();
}

// Layers named by seed; gzip ones are stored compressed.
inline TestImage make_image(const store::BlobStore& s, const std::vector<std::string>& seeds, bool gzip = false,
                            const std::string& arch = "amd64") {
  TestImage img;
  std::vector<std::string> diff_ids;
  oci::Manifest m;
  m.media_type = oci::media::kManifest;
  for (const auto& seed : seeds) {
    diff_ids.push_back(store::sha256_of(layer_tar(seed)).to_string());
    std::string stored = layer_tar(seed, gzip ? oci::Compression::Gzip : oci::Compression::None);
    img.layers.push_back(*s.put(stored));
    m.layers.push_back(descriptor(gzip ? oci::media::kLayerGzip : oci::media::kLayer, img.layers.back(), stored.size()));
  }
  std::string cfg = config_json(diff_ids, arch);
  img.config = *s.put(cfg);
  m.config = descriptor(oci::media::kConfig, img.config, cfg.size());
  img.manifest_bytes = oci::to_json(m).dump();
  img.manifest = *s.put(img.manifest_bytes);
  return img;
}

// A fresh blob store in a temp dir.
struct StoreFixture : ::testing::Test {
  TempDir dir;
  store::BlobStore store = *store::BlobStore::open(dir / "store");
  TempDir dir2;
  store::BlobStore other = *store::BlobStore::open(dir2 / "store");

  std::string save(std::span<const ArchiveEntry> images, const store::BlobStore& from) {
    UniqueFd fd(::memfd_create("saved", MFD_CLOEXEC));
    auto r = write_image_archive(fd.get(), images, from);
    EXPECT_TRUE(r.has_value()) << r.error().message();
    return read_all(fd.get());
  }
  Result<std::vector<ArchiveEntry>> load(const std::string& tar, const store::BlobStore& into) {
    UniqueFd fd = fd_of(tar);
    return read_image_archive(fd.get(), into);
  }
};

}  // namespace hako::image::testing
