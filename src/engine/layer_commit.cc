#include "engine/layer_commit.h"

#include <fcntl.h>
#include <unistd.h>

#include "base/fd.h"
#include "layer/diff.h"
#include "store/gc.h"

namespace hako::engine {
namespace {

// Copies a file's bytes into a blob writer.
Result<> copy_into(int fd, store::BlobWriter& w) {
  char buf[1 << 16];
  if (::lseek(fd, 0, SEEK_SET) < 0) return fail_sys("seek");
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_sys("read layer");
    if (n == 0) return {};
    TRY(w.write(std::string_view(buf, static_cast<size_t>(n))));
  }
}

// Writes config and manifest (the parent's layers plus `extra`) and records
// the image. Media types follow the parent's manifest (Docker's or OCI's).
Result<std::string> record_image(image::ImageStore& images, const store::ImageRecord* parent,
                                 const oci::ImageConfig& config, const std::optional<oci::Descriptor>& extra,
                                 const std::vector<std::string>& names) {
  oci::Manifest m;
  if (parent && !parent->layers.empty()) {
    TRY_ASSIGN(m, images.manifest(*parent));
  }
  if (m.media_type.empty()) m.media_type = oci::media::kManifest;
  m.schema_version = 2;
  bool docker = m.media_type == oci::media::kDockerManifest;
  std::string config_json = oci::to_json(config).dump();
  TRY_ASSIGN(auto config_digest, images.blobs().put(config_json));
  m.config = oci::Descriptor{};
  m.config.media_type = docker ? oci::media::kDockerConfig : oci::media::kConfig;
  m.config.digest = config_digest.to_string();
  m.config.size = static_cast<int64_t>(config_json.size());
  if (extra) {
    oci::Descriptor d = *extra;
    d.media_type = docker ? oci::media::kDockerLayerGzip : oci::media::kLayerGzip;
    m.layers.push_back(d);
  }
  m.annotations.clear();
  std::string manifest_json = oci::to_json(m).dump();
  TRY_ASSIGN(auto manifest_digest, images.blobs().put(manifest_json));
  image::Platform platform{config.os, config.architecture, config.variant};
  TRY_ASSIGN(auto added, images.add_image(manifest_digest, m.media_type, platform, names, {}));
  return added.id;
}

}  // namespace

Result<CommittedImage> commit_layer(image::ImageStore& images, LayerCommit c) {
  auto& snaps = images.snapshots();
  std::optional<std::string> lower;
  if (snaps.driver() == layer::Driver::Vfs && c.parent && !c.parent->layers.empty())
    lower = snaps.layer_dir(c.parent->layers.back());
  // O_TMPFILE: a killed commit leaves nothing in ingest/.
  std::string ingest = images.root() + "/ingest";
  UniqueFd out(::open(ingest.c_str(), O_RDWR | O_TMPFILE | O_CLOEXEC, 0600));
  if (!out) return fail_sys("create a layer file in " + ingest);
  TRY_ASSIGN(auto digests, layer::write_layer(lower, c.changes_dir, out.get(), layer::Compression::Gzip));

  CommittedImage result;
  std::optional<oci::Descriptor> layer_desc;
  TRY_ASSIGN(auto lock, store::writer_lock(images.root()));
  if (digests.entries > 0 || !c.skip_empty) {
    TRY_ASSIGN(auto writer, images.blobs().begin_write());
    TRY(copy_into(out.get(), writer));
    TRY_ASSIGN(auto blob, writer.commit());
    layer_desc = oci::Descriptor{};
    layer_desc->digest = blob.to_string();
    layer_desc->size = static_cast<int64_t>(digests.size);
    c.config.diff_ids.push_back(digests.diff_id);
    result.layer_added = true;
  } else {
    c.history.empty_layer = true;
  }
  c.config.history.push_back(c.history);
  TRY_ASSIGN(result.id, record_image(images, c.parent, c.config, layer_desc, c.names));
  return result;
}

Result<std::string> commit_config(image::ImageStore& images, const store::ImageRecord* parent,
                                  const oci::ImageConfig& config, const std::vector<std::string>& names) {
  TRY_ASSIGN(auto lock, store::writer_lock(images.root()));
  return record_image(images, parent, config, std::nullopt, names);
}

}  // namespace hako::engine
