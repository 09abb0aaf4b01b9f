// COPY --chown: a user[:group] resolved in the image being built.
#pragma once
#include <string>

#include "base/error.h"
#include "build/copy_files.h"

namespace hako::build {

// "" → 0:0 (COPY's default, whatever USER says). A name is looked up in the
// rootfs's /etc/passwd (its primary group) and /etc/group; a number alone
// is used for both, as BuildKit does.
Result<CopyOwner> resolve_chown(const std::string& rootfs, const std::string& spec);

}  // namespace hako::build
