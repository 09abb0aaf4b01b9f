#include "engine/commit.h"

#include <fcntl.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/fd.h"
#include "image/changes.h"
#include "engine/layer_commit.h"
#include "layer/diff.h"

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

  LayerCommit c;
  c.parent = &image;
  c.changes_dir = images.snapshots().changes_dir(id);
  c.config = std::move(config);
  c.history.created = now;
  c.history.author = o.author;
  c.history.comment = o.message;
  if (!o.name.empty()) c.names.push_back(o.name);
  bool paused_here = false;
  if (o.pause && ci.status == "running") paused_here = engine.pause(id).has_value();
  auto committed = commit_layer(images, std::move(c));
  if (paused_here) (void)engine.unpause(id);
  if (!committed) return std::unexpected(committed.error());
  return committed->id;
}

}  // namespace hako::engine
