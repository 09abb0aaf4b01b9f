// New images from a writable layer: the parent image's layers plus the
// changes in a snapshot's changes directory as one more layer. `commit`
// and every filesystem step of `build` (RUN, COPY, ADD, WORKDIR) end here.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "image/image_store.h"
#include "oci/image_spec.h"
#include "store/metadata.h"

namespace hako::engine {

struct LayerCommit {
  const store::ImageRecord* parent = nullptr;  // nullptr: no layers below (FROM scratch)
  std::string changes_dir;                     // Snapshots::changes_dir(key)
  // The new image's config, with the parent's diff ids and history: the
  // new layer's diff id and `history` are appended here.
  oci::ImageConfig config;
  oci::History history;
  std::vector<std::string> names;  // full references to tag
  // When nothing changed, add no layer (history says empty_layer), as a
  // build step that changed no file.
  bool skip_empty = false;
};

struct CommittedImage {
  std::string id;
  bool layer_added = false;
};

Result<CommittedImage> commit_layer(image::ImageStore& images, LayerCommit commit);

// An image with the parent's layers and a new config (no new layer): the
// metadata-only end of a build. `config.diff_ids` must be the parent's.
Result<std::string> commit_config(image::ImageStore& images, const store::ImageRecord* parent,
                                  const oci::ImageConfig& config, const std::vector<std::string>& names);

}  // namespace hako::engine
