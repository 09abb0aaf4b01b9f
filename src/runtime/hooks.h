// OCI hooks: each is executed with the container's state JSON on stdin, and
// killed when it outlives its timeout. A failing hook fails the step it
// belongs to (except poststop, whose failures are only logged).
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "oci/spec.h"
#include "oci/state.h"

namespace hako::runtime {

Result<> run_hooks(const std::vector<oci::Hook>& hooks, const oci::State& state, std::string_view kind);
// For poststart and poststop: a failing hook is logged as a warning and the
// remaining hooks still run, as the spec asks.
void run_hooks_warning_only(const std::vector<oci::Hook>& hooks, const oci::State& state, std::string_view kind);

}  // namespace hako::runtime
