// `hako export` and `hako commit`: a container's filesystem as a tar, or
// its changes as a new image layer.
#pragma once
#include <string>
#include <vector>

#include "base/error.h"
#include "engine/containers.h"

namespace hako::engine {

// Writes the container's whole filesystem (image layers and its changes)
// to `fd` as an uncompressed tar.
Result<> export_container(Engine& engine, const std::string& id, int fd);

struct CommitOptions {
  std::string author, message;
  std::vector<std::string> changes;  // Dockerfile instructions (image/changes.h)
  std::string name;                  // full reference to tag, or empty
  bool pause = true;                 // freeze a running container meanwhile
};

// The container's changes as one gzip layer on top of its image; the new
// image's config is the image's with the container's command and the
// changes applied. Returns the new image id.
Result<std::string> commit_container(Engine& engine, const std::string& id, const CommitOptions& options);

}  // namespace hako::engine
