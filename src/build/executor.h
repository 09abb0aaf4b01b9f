// What the builder needs from an engine: images, containers for RUN, files
// for COPY, and the cache. The engine implements it (engine/build_executor.h);
// the builder's own tests use a fake. The builder may call it from several
// threads at once (independent stages build in parallel): implementations
// serialize what must be.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "oci/image_spec.h"

namespace hako::build {

// A stage between two steps: the image holding its layers so far and the
// config as of this step (ENV, WORKDIR ... since that image change only this).
struct ImageState {
  std::string image_id;  // "" while a FROM scratch stage has no layer yet
  oci::ImageConfig config;
};

// A mount for one RUN step, resolved to something on the host.
struct StepMount {
  enum class Type { Bind, Tmpfs } type = Type::Bind;
  std::string source;  // host path (context dir, cache dir, secret file); with from_image: a path in it
  std::string from_image;  // bind from=STAGE|IMAGE: that image's files, mounted for the step
  std::string target;  // absolute path in the container
  bool readonly = false;
  int64_t tmpfs_size = 0;
};

struct RunStep {
  std::vector<std::string> args;  // the whole argv, SHELL already in front for the shell form
  std::vector<std::string> env;   // the stage's ENV plus the build args in scope
  std::string user;               // the stage's USER
  std::string workdir;            // the stage's WORKDIR ("/" when none)
  std::string network;            // "" (default bridge), "none", "host"
  std::vector<StepMount> mounts;
};

// Output of a RUN, chunk by chunk, as the container writes it.
using OutputSink = std::function<void(std::string_view chunk)>;

// A filesystem change made on a mounted root filesystem (COPY, WORKDIR).
using FilesChange = std::function<Result<>(const std::string& rootfs)>;
// Reading an image's files (COPY --from, RUN --mount=from=).
using FilesReader = std::function<Result<>(const std::string& rootfs)>;

struct StepResult {
  std::string image_id;
  int exit_code = 0;  // RUN: nonzero means the step failed (no image then)
};

class Executor {
 public:
  virtual ~Executor() = default;

  // The image a FROM names: local, or pulled when missing or `pull` is set.
  // NotFound names the reference.
  virtual Result<ImageState> base_image(const std::string& ref, const std::string& platform, bool pull) = 0;

  // Runs `step` on top of `parent`; its changes become the new image, whose
  // config is `parent.config` plus `history` (no layer when nothing changed).
  virtual Result<StepResult> run(const ImageState& parent, const RunStep& step, const oci::History& history,
                                 const OutputSink& output) = 0;
  // Changes the files of `parent` with `change`, as one more image.
  virtual Result<StepResult> change_files(const ImageState& parent, const oci::History& history,
                                          const FilesChange& change) = 0;
  // Gives `read` the files of `state` (mounted read-only for the call).
  virtual Result<> read_files(const ImageState& state, const FilesReader& read) = 0;

  // The build's result: `state`'s layers with `state.config`, given `tags`.
  virtual Result<std::string> finish(const ImageState& state, const std::vector<std::string>& tags) = 0;
  // Names an existing image (a fully cached build's result).
  virtual Result<> tag(const std::string& image_id, const std::vector<std::string>& tags) = 0;
  virtual Result<oci::ImageConfig> image_config(const std::string& image_id) = 0;

  // The cache: a step's key to the image holding its result. `is_result`:
  // the build's image itself (shown by `images` even without a name).
  virtual std::optional<std::string> cache_get(const std::string& key) = 0;
  virtual Result<> cache_put(const std::string& key, const std::string& image_id, bool is_result = false) = 0;
  // ADD https://...: fetches `url` (redirects followed) into a new private
  // directory as `name`; the caller removes the directory. The file's
  // mtime is the response's Last-Modified when there is one.
  virtual Result<std::string> download(const std::string& url, const std::string& name) = 0;

  // The directory behind RUN --mount=type=cache,id=ID (kept across builds).
  virtual Result<std::string> cache_mount_dir(const std::string& id) = 0;
};

}  // namespace hako::build
