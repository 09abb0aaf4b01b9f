// A container's filesystem for `hako cp`: the three things Docker's daemon
// does for it (stat a path, archive a path, extract an archive into a
// directory), on a running or a stopped container. The command line
// (cli/commands/copy_cmds.cc) does the rest, as Docker's client does.
//
// Paths are read the way Docker reads them (engine/copy_paths.h): relative
// to "/", ".." stopping at "/", every symlink before the last component
// followed inside the container's root, never the host's. All access goes
// through a directory fd of the root and openat2(RESOLVE_IN_ROOT), so even a
// running container that swaps a directory for a symlink meanwhile cannot
// point a copy outside its root.
#pragma once
#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "base/error.h"
#include "base/fd.h"
#include "base/lock.h"
#include "engine/containers.h"

namespace hako::engine {

// What Docker's HEAD /containers/{id}/archive reports for a path.
struct PathStat {
  std::string name;  // the path's base name
  mode_t mode = 0;   // st_mode of the path itself (a symlink is not followed)
  int64_t size = 0;
  std::string link_target;  // for a symlink: its target fully resolved in the container
};

class ContainerFs {
 public:
  // Opens the root filesystem of container `id` (`shown` is the name the
  // user gave, for messages). A running container's mounted rootfs is used
  // as it is, so what is copied in is seen at once by its processes; a
  // stopped one is mounted here, under the container's lock so that it
  // cannot be started meanwhile, and unmounted when this object goes.
  static Result<ContainerFs> open(Engine& engine, const std::string& id, const std::string& shown);
  ContainerFs(ContainerFs&&) noexcept;
  ContainerFs& operator=(ContainerFs&&) = delete;
  ~ContainerFs();

  // lstat of `path`; NotFound is "Could not find the file PATH in container NAME".
  Result<PathStat> stat(const std::string& path);
  // Writes `path` (and all below it) as a tar to `fd`, its top entry named
  // `top` (empty: the path's base name, "." for "dir/."). Returns bytes.
  Result<uint64_t> archive(const std::string& path, const std::string& top, int fd);
  // Unpacks the tar on `fd` into the existing directory `dir` (symlinks
  // followed in the container). Owners are the archive's with
  // `keep_owners` (cp -a), else root's. Returns the tar's size.
  Result<uint64_t> extract(const std::string& dir, int fd, bool keep_owners);

 private:
  ContainerFs(Engine& engine, std::string id, std::string shown)
      : engine_(&engine), id_(std::move(id)), shown_(std::move(shown)) {}
  // An existing path: the directory holding its last component (resolved
  // in the root), that component ("." for the directory itself, when the
  // path ends in "/" or "/.") and its lstat.
  struct Located {
    UniqueFd dir;
    std::string resolved_dir;
    std::string entry;
    struct stat st {};
  };
  Result<Located> locate(const std::string& abs, const std::string& shown_path);
  std::unexpected<Error> not_found(const std::string& path) const;

  Engine* engine_;
  std::string id_, shown_;
  UniqueFd root_;
  bool read_only_ = false;
  bool mounted_here_ = false;
  std::optional<FileLock> lock_;
};

}  // namespace hako::engine
