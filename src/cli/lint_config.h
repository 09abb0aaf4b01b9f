// The linter's settings as `hako lint` and `hako build` find them: the config
// file (`config_flag`, or the first of Hadolint's search path), then the
// HADOLINT_* environment.
#pragma once

#include <string>

#include "base/error.h"
#include "lint/linter.h"

namespace hako::cli {

Result<lint::Config> load_lint_config(const std::string& config_flag);

}  // namespace hako::cli
