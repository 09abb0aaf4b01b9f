#include "engine/container_diff.h"

namespace hako::engine {

Result<std::vector<layer::Change>> container_changes(Engine& engine, const std::string& id) {
  TRY_ASSIGN(auto ci, engine.info(id));
  TRY_ASSIGN(auto image, engine.images().db().get_image(ci.record.image_id));
  return layer::snapshot_changes(engine.images().snapshots(), id, image.layers);
}

}  // namespace hako::engine
