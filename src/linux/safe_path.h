// Opening paths inside a container's rootfs without ever leaving it.
//
// Every lookup goes through openat2(RESOLVE_IN_ROOT) on a directory fd of the
// rootfs, so a symlink planted in the image ("/etc -> /host/etc", or
// "../../..") resolves as if the rootfs were "/". This is what keeps mount
// targets, the working directory and device nodes inside the container (the
// CVE-2024-21626 class of bugs).
#pragma once

#include <string>

#include "base/error.h"
#include "base/fd.h"

namespace hako::linux {

enum class Create { Nothing, Directory, File };

// Opens `path` (absolute or relative, inside the root) as O_PATH. With
// Create::Directory/File, missing parents are made as directories and the
// last component as asked. The result names the resolved object.
Result<UniqueFd> open_in_root(int root_fd, const std::string& path, Create create);

// "/proc/self/fd/N": the name that mount(2) and friends take for an fd.
std::string fd_path(int fd);

}  // namespace hako::linux
