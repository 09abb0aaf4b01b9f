// The Compose application model: files + options in, the normalised model
// out, shaped as `docker compose config --format json` prints it.
//
// load_project follows the compose-spec chapters in /work/shared/specs/compose:
//   1. find the files (-f, COMPOSE_FILE, or compose.yaml & co. in the working
//      directory and its parents, plus the matching override file);
//   2. the environment: the process environment wins over the .env /
//      --env-file values;
//   3. per file: YAML (anchors, aliases, `<<`), interpolation of values,
//      validation against compose-spec.json (errors name file:line: path),
//      short syntaxes rewritten to long ones, relative paths made absolute;
//   4. the files merged in order (13-merge.md, !reset / !override);
//   5. include (14-include.md), extends, profiles (15-profiles.md);
//   6. defaults (networks.default, resource names PROJECT_KEY, build
//      dockerfile, depends_on conditions), env_file read into environment,
//      and consistency checks (depends_on targets, cycles, container names,
//      undefined volumes/networks/secrets/configs).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"

namespace hako::compose {

struct LoadOptions {
  std::vector<std::string> files;      // -f, in order
  std::string working_dir;             // --project-directory
  std::string project_name;            // -p
  std::vector<std::string> env_files;  // --env-file
  std::vector<std::string> profiles;   // --profile (COMPOSE_PROFILES is added)
  // Services named on the command line (`up web`, `run tool`): enabled
  // whatever their profiles, as Compose does.
  std::vector<std::string> enabled_services;
  // The process environment; unset: nothing is set.
  std::function<std::optional<std::string>(const std::string&)> environ;
};

struct Project {
  std::string name;
  std::string working_dir;
  Json model;  // normalised, with "name"
  std::vector<std::string> warnings;
};

Result<Project> load_project(const LoadOptions& opts);

// `docker compose config` default output.
std::string to_yaml(const Json& model);

// Lowercase, only [a-z0-9_-], no leading '_' or '-' (Compose's rule for a
// project name derived from a directory).
std::string normalize_project_name(std::string_view s);

// Merges override file `over` into `base` by 13-merge.md (exposed for tests;
// both already in long syntax). `reset`/`override` are `over`'s tagged paths.
Json merge_models(const Json& base, const Json& over, const std::vector<std::string>& reset = {},
                  const std::vector<std::string>& override = {});

// Short syntaxes (exposed for tests). Errors are InvalidArgument.
Result<Json> parse_port(const Json& spec);          // array of long-form ports
Result<Json> parse_volume(const std::string& spec, const std::string& base_dir);

}  // namespace hako::compose
