// How the daemon combines the run flags with the image's config
// (moby's daemon/commit.go merge(), mergeAndVerifyConfig,
// getEntrypointAndArgs, CreateDaemonEnvironment).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "engine/spec/run_options.h"
#include "oci/image_spec.h"

namespace hako::engine {

// The process argv. Docker's rules:
//   no --entrypoint:       image Entrypoint + (COMMAND if given, else image Cmd)
//   --entrypoint X:        X + COMMAND (image Cmd is dropped)
//   --entrypoint "":       COMMAND alone (image Entrypoint and Cmd dropped)
// An image Entrypoint of [""] counts as none. Nothing left: "no command specified".
Result<std::vector<std::string>> container_args(const std::optional<std::string>& entrypoint_flag,
                                                const std::vector<std::string>& command,
                                                const oci::ContainerConfig& image);

// The user's env merged over the image's (image entries whose key the user
// set are dropped; the rest follow the user's), laid over
// PATH=<default>, HOSTNAME=<hostname>, TERM=xterm (with a tty). A user
// entry "KEY" without "=" removes KEY.
std::vector<std::string> container_env(const std::vector<std::string>& user_env,
                                       const std::vector<std::string>& image_env, const std::string& hostname, bool tty);

inline constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// The healthcheck the container runs: the flags' settings over the image's
// (each zero field taken from the image). nullopt: none. --no-healthcheck
// gives test ["NONE"], which like an image's ["NONE"] means disabled.
std::optional<oci::HealthConfig> merge_healthcheck(const HealthFlags& flags,
                                                   const std::optional<oci::HealthConfig>& image);
bool healthcheck_disabled(const std::optional<oci::HealthConfig>& h);

// The daemon's defaults for zero healthcheck fields (nanoseconds).
inline constexpr int64_t kDefaultHealthInterval = 30'000'000'000;
inline constexpr int64_t kDefaultHealthTimeout = 30'000'000'000;
inline constexpr int64_t kDefaultHealthStartInterval = 5'000'000'000;
inline constexpr int kDefaultHealthRetries = 3;

}  // namespace hako::engine
