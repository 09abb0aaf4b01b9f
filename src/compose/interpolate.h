// Compose's variable interpolation, .env files and shell-word splitting.
//
// Interpolation (compose-spec 12-interpolation.md, compose-go's template
// package): $NAME and ${NAME} with NAME = [_a-zA-Z][_a-zA-Z0-9]*;
// ${NAME:-default} ${NAME-default} ${NAME:?err} ${NAME?err} ${NAME:+repl}
// ${NAME+repl}, the word itself interpolated (nesting); $$ is a literal $;
// a $ not followed by a name or `{` stays as typed. An unset variable
// without a default becomes "" with a warning. Unlike Dockerfile expansion
// (build/shell) there are no quotes and no escapes other than $$.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace hako::compose {

using Lookup = std::function<std::optional<std::string>(const std::string&)>;

// Errors: `required variable NAME is missing a value: err`, `invalid
// interpolation format for "...": ...`. Warnings (unset variables) are
// appended to `warnings` when given.
Result<std::string> interpolate(std::string_view s, const Lookup& lookup,
                                std::vector<std::string>* warnings = nullptr);

// One .env file as Compose reads it: KEY=VALUE lines, `#` comments, an
// optional `export ` prefix; 'single quoted' values are literal, "double
// quoted" ones know \n \t \\ \" escapes and may span lines; unquoted values
// are trimmed and lose a ` #comment`. Double-quoted and unquoted values are
// interpolated against `lookup` then the file's earlier keys. A line with a
// bare KEY takes the value from `lookup` (skipped when unset).
using EnvList = std::vector<std::pair<std::string, std::string>>;
Result<EnvList> parse_env_file(std::string_view text, const std::string& what, const Lookup& lookup);

// Splits a command line as go-shellwords does (Compose's `command: a b`):
// whitespace separates words, '...' is literal, "..." groups, \ escapes the
// next character (outside single quotes). Unterminated quotes are an error.
Result<std::vector<std::string>> split_shell_words(std::string_view s);

}  // namespace hako::compose
