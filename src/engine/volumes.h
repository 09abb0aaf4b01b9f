// A container's volumes and bind mounts, as the engine makes them at create:
// -v and --mount (volume/mount_spec.h) and the image's VOLUMEs become OCI
// mounts; named volumes are created on first use, the image's VOLUMEs and
// `-v /path` get anonymous ones; a new volume mounted over a non-empty image
// directory is first filled with the image's content (Docker's copy-up)
// unless nocopy is asked. What the container uses is kept in run_options
// "volumes", for `rm -v`, `volume rm` and `volume prune`.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "oci/spec.h"
#include "store/metadata.h"

namespace hako::engine {

struct ResolvedMounts {
  std::vector<oci::Mount> mounts;
  // [{"Name", "Destination", "RW", "Anonymous", "Type"}]: inspect's Mounts
  // and the volumes the container holds.
  Json used = Json::array();
  // New volumes to fill from the image: {data dir, destination}.
  std::vector<std::pair<std::string, std::string>> copy_up;
};

// -v values, --mount values and the image's Volumes keys, for the store at
// `engine_root`. Creates the volumes it needs (they stay if create fails
// later, as Docker's do) and missing -v bind sources.
Result<ResolvedMounts> resolve_mounts(store::Metadata& db, const std::string& engine_root,
                                      const std::vector<std::string>& volume_flags,
                                      const std::vector<std::string>& mount_flags,
                                      const std::vector<std::string>& image_volumes);

// Docker's copy-up: each new volume gets the content of its destination in
// the mounted `rootfs` (owners, modes, xattrs kept; the destination resolved
// inside the rootfs, never through a symlink out of it). A destination the
// image lacks or has empty leaves the volume empty.
Result<> copy_up_volumes(const std::string& rootfs, const ResolvedMounts& resolved);

// The names of the volumes a container's run_options say it uses, and which
// of them are anonymous.
std::vector<std::pair<std::string, bool>> container_volumes(const Json& run_options);

class Engine;
// --volumes-from CONTAINER[:ro|rw]: -v values for the volumes and binds of
// that container (read-only when asked, else as they are there).
Result<std::vector<std::string>> volumes_from(Engine& eng, const std::vector<std::string>& specs);

// The ids of the containers (running or not) that use volume `name`.
Result<std::vector<std::string>> volume_users(Engine& eng, const std::string& name);

// rm -v and --rm: the anonymous volumes of a removed container (its
// run_options, read before it went) that no other container uses.
Result<> remove_anonymous_volumes(Engine& eng, const Json& run_options);

}  // namespace hako::engine
