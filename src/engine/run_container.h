// Creating a container from RunOptions and an image: what `run` and
// `create` do once the image is local, and what the builder does for each
// RUN step. The image's config may be one the caller made (the builder
// passes the stage's config as of the step, ahead of the image it runs on).
#pragma once
#include <string>

#include "base/error.h"
#include "engine/containers.h"
#include "engine/spec/run_options.h"
#include "oci/image_spec.h"
#include "store/metadata.h"

namespace hako::engine {

// Records the container with its network request, volumes and the spec
// builder; warnings go to stderr as the CLI prints them. Returns the id.
Result<std::string> create_container(Engine& engine, const RunOptions& options, const store::ImageRecord& image,
                                     const oci::ImageConfig& image_config);

}  // namespace hako::engine
