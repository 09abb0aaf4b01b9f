// Snapshots: unpacked layers, shared read-only by every image that has
// them, and the writable root filesystems of containers made from them.
//
// On disk, under the store root:
//   layers/<chain-id hex>/       one layer, unpacked once per chain id
//   snapshots/<key>/             one container's writable layer
//   driver                       "overlay" or "vfs", fixed once layers exist
//
// Two drivers, as Docker has:
//   overlay  a layer directory holds only that layer's changes, with
//            whiteouts written as overlayfs reads them (char 0:0 devices,
//            trusted.overlay.opaque); a container gets upper/ and work/ and
//            its rootfs is an overlay mount on merged/.
//   vfs      where overlayfs cannot be mounted (inside some containers, on
//            some filesystems): a layer directory is the whole tree up to
//            that layer (a copy of its parent with the layer applied), and a
//            container's rootfs is a plain copy of its top layer.
// Which one a store uses is probed once (a real overlay mount in tmp/) and
// written to `driver`; a layer tree of one driver means nothing to the other.
//
// Every layer is unpacked into layers/.tmp-* and renamed into place when
// whole, so a killed unpack leaves only a temp dir that the next open
// removes, never a half layer under its chain id.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "layer/apply.h"

namespace hako::layer {

enum class Driver { Overlay, Vfs };
std::string_view to_string(Driver d);
Result<Driver> parse_driver(std::string_view name);

class Snapshots {
 public:
  // Opens (creating directories) the snapshot store under `root`. `wanted`
  // forces a driver (Vfs always works; Overlay fails when it cannot be
  // mounted); a store that already has layers of the other driver is
  // Conflict.
  static Result<Snapshots> open(const std::string& root, std::optional<Driver> wanted = std::nullopt);

  Driver driver() const { return driver_; }
  const std::string& root() const { return root_; }
  std::string layer_dir(const std::string& chain_id) const;
  bool has_layer(const std::string& chain_id) const;

  // Unpacks the layer blob at `blob_path` as `chain_id` above `parent`
  // (nullopt for a base layer; it must already be unpacked). When
  // `expected_diff_id` is given the uncompressed tar must hash to it, or
  // the layer is refused (InvalidArgument) and nothing is kept. A chain id
  // already present is left as it is.
  Result<ApplyStats> unpack(const std::string& chain_id, const std::optional<std::string>& parent,
                            const std::string& blob_path, const std::optional<std::string>& expected_diff_id);
  Result<> remove_layer(const std::string& chain_id);

  // Container root filesystems, keyed by a container id. `layers` are chain
  // ids, base first (empty: an image with no layers).
  // prepare makes the writable layer (vfs: copies the top layer);
  // mount returns the path of the ready rootfs (overlay: mounts merged/);
  // unmount and remove undo them. remove unmounts first and is fine to call
  // on a key that does not exist.
  Result<> prepare(const std::string& key, const std::vector<std::string>& layers);
  Result<std::string> mount(const std::string& key, const std::vector<std::string>& layers);
  Result<> unmount(const std::string& key);
  Result<> remove(const std::string& key);
  std::string snapshot_dir(const std::string& key) const;

  // A read-only view of an image's merged filesystem at `target` (an
  // existing empty directory), for readers such as `hako scan` that need no
  // container: vfs and one-layer images return the top layer directory
  // itself (nothing mounted); otherwise a lower-only overlay is mounted on
  // `target`, which the caller unmounts (or makes in a private mount
  // namespace, so the kernel drops it with the process).
  Result<std::string> mount_readonly_view(const std::vector<std::string>& layers, const std::string& target);
  // The directory holding the container's changes: upper/ (overlay) or
  // the whole rootfs copy (vfs), for diff, export and commit.
  std::string changes_dir(const std::string& key) const;

 private:
  Snapshots(std::string root, Driver d) : root_(std::move(root)), driver_(d) {}
  std::string root_;
  Driver driver_;
};

// True when an overlay mount works in `scratch` (made and removed here).
bool overlay_works(const std::string& scratch);

}  // namespace hako::layer
