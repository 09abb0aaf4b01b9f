// Metadata: hako's state database at ROOT/metadata.db (SQLite, WAL).
//
// Images are keyed by their config digest, layers by chain id; foreign keys
// keep the graph whole (an image cannot name a missing layer, a layer cannot
// be removed while an image or child layer uses it, an image cannot be removed
// while a container uses it). Every mutating call runs in its own transaction;
// wrap several in transaction() to make them one atomic change.
//
// Digests are stored as their "sha256:<hex>" strings.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "store/sqlite.h"

namespace hako::store {

struct ManifestRecord {
  std::string digest;      // manifest (or index) digest
  std::string media_type;
  std::string platform;    // "linux/amd64", "" for an index
  bool operator==(const ManifestRecord&) const = default;
};

struct ImageRecord {
  std::string id;  // config digest
  int64_t created = 0;  // unix seconds
  int64_t size = 0;     // bytes, as `docker images` shows
  std::vector<std::string> layers;  // chain ids, base layer first
  std::vector<ManifestRecord> manifests;
  std::vector<std::string> names;   // filled by reads; put_image ignores it (use tag)
};

struct LayerRecord {
  std::string chain_id;
  std::string diff_id;                     // digest of the uncompressed tar
  std::optional<std::string> blob_digest;  // compressed blob, if there is one
  int64_t size = 0;
  std::string unpacked_path;
  std::optional<std::string> parent;       // parent chain id; must already exist
  bool operator==(const LayerRecord&) const = default;
};

struct ContainerRecord {
  std::string id;
  std::string name;
  std::string image_id;
  int64_t created = 0;
  std::string state_json = "{}";
  bool operator==(const ContainerRecord&) const = default;
};

class Metadata {
 public:
  static constexpr int kSchemaVersion = 5;

  // Opens or creates the database and brings its schema up to date. A
  // database from a newer hako is NotSupported rather than guessed at.
  static Result<Metadata> open(const std::string& path);

  Result<sql::Transaction> transaction() { return db_.transaction(); }
  Result<int> schema_version();
  // "ok", or SQLite's list of problems.
  Result<std::string> integrity_check();
  sql::Database& db() { return db_; }

  // Images. put_image inserts or replaces the image with its layers and
  // manifests (names are kept). remove_image drops its names and labels too.
  Result<> put_image(const ImageRecord& image);
  Result<ImageRecord> get_image(std::string_view id);
  Result<std::vector<ImageRecord>> list_images();
  Result<> remove_image(std::string_view id);

  // Names. tag moves an existing reference to the new image, as `docker tag`
  // does; untag of an unknown reference is NotFound.
  Result<> tag(std::string_view reference, std::string_view image_id);
  Result<> untag(std::string_view reference);
  Result<std::string> resolve_name(std::string_view reference);
  Result<std::vector<std::string>> names_of(std::string_view image_id);

  // Layers. put_layer inserts or updates (e.g. a new unpacked path).
  Result<> put_layer(const LayerRecord& layer);
  Result<LayerRecord> layer_by_chain_id(std::string_view chain_id);
  Result<std::vector<std::string>> images_using_layer(std::string_view chain_id);
  // Layers no image uses and no other layer builds on: safe to delete.
  Result<std::vector<LayerRecord>> unused_layers();
  Result<> remove_layer(std::string_view chain_id);

  // Containers. A taken name is AlreadyExists.
  Result<> create_container(const ContainerRecord& c);
  Result<ContainerRecord> get_container(std::string_view id);
  Result<ContainerRecord> container_by_name(std::string_view name);
  Result<std::vector<ContainerRecord>> list_containers();
  Result<> set_container_state(std::string_view id, std::string_view state_json);
  Result<> remove_container(std::string_view id);
  // A taken name is AlreadyExists, as in create_container.
  Result<> rename_container(std::string_view id, std::string_view name);

  // Labels: string key/values attached to (scope, owner), e.g. ("image", id).
  Result<> set_label(std::string_view scope, std::string_view owner, std::string_view key, std::string_view value);
  Result<std::map<std::string, std::string>> labels(std::string_view scope, std::string_view owner);
  Result<> remove_labels(std::string_view scope, std::string_view owner);

  // Every blob digest the database refers to (image configs, manifests,
  // layer blobs), for garbage collection.
  Result<std::vector<std::string>> referenced_blobs();

 private:
  explicit Metadata(sql::Database db) : db_(std::move(db)) {}
  Result<> migrate();
  Result<> fill_image(ImageRecord& image);

  sql::Database db_;
};

}  // namespace hako::store
