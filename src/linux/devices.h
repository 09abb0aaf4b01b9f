// Device nodes in the container's /dev: the defaults every container gets
// (null, zero, full, random, urandom, tty), linux.devices, and the standard
// symlinks. In a user namespace mknod is not allowed, so the host's node is
// bind-mounted instead, as runc does.
#pragma once

#include <vector>

#include "base/error.h"
#include "oci/spec.h"

namespace hako::linux {

const std::vector<oci::Device>& default_devices();

Result<> create_devices(int root_fd, const std::vector<oci::Device>& devices, bool bind_instead_of_mknod);
Result<> create_dev_symlinks(int root_fd);

}  // namespace hako::linux
