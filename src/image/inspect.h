// `docker image inspect`'s JSON for an image, field for field, so scripts
// written against Docker (`-f '{{.Config.Cmd}}'`, jq '.[0].RootFS') work.
#pragma once
#include "base/json.h"
#include "image/image_store.h"

namespace hako::image {

Result<Json> inspect_json(ImageStore& store, const store::ImageRecord& image);

// One row per history entry, newest first, as `docker history` lists them.
struct HistoryRow {
  std::string id;  // the image id on the newest row, "<missing>" below it
  std::string created;
  std::string created_by;
  std::string comment;
  int64_t size = 0;
};
Result<std::vector<HistoryRow>> image_history(ImageStore& store, const store::ImageRecord& image);

}  // namespace hako::image
