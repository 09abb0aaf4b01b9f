// YAML documents for Compose files, read with libyaml.
//
// A file becomes one JSON value (plain scalars typed as YAML 1.2's core
// schema: null, true/false, integers, floats; quoted scalars stay strings),
// with aliases expanded, merge keys `<<` applied (explicit keys win), and a
// side table of the line (1-based) each value starts on, keyed by its dotted
// path ("services.web.ports[0]"), so validation can name the line.
// The Compose tags `!reset` and `!override` are recorded by path; a `!reset`
// value is removed from the document (merge drops the key afterwards).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/json.h"

namespace hako::compose {

struct YamlDoc {
  Json value;                          // null for an empty file
  std::map<std::string, int> lines;    // path -> line ("" is the root)
  std::set<std::string> reset_paths;   // values tagged !reset (removed)
  std::set<std::string> override_paths;  // values tagged !override
};

// `what` names the file in errors: "compose.yaml:3: mapping values are not allowed".
Result<YamlDoc> parse_yaml(std::string_view text, const std::string& what);

// A path's child: "a.b" + "c" = "a.b.c"; "" + "c" = "c".
std::string path_key(const std::string& parent, const std::string& key);
std::string path_index(const std::string& parent, size_t i);

// Renders a JSON model as block YAML (for `config`).
std::string to_yaml_text(const Json& value);

}  // namespace hako::compose
