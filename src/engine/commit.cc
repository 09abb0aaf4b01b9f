#include "engine/commit.h"

#include <fcntl.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/fd.h"
#include "image/changes.h"
#include "layer/diff.h"
#include "store/gc.h"

namespace hako::engine {
namespace {

// The container's rootfs, mounted for the duration of `fn` if it is not.
template <typename Fn>
Result<> with_rootfs(Engine& engine, const std::string& id, Fn&& fn) {
  TRY_ASSIGN(auto ci, engine.info(id));
  TRY_ASSIGN(auto image, engine.images().db().get_image(ci.record.image_id));
  auto& snaps = engine.images().snapshots();
  bool mounted_here = !ci.active() && snaps.driver() == layer::Driver::Overlay;
  TRY_ASSIGN(std::string rootfs, ci.active() && snaps.driver() == layer::Driver::Overlay
                                     ? Result<std::string>(snaps.snapshot_dir(id) + "/merged")
                                     : snaps.mount(id, image.layers));
  auto r = fn(rootfs, ci, image);
  if (mounted_here) (void)snaps.unmount(id);
  return r;
}

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

}  // namespace

Result<> export_container(Engine& engine, const std::string& id, int fd) {
  return with_rootfs(engine, id, [&](const std::string& rootfs, const ContainerInfo&, const store::ImageRecord&) -> Result<> {
    TRY(layer::write_layer(std::nullopt, rootfs, fd, layer::Compression::None));
    return {};
  });
}

Result<std::string> commit_container(Engine& engine, const std::string& id, const CommitOptions& o) {
  auto& images = engine.images();
  TRY_ASSIGN(auto ci, engine.info(id));
  TRY_ASSIGN(auto image, images.db().get_image(ci.record.image_id));
  TRY_ASSIGN(auto config, images.config(image));
  std::string parent_manifest_digest;
  TRY_ASSIGN(auto manifest, images.manifest(image, &parent_manifest_digest));
  bool paused_here = false;
  if (o.pause && ci.status == "running") paused_here = engine.pause(id).has_value();

  auto& snaps = images.snapshots();
  std::optional<std::string> lower;
  if (snaps.driver() == layer::Driver::Vfs && !image.layers.empty()) lower = snaps.layer_dir(image.layers.back());
  std::string tmp = images.root() + "/ingest/commit-" + id.substr(0, 12) + ".tar.gz";
  UniqueFd out(::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!out) return fail_sys("create " + tmp);
  auto digests = layer::write_layer(lower, snaps.changes_dir(id), out.get(), layer::Compression::Gzip);
  if (paused_here) (void)engine.unpause(id);
  if (!digests) {
    ::unlink(tmp.c_str());
    return std::unexpected(digests.error());
  }

  TRY_ASSIGN(auto lock, store::writer_lock(images.root()));
  TRY_ASSIGN(auto writer, images.blobs().begin_write());
  auto copied = copy_into(out.get(), writer);
  ::unlink(tmp.c_str());
  TRY(copied);
  TRY_ASSIGN(auto blob, writer.commit());

  // The new config: the image's, with the container's command and the
  // requested changes, one more layer and one more history entry.
  const Json& cc = ci.config.run_options.value("Config", Json::object());
  if (cc.contains("Cmd") && cc["Cmd"].is_array()) config.config.cmd = cc["Cmd"].get<std::vector<std::string>>();
  if (cc.contains("Entrypoint") && cc["Entrypoint"].is_array())
    config.config.entrypoint = cc["Entrypoint"].get<std::vector<std::string>>();
  if (cc.contains("Env") && cc["Env"].is_array()) config.config.env = cc["Env"].get<std::vector<std::string>>();
  for (const auto& ch : o.changes) TRY_CTX(image::apply_change(config.config, ch), "--change");
  std::string now = now_rfc3339();
  config.created = now;
  if (!o.author.empty()) config.author = o.author;
  config.diff_ids.push_back(digests->diff_id);
  oci::History h;
  h.created = now;
  h.author = o.author;
  h.comment = o.message;
  config.history.push_back(h);
  std::string config_json = oci::to_json(config).dump();
  TRY_ASSIGN(auto config_digest, images.blobs().put(config_json));

  oci::Manifest m = manifest;
  if (m.media_type.empty()) m.media_type = oci::media::kManifest;
  bool docker = m.media_type == oci::media::kDockerManifest;
  m.config = {docker ? oci::media::kDockerConfig : oci::media::kConfig, config_digest.to_string(),
              static_cast<int64_t>(config_json.size())};
  oci::Descriptor layer_desc;
  layer_desc.media_type = docker ? oci::media::kDockerLayerGzip : oci::media::kLayerGzip;
  layer_desc.digest = blob.to_string();
  layer_desc.size = static_cast<int64_t>(digests->size);
  m.layers.push_back(layer_desc);
  m.annotations.clear();
  std::string manifest_json = oci::to_json(m).dump();
  TRY_ASSIGN(auto manifest_digest, images.blobs().put(manifest_json));
  std::vector<std::string> names;
  if (!o.name.empty()) names.push_back(o.name);
  image::Platform platform{config.os, config.architecture, config.variant};
  TRY_ASSIGN(auto added, images.add_image(manifest_digest, m.media_type, platform, names, {}));
  return added.id;
}

}  // namespace hako::engine
