// Platforms ("linux/amd64", "linux/arm64/v8") as containerd's platforms
// package understands them, so `--platform` and the choice of a manifest
// from an image index agree with Docker.
//
// Normalization folds the many spellings of one architecture into the OCI
// name: x86_64 -> amd64, aarch64 -> arm64 (variant v8 dropped: it is the only
// arm64 baseline), armhf -> arm/v7, armel -> arm/v6, bare arm -> arm/v7,
// i386 -> 386, macos -> darwin. Matching always compares normalized forms.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace hako::image {

struct Platform {
  std::string os;            // "linux"
  std::string architecture;  // "amd64"
  std::string variant;       // "v8", or empty

  // "os/arch" or "os/arch/variant", the form --platform takes.
  std::string string() const;

  bool operator==(const Platform&) const = default;
};

// Parses a --platform specifier as containerd's platforms.Parse does:
// "linux/arm64/v8" keeps the variant the user wrote (arm64 with no variant
// becomes v8); "os/arch" drops the default arm/v7 variant; a single part is
// an OS (architecture: this machine's) or an architecture (OS: linux), and
// anything unknown is refused. Errors are InvalidArgument with containerd's
// messages ("\"foo\": unknown operating system or architecture: invalid
// argument").
Result<Platform> parse_platform(std::string_view specifier);

// The canonical form used for comparison (see the file comment).
Platform normalize_platform(Platform p);

// The platform of this machine, from uname: linux/amd64 on x86-64.
Platform default_platform();
// What default_platform() reports for a uname machine string ("x86_64",
// "aarch64", "armv7l"); split out so tests need no such hardware.
Platform platform_for_machine(std::string_view machine);

// True when `have` is exactly `want` once both are normalized.
bool platform_matches(const Platform& want, const Platform& have);

// Platforms a machine of `want` can run, best first (containerd's
// platforms.Only): amd64/vN also runs amd64/v(N-1)..v1 and 386; arm/vN runs
// arm/v(N-1)..v5; arm64 runs arm/v8..v5.
std::vector<Platform> compatible_platforms(const Platform& want);

// Index into `candidates` (the platforms of an image index's manifests, in
// index order) of the one to use for `want`: the best-ranked compatible
// platform, the earliest entry among equals. nullopt if none can run.
std::optional<size_t> select_platform(const Platform& want, std::span<const Platform> candidates);

}  // namespace hako::image
