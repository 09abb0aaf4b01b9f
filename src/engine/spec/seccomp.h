// Seccomp profiles in Docker's format, turned into runtime-spec linux.seccomp.
//
// Docker's format extends the runtime-spec one with conditions: archMap
// (the native architecture and its sub-architectures), and per-rule
// includes/excludes on capabilities (of the container's bounding set),
// architectures (Go's names: amd64, arm64, x32, ...) and minKernel ("4.8").
// convert_seccomp_profile() applies them as moby/profiles' setupSeccomp
// does: a rule is kept when every include holds and no exclude does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/json.h"

namespace hako::engine {

struct SeccompHost {
  std::string arch;  // libseccomp's native name as Docker uses it: "amd64", "arm64", "ppc64le", ...
  int kernel = 0, major = 0;  // "5.10.0-23-amd64" -> 5, 10
  static SeccompHost current();  // the build's architecture, uname's release
};

// Docker's default profile (the facts of moby/profiles seccomp/default.json)
// in Docker's format.
const Json& docker_default_seccomp_profile();

// Docker format -> runtime-spec. `bounding_caps` are the container's
// ("CAP_SYS_ADMIN"). Returns null JSON when the profile has neither a
// default action nor rules (Docker: seccomp disabled).
Result<Json> convert_seccomp_profile(const Json& profile, const std::vector<std::string>& bounding_caps,
                                     const SeccompHost& host);

// Parses Docker-format JSON text and converts it; errors read
// "Decoding seccomp profile failed: ...".
Result<Json> load_seccomp_profile(std::string_view text, const std::vector<std::string>& bounding_caps,
                                  const SeccompHost& host);

// "4.8" -> {4, 8}; Docker's "invalid kernel version" errors.
Result<std::pair<int, int>> parse_kernel_version(std::string_view v);

}  // namespace hako::engine
