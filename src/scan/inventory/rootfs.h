// Reading files of an unpacked image root without ever leaving it.
//
// An image's rootfs is untrusted: it may hold absolute symlinks
// (/var/lib/rpm -> /usr/lib/sysimage/rpm) and links aiming at the host
// (/etc/os-release -> ../../../../etc/shadow). Paths are therefore resolved
// here component by component, the way the kernel would if `root` were "/":
// absolute targets restart at root, ".." stops at root, at most 40 links.
// Only the final open is done by the kernel, with O_NOFOLLOW, so a link that
// appears between resolution and open is refused rather than followed.
// (Images are unpacked by hako and not modified while scanned; this is
// defence in depth, not a guarantee against a concurrent writer moving
// directories.)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace hako::scan {

// Host path of `path` (inside the image, leading '/' optional) under host
// directory `root`, with every symlink resolved within root; nullopt when
// a component is missing or a non-directory is walked through. Errors:
// symlink loops (ELOOP) and lstat/readlink failures other than ENOENT/ENOTDIR.
Result<std::optional<std::string>> resolve_in_root(const std::string& root, std::string_view path);

// The contents of the regular file at `path`; nullopt when it does not
// exist. A directory, device or FIFO there is an error (InvalidArgument), as
// is a file larger than max_bytes (a database that size is not one we read).
Result<std::optional<std::string>> read_in_root(const std::string& root, std::string_view path,
                                                size_t max_bytes = size_t{1} << 28);

// The entry names of the directory at `path`, sorted, without "." and "..";
// nullopt when it does not exist; an error when it is not a directory.
Result<std::optional<std::vector<std::string>>> list_in_root(const std::string& root,
                                                             std::string_view path);

}  // namespace hako::scan
