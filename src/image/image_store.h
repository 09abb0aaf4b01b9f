// ImageStore: images as hako keeps them, on top of the blob store, the
// metadata database and the layer snapshots. Every command that reads or
// changes images (pull, push, load, save, import, images, rmi, run) goes
// through it.
//
// An image is keyed by its config digest (its id, as in Docker). Its layers
// are recorded by chain id and unpacked once; names are full references
// ("docker.io/library/busybox:latest"), and repository digests are kept as
// names too ("docker.io/library/busybox@sha256:..."), so `images --digests`
// and pulls by digest find them.
//
// Adding an image is all-or-nothing for the database: layers are unpacked
// first (each atomically, see layer/snapshots.h), then one transaction
// records layers, image, manifests and names. Blob writers hold the GC
// writer lock (store/gc.h) until that commit.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "image/platform.h"
#include "layer/snapshots.h"
#include "oci/image_spec.h"
#include "store/blob_store.h"
#include "store/metadata.h"

namespace hako::image {

struct StoreOptions {
  std::optional<layer::Driver> driver;  // default: overlay when it works
};

// What add_image reports per layer as it goes (for progress lines).
struct LayerEvent {
  std::string diff_id;
  std::string blob_digest;
  enum Kind { AlreadyExists, Extracting, Extracted } kind;
};
using LayerCallback = std::function<void(const LayerEvent&)>;

struct AddedImage {
  std::string id;               // config digest
  std::string manifest_digest;  // the platform manifest
  bool is_new = false;          // the image was not in the store before
};

// chain id of layer n = sha256(chain(n-1) + " " + diff_id(n)), base = its diff id.
std::vector<std::string> chain_ids(const std::vector<std::string>& diff_ids);

// "sha256:<64 hex>" → the 12-hex short id Docker shows.
std::string short_id(std::string_view id);

class ImageStore {
 public:
  static Result<ImageStore> open(const std::string& root, const StoreOptions& options = {});

  const std::string& root() const { return root_; }
  store::BlobStore& blobs() { return blobs_; }
  store::Metadata& db() { return db_; }
  layer::Snapshots& snapshots() { return snapshots_; }

  // Records the image whose manifest (or index: the manifest for `platform`
  // is chosen) is the blob `top`; its config and layer blobs must be in the
  // blob store. Layers not yet unpacked are unpacked (their diff ids
  // checked). `names` are given to the image (moved from any other image,
  // as `docker tag` does); repository digests are recorded for the
  // repositories of `repo_names` with the digest of `top`.
  Result<AddedImage> add_image(const store::Digest& top, std::string_view media_type, const Platform& platform,
                               const std::vector<std::string>& names, const std::vector<std::string>& repo_names,
                               const LayerCallback& on_layer = {},
                               const std::map<std::string, int64_t>* unpacked_sizes = nullptr);

  // Picks the manifest for `platform` from an index blob (nested indexes
  // followed), or returns `top` itself for a manifest.
  Result<oci::Descriptor> select_manifest(const store::Digest& top, std::string_view media_type,
                                          const Platform& platform);

  // Finds an image by what a user typed: a reference ("busybox",
  // "busybox:1.36", "x@sha256:..."), a full id ("sha256:<hex>") or a unique
  // id prefix. NotFound is "No such image: <text>".
  Result<store::ImageRecord> find(std::string_view text);

  Result<oci::ImageConfig> config(const store::ImageRecord& image);
  Result<std::string> config_bytes(const store::ImageRecord& image);
  // The image's platform manifest (the first recorded non-index one).
  Result<oci::Manifest> manifest(const store::ImageRecord& image, std::string* digest = nullptr);

  // Tags that point at the image, and its repository digests.
  static std::vector<std::string> tags_of(const store::ImageRecord& image);
  static std::vector<std::string> digests_of(const store::ImageRecord& image);

  // `docker rmi`: a name given removes that name; the image goes when its
  // last name does (or when given by id). An image with several names,
  // given by id, needs force. Images used by containers are Conflict.
  // Returns Docker's lines: "Untagged: x", "Deleted: sha256:...".
  Result<std::vector<std::string>> remove(std::string_view text, bool force);

  // Removes the image's rows and every layer nothing else uses, then the
  // blobs that nothing references. Returns the removed layer chain ids.
  Result<std::vector<std::string>> delete_image(const std::string& id);

  // Layers (rows and trees) that no image uses, then unreferenced blobs.
  Result<uint64_t> collect_garbage(std::vector<std::string>* removed_layers = nullptr);

  // Total size of an image's layers (what `docker images` shows).
  Result<int64_t> image_size(const store::ImageRecord& image);

 private:
  ImageStore(std::string root, store::BlobStore blobs, store::Metadata db, layer::Snapshots snaps)
      : root_(std::move(root)), blobs_(std::move(blobs)), db_(std::move(db)), snapshots_(std::move(snaps)) {}

  std::string root_;
  store::BlobStore blobs_;
  store::Metadata db_;
  layer::Snapshots snapshots_;
};

}  // namespace hako::image
