// A faithful recursive copy of a directory tree, for the storage driver that
// cannot use overlayfs (each layer, and each container's rootfs, is then a
// whole copy, as Docker's vfs driver does).
//
// Kept: file types (regular, directory, symlink, device, fifo), modes
// including setuid/setgid/sticky, owners, xattrs, mtimes (nanoseconds), and
// hardlinks within the tree. Sockets are skipped. Nothing is followed: a
// symlink is copied as a symlink.
#pragma once
#include <string>

#include "base/error.h"

namespace hako::layer {

// Copies the contents of directory `from` into the existing empty directory
// `to`, and gives `to` the mode, owner and mtime of `from`.
Result<> copy_tree(const std::string& from, const std::string& to);

}  // namespace hako::layer
