// Linting a Dockerfile: the model, every rule that is not ignored, severity
// overrides, the ignore pragmas, and the failure threshold, with Hadolint's
// configuration (its .hadolint.yaml keys, its search path and its
// HADOLINT_* environment variables), so existing setups keep working.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "lint/rule.h"

namespace hako::lint {

struct Config {
  RuleOptions rules;
  std::set<std::string> ignored;              // rule codes never reported
  std::map<std::string, Severity> overrides;  // code -> severity
  // Exit non-zero when a finding is at least this severe; nullopt: never
  // ("none"). Hadolint's default is info.
  std::optional<Severity> failure_threshold = Severity::Info;
  bool disable_ignore_pragma = false;
  bool no_fail = false;
  bool no_color = false;
  std::string format = "tty";
};

// Applies a .hadolint.yaml on top of `cfg`. Unknown keys and bad values are
// errors naming the file and the key.
Result<void> apply_config_yaml(std::string_view text, const std::string& what, Config* cfg);

// Applies NO_COLOR and HADOLINT_* variables.
Result<void> apply_environment(const std::function<const char*(const char*)>& getenv, Config* cfg);

// Where Hadolint looks for its configuration, first found wins:
// ./.hadolint.y[a]ml, $XDG_CONFIG_HOME/hadolint.y[a]ml,
// ~/.config/hadolint.y[a]ml, ~/.hadolint/hadolint.y[a]ml,
// ~/hadolint/config.y[a]ml, ~/.hadolint.y[a]ml.
std::optional<std::string> find_config_file(const std::string& cwd,
                                            const std::function<const char*(const char*)>& getenv);

// "--failure-threshold": error|warning|info|style|ignore|none.
Result<std::optional<Severity>> parse_threshold(std::string_view s);

// Lints one Dockerfile. `file` is the name findings carry.
std::vector<Finding> lint_text(std::string_view text, const std::string& file, const Config& cfg);

// Whether these findings fail the run under cfg's threshold and no-fail.
bool fails(const std::vector<Finding>& findings, const Config& cfg);

}  // namespace hako::lint
