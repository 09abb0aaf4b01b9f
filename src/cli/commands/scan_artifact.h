// What `hako scan` and `hako sbom` read: an image in the store, a directory
// (--rootfs) or an image archive (--input), turned into the report's
// inventory. Shared by scan_cmd.cc and sbom (same flags, same errors).
#pragma once

#include <string>

#include "cli/command.h"
#include "scan/report/model.h"

namespace hako::cli {

// The image's merged filesystem is mounted read-only in a private mount
// namespace of this process (so nothing outlives it, even on a crash) and
// unmounted before returning; an archive is loaded into a throw-away store
// under ROOT/tmp that is removed afterwards.
Result<scan::report::Inventory> inventory_of_artifact(Context& ctx, const ParsedFlags& p);

// Exactly one of IMAGE, --rootfs and --input: checked before slower work.
Result<> check_artifact_args(const ParsedFlags& p);

// The flags that name the artifact, for both commands.
std::vector<Flag> artifact_flags();

}  // namespace hako::cli
