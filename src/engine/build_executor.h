// The engine side of `build` (build/executor.h): base images from the
// image store (pulled by the caller's function when missing), RUN steps as
// containers of this engine (the default bridge unless --network says
// otherwise), file steps on a scratch snapshot, results as images, and the
// cache in the state database (schema 5, table build_cache).
//
// Cached results are ordinary images without names; `images` hides them
// (unless -a) and `builder prune` removes them. Scratch snapshots are keyed
// "build-<random>" and removed when the step ends.
#pragma once
#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "build/executor.h"
#include "engine/containers.h"

namespace hako::engine {

// Finds or pulls an image for FROM / COPY --from (the CLI has the registry
// settings). `pull` forces a pull (--pull).
using ImagePuller =
    std::function<Result<store::ImageRecord>(const std::string& ref, const std::string& platform, bool pull)>;

class BuildExecutor : public build::Executor {
 public:
  BuildExecutor(Engine& engine, ImagePuller puller) : engine_(engine), puller_(std::move(puller)) {}

  // Removes the scratch snapshots of builds that were killed (their pid is
  // gone); a build calls it before it starts.
  void remove_stale_scratch();

  Result<build::ImageState> base_image(const std::string& ref, const std::string& platform, bool pull) override;
  Result<build::StepResult> run(const build::ImageState& parent, const build::RunStep& step,
                                const oci::History& history, const build::OutputSink& output) override;
  Result<build::StepResult> change_files(const build::ImageState& parent, const oci::History& history,
                                         const build::FilesChange& change) override;
  Result<> read_files(const build::ImageState& state, const build::FilesReader& read) override;
  Result<std::string> finish(const build::ImageState& state, const std::vector<std::string>& tags) override;
  Result<> tag(const std::string& image_id, const std::vector<std::string>& tags) override;
  Result<oci::ImageConfig> image_config(const std::string& image_id) override;
  std::optional<std::string> cache_get(const std::string& key) override;
  Result<> cache_put(const std::string& key, const std::string& image_id, bool is_result) override;
  Result<std::string> cache_mount_dir(const std::string& id) override;
  Result<std::string> download(const std::string& url, const std::string& name) override;

 private:
  // The image record under a state; a stage with no layer yet gets an
  // empty image (no layers) so that containers and snapshots have a parent.
  Result<store::ImageRecord> record_for(const build::ImageState& state);
  // A step's changes as the next image (no layer when nothing changed).
  Result<std::string> commit_step(const build::ImageState& parent, const store::ImageRecord& record,
                                  const std::string& changes_dir, const oci::History& history);

  Engine& engine_;
  ImagePuller puller_;
  // The store (its SQLite connection above all) is used by one thread at a
  // time; a RUN waits for its container without holding it.
  std::recursive_mutex mu_;
};

// What `builder prune` and `system prune` reclaim: every cached step image
// that has no name and no container, then the blobs and layers nothing
// uses. Returns the bytes freed (the layers only those images held).
Result<uint64_t> prune_build_cache(image::ImageStore& images, const std::vector<std::string>& in_use_images);

// The cached step images (without names): `images` hides them unless -a,
// dangling-image prune leaves them to `builder prune`.
Result<std::set<std::string>> build_cache_images(image::ImageStore& images);

// Count of the cached step images and the size of the layers only they
// hold (system df's "Build Cache": what `builder prune` would free).
struct BuildCacheUsage {
  int64_t entries = 0;
  int64_t size = 0;
};
Result<BuildCacheUsage> build_cache_usage(image::ImageStore& images);

}  // namespace hako::engine
