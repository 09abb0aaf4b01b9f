// --tmpfs mounts as Docker makes them: noexec,nosuid,nodev,rprivate unless
// the user's options say otherwise, merged by moby/sys/mount's rules (a
// later flag of the same kind wins: "exec" cancels "noexec"; a later
// size= wins over an earlier one; only size, mode, uid, gid, nr_inodes,
// nr_blocks and mpol data options are allowed).
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace hako::engine {

// MergeTmpfsOptions: "invalid tmpfs option \"x\"" for unknown ones.
Result<std::vector<std::string>> merge_tmpfs_options(const std::vector<std::string>& options);

// The options of a --tmpfs mount: Docker's defaults followed by `user_options`
// (comma separated, may be empty), merged.
Result<std::vector<std::string>> tmpfs_mount_options(const std::string& user_options);

// An absolute path that is not "/" (the daemon's ValidateTmpfsMountDestination).
Result<> validate_tmpfs_destination(const std::string& destination);

}  // namespace hako::engine
