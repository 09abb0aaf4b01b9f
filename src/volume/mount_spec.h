// -v/--volume and --mount, parsed as Docker does: the CLI's opts.MountOpt
// (docker/cli opts/mount.go, the v25-v28 keys) for --mount, and the daemon's
// linux parser (moby volume/mounts/linux_parser.go, validate.go) for -v and
// for validating both. Errors carry Docker's messages.
//
// -v never looks at the filesystem: a missing bind source is the caller's to
// create, as Docker does. --mount type=bind requires the source to exist.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace hako::volume {

struct MountSpec {
  enum Type { Volume, Bind, Tmpfs } type = Volume;
  std::string source;   // volume name ("" = anonymous) or absolute, cleaned host path
  std::string target;   // absolute, cleaned
  bool readonly = false;
  std::string propagation;  // "" or rprivate|private|rshared|shared|rslave|slave (binds only)
  bool nocopy = false;      // volume-nocopy / "nocopy"
  bool bind_nonrecursive = false;
  std::map<std::string, std::string> volume_opts;    // --mount volume-opt=k=v
  std::map<std::string, std::string> volume_labels;  // --mount volume-label=k=v
  std::string volume_driver;  // "" or "local"
  int64_t tmpfs_size = 0;     // bytes, 0 unset
  std::optional<uint32_t> tmpfs_mode;
  std::string selinux;  // "z" or "Z" accepted and kept

  bool operator==(const MountSpec&) const = default;
};

// "/path" (anonymous volume), "name:/path", "/host:/path", each with an
// optional ":mode" (comma list: rw|ro, z|Z, nocopy, one propagation for
// binds, and Docker's ignored consistency modes).
Result<MountSpec> parse_volume_flag(const std::string& value);
// "type=bind,source=/x,target=/y,readonly", a CSV record as Go's
// encoding/csv reads it (so "volume-opt=o=a,b" must be quoted whole).
Result<MountSpec> parse_mount_flag(const std::string& value);

// The local driver's names: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (Docker's messages).
Result<> validate_volume_name(std::string_view name);

}  // namespace hako::volume
