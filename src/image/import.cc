#include "image/import.h"

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include <memory>

#include "base/clock.h"
#include "image/changes.h"
#include "store/gc.h"

namespace hako::image {
namespace {

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

// gzip output into a blob, hashing the input (the diff id) on the way.
class GzipBlob {
 public:
  explicit GzipBlob(store::BlobWriter writer) : writer_(std::move(writer)) {
    // Speed over size: a local store and loopback registries gain little
    // from level 6, and importing a distribution takes 2-3x longer with it.
    deflateInit2(&z_, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  }
  ~GzipBlob() { deflateEnd(&z_); }

  Result<> write(std::string_view data) {
    diff_.update(data);
    size_ += data.size();
    return deflate_some(data, Z_NO_FLUSH);
  }

  Result<std::pair<store::Digest, store::Digest>> finish() {
    TRY(deflate_some({}, Z_FINISH));
    TRY_ASSIGN(auto blob, writer_.commit());
    return std::pair{diff_.finish(), blob};
  }
  uint64_t size() const { return size_; }

 private:
  Result<> deflate_some(std::string_view data, int flush) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z_.avail_in = static_cast<uInt>(data.size());
    char out[1 << 16];
    int r;
    do {
      z_.next_out = reinterpret_cast<Bytef*>(out);
      z_.avail_out = sizeof out;
      r = deflate(&z_, flush);
      if (r == Z_STREAM_ERROR) return fail(ErrorKind::Internal, "gzip compression failed");
      TRY(writer_.write(std::string_view(out, sizeof out - z_.avail_out)));
    } while (z_.avail_out == 0 || (flush == Z_FINISH && r != Z_STREAM_END));
    return {};
  }

  store::BlobWriter writer_;
  store::Sha256 diff_;
  z_stream z_{};
  uint64_t size_ = 0;
};

}  // namespace

Result<AddedImage> import_rootfs(ImageStore& store, int fd, const ImportOptions& options) {
  oci::ImageConfig config;
  for (const auto& c : options.changes) TRY_CTX(apply_change(config.config, c), "--change");

  TRY_ASSIGN(auto lock, store::writer_lock(store.root()));
  // libarchive's raw format undoes any compression it knows and hands the
  // tar over as bytes; the tar itself is checked when it is unpacked.
  std::unique_ptr<archive, ArchiveFree> a(archive_read_new());
  archive_read_support_format_raw(a.get());
  archive_read_support_format_empty(a.get());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_filter_xz(a.get());
  archive_read_support_filter_bzip2(a.get());
  if (archive_read_open_fd(a.get(), fd, 1 << 16) != ARCHIVE_OK)
    return fail(ErrorKind::InvalidArgument, "reading {}: {}", options.source, archive_error_string(a.get()));
  TRY_ASSIGN(auto writer, store.blobs().begin_write());
  GzipBlob out(std::move(writer));
  archive_entry* e;
  int r = archive_read_next_header(a.get(), &e);
  if (r == ARCHIVE_OK) {
    for (;;) {
      const void* buf;
      size_t n;
      la_int64_t off;
      r = archive_read_data_block(a.get(), &buf, &n, &off);
      if (r == ARCHIVE_EOF) break;
      if (r != ARCHIVE_OK)
        return fail(ErrorKind::InvalidArgument, "reading {}: {}", options.source, archive_error_string(a.get()));
      TRY(out.write(std::string_view(static_cast<const char*>(buf), n)));
    }
  } else if (r != ARCHIVE_EOF) {
    return fail(ErrorKind::InvalidArgument, "reading {}: {}", options.source, archive_error_string(a.get()));
  }
  if (out.size() == 0) return fail(ErrorKind::InvalidArgument, "{} is empty: nothing to import", options.source);
  TRY_ASSIGN(auto digests, out.finish());
  auto [diff_id, blob] = digests;
  TRY_ASSIGN(uint64_t blob_size, store.blobs().size(blob));

  std::string now = now_rfc3339();
  config.created = now;
  config.os = options.platform.os;
  config.architecture = options.platform.architecture;
  config.variant = options.platform.variant;
  config.diff_ids = {diff_id.to_string()};
  oci::History h;
  h.created = now;
  h.comment = options.message.empty() ? "Imported from " + options.source : options.message;
  config.history = {h};
  std::string config_json = oci::to_json(config).dump();
  TRY_ASSIGN(auto config_digest, store.blobs().put(config_json));

  oci::Manifest m;
  m.media_type = oci::media::kManifest;
  m.config = {oci::media::kConfig, config_digest.to_string(), static_cast<int64_t>(config_json.size())};
  oci::Descriptor layer;
  layer.media_type = oci::media::kLayerGzip;
  layer.digest = blob.to_string();
  layer.size = static_cast<int64_t>(blob_size);
  m.layers = {layer};
  std::string manifest_json = oci::to_json(m).dump();
  TRY_ASSIGN(auto manifest_digest, store.blobs().put(manifest_json));
  std::vector<std::string> names;
  if (!options.name.empty()) names.push_back(options.name);
  auto added = store.add_image(manifest_digest, oci::media::kManifest, options.platform, names, {});
  if (!added) {
    // A tarball refused while unpacking leaves blobs no image names; sweep
    // them (GC needs the writer lock released).
    lock = FileLock(UniqueFd());
    (void)store.collect_garbage();
  }
  return added;
}

}  // namespace hako::image
