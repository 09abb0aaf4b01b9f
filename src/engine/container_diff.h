// `hako diff`: a container's changes to its image's filesystem.
#pragma once
#include <string>
#include <vector>

#include "base/error.h"
#include "engine/containers.h"
#include "layer/snapshot_changes.h"

namespace hako::engine {

// Read from the container's writable layer alone (overlay upper/ or the vfs
// copy), so nothing is mounted and a running container is not disturbed.
Result<std::vector<layer::Change>> container_changes(Engine& engine, const std::string& id);

}  // namespace hako::engine
