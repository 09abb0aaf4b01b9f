#include "image/archive/stage.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace hako::image::archive_detail {

namespace {

constexpr size_t kMaxMetadataSize = 16 << 20;

struct ReadCloser {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<struct archive, ReadCloser>;

Result<> archive_fail(struct archive* a, std::string_view what) {
  const char* msg = archive_error_string(a);
  return fail(ErrorKind::InvalidArgument, "{}: {}", what, msg ? msg : "unreadable archive");
}

std::vector<std::string_view> split(std::string_view p) {
  std::vector<std::string_view> parts;
  while (!p.empty()) {
    size_t slash = p.find('/');
    std::string_view part = p.substr(0, slash);
    if (!part.empty() && part != ".") parts.push_back(part);
    if (slash == std::string_view::npos) break;
    p.remove_prefix(slash + 1);
  }
  return parts;
}

std::string join(const std::vector<std::string_view>& parts) {
  std::string out;
  for (auto part : parts) {
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

// A symlink target, taken relative to the link's directory; ".." may climb
// but never above the archive's root.
Result<std::string> resolve_link_target(const std::string& link, std::string_view target) {
  if (target.starts_with('/'))
    return fail(ErrorKind::InvalidArgument, "archive entry \"{}\": link target \"{}\" is absolute", link, target);
  auto parts = split(link);
  if (!parts.empty()) parts.pop_back();
  for (auto part : split(target)) {
    if (part != "..") {
      parts.push_back(part);
    } else if (parts.empty()) {
      return fail(ErrorKind::InvalidArgument, "archive entry \"{}\": link target \"{}\" leaves the archive (..)",
                  link, target);
    } else {
      parts.pop_back();
    }
  }
  return join(parts);
}

bool is_metadata(std::string_view path) {
  return std::ranges::find(kMetadataFiles, path) != std::end(kMetadataFiles);
}

// For blobs/<alg>/<hex>: the digest the name promises. Other names under
// blobs/ are ordinary files (the layout spec allows extra files).
Result<std::optional<store::Digest>> blob_name(const std::string& path) {
  auto parts = split(path);
  if (parts.size() != 3 || parts[0] != "blobs") return std::nullopt;
  if (parts[1] != "sha256") {
    if (parts[1] == "sha384" || parts[1] == "sha512")
      return fail(ErrorKind::NotSupported, "archive entry \"{}\": digest algorithm {} is not supported", path,
                  parts[1]);
    return std::nullopt;
  }
  if (!store::is_sha256_hex(parts[2])) return std::nullopt;
  return store::Digest{"sha256", std::string(parts[2])};
}

Result<std::string> read_small(struct archive* a, archive_entry* e, const std::string& path) {
  if (archive_entry_size_is_set(e) && static_cast<uint64_t>(archive_entry_size(e)) > kMaxMetadataSize)
    return fail(ErrorKind::InvalidArgument, "{}: larger than {} bytes", path, kMaxMetadataSize);
  std::string data;
  char buf[16 * 1024];
  for (;;) {
    la_ssize_t n = archive_read_data(a, buf, sizeof buf);
    if (n < 0) return std::unexpected(archive_fail(a, path).error());
    if (n == 0) return data;
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > kMaxMetadataSize)
      return fail(ErrorKind::InvalidArgument, "{}: larger than {} bytes", path, kMaxMetadataSize);
  }
}

// Streams the entry's data into a new blob, verified against `expected`.
Result<store::Digest> stream_blob(struct archive* a, archive_entry* e, const std::string& path,
                                  const store::BlobStore& blobs, const std::optional<store::Digest>& expected) {
  TRY_ASSIGN(auto writer, blobs.begin_write());
  std::vector<char> buf(256 * 1024);
  for (;;) {
    la_ssize_t n = archive_read_data(a, buf.data(), buf.size());
    if (n < 0) return std::unexpected(archive_fail(a, path).error());
    if (n == 0) break;
    TRY_CTX(writer.write(std::string_view(buf.data(), static_cast<size_t>(n))), path);
  }
  auto committed = writer.commit(expected);
  if (!committed) return std::unexpected(std::move(committed).error().context(path));
  return *committed;
}

}  // namespace

Result<std::string> normalize_archive_path(std::string_view path) {
  if (path.starts_with('/'))
    return fail(ErrorKind::InvalidArgument, "archive entry \"{}\": absolute path", path);
  auto parts = split(path);
  if (std::ranges::find(parts, "..") != parts.end())
    return fail(ErrorKind::InvalidArgument, "archive entry \"{}\": path leaves the archive (..)", path);
  return join(parts);
}

std::optional<store::Digest> StagedArchive::resolve(std::string_view path) const {
  std::string p(path);
  for (int hops = 0; hops < 16; hops++) {
    if (auto f = files.find(p); f != files.end()) return f->second;
    auto l = links.find(p);
    if (l == links.end()) return std::nullopt;
    p = l->second;
  }
  return std::nullopt;
}

void StagedArchive::note_written(const store::Digest& d) {
  if (!preexisting.contains(d)) created.insert(d);
}

Result<> stage_archive(int fd, const store::BlobStore& blobs, StagedArchive& out) {
  TRY_ASSIGN(auto existing, blobs.list());
  out.preexisting.insert(existing.begin(), existing.end());

  ArchivePtr a(archive_read_new());
  if (!a) return fail(ErrorKind::Internal, "archive_read_new failed");
  // The compressions archives come in; never filter_all, which would
  // also run external programs (lrzip, lzop) on hostile input.
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_filter_xz(a.get());
  archive_read_support_filter_bzip2(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_empty(a.get());  // so empty input reads as "no metadata"
  if (archive_read_open_fd(a.get(), fd, 64 * 1024) != ARCHIVE_OK) return archive_fail(a.get(), "opening archive");

  for (;;) {
    archive_entry* e = nullptr;
    int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) return archive_fail(a.get(), "reading archive");
    const char* raw = archive_entry_pathname(e);
    if (!raw) raw = archive_entry_pathname_utf8(e);
    if (!raw) return fail(ErrorKind::InvalidArgument, "archive entry without a readable name");
    TRY_ASSIGN(std::string path, normalize_archive_path(raw));
    if (path.empty()) continue;  // "./"
    TRY_ASSIGN(auto promised, blob_name(path));
    bool under_blobs = path.starts_with("blobs/");

    const char* hardlink = archive_entry_hardlink(e);
    mode_t type = archive_entry_filetype(e);
    if (hardlink || type == AE_IFLNK) {
      if (under_blobs || is_metadata(path))
        return fail(ErrorKind::InvalidArgument, "archive entry \"{}\": is a {}; it must be a regular file", path,
                    hardlink ? "hardlink" : "symlink");
      std::string target;
      if (hardlink) {
        TRY_ASSIGN(target, normalize_archive_path(hardlink));
      } else {
        const char* t = archive_entry_symlink(e);
        TRY_ASSIGN(target, resolve_link_target(path, t ? t : ""));
      }
      out.files.erase(path);
      out.links[path] = std::move(target);
      continue;
    }
    if (type == AE_IFDIR) continue;
    if (type != AE_IFREG) {
      if (under_blobs || is_metadata(path))
        return fail(ErrorKind::InvalidArgument, "archive entry \"{}\": not a regular file", path);
      continue;  // a device or fifo can be nothing an image refers to
    }
    out.links.erase(path);

    if (is_metadata(path)) {
      TRY_ASSIGN(out.metadata[path], read_small(a.get(), e, path));
      continue;
    }
    if (promised && blobs.exists(*promised)) {
      // Already stored, hence already verified: no need to read it again.
      out.files[path] = *promised;
      continue;
    }
    TRY_ASSIGN(store::Digest d, stream_blob(a.get(), e, path, blobs, promised));
    out.note_written(d);
    out.files[path] = d;
  }
  return {};
}

}  // namespace hako::image::archive_detail
