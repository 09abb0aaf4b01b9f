// A tar of one file or directory tree: what `cp` moves between a container
// and the host (Docker's TarResource), as opposed to a layer's changes.
//
// Contract:
//  - The entry `name` of the directory `dirfd` ("." for dirfd itself) is
//    written under the member name `top`, and, for a directory, everything
//    below it as "top/rel/path" (parents before children, names sorted).
//  - Nothing is followed: the walk opens every directory with O_NOFOLLOW
//    below the fd it came from, so a symlink is archived as a symlink and a
//    tree that changes meanwhile (a running container) cannot redirect the
//    walk elsewhere.
//  - Entries record numeric owners, modes, whole-second mtimes (as Docker
//    and layers do), symlink targets, devices, xattrs (overlayfs's own
//    trusted.overlay.* excepted) and hardlinks within the tree. Sockets
//    are skipped. No padding after the end blocks, so the byte count is
//    what Docker's `cp` reports ("2.05kB" for one small file).
#pragma once
#include <cstdint>
#include <string>

#include "base/error.h"

namespace hako::layer {

// Returns the number of bytes written to `out_fd`.
Result<uint64_t> write_resource_tar(int dirfd, const std::string& name, const std::string& top, int out_fd);

}  // namespace hako::layer
