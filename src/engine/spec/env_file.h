// Docker's line-delimited KEY=VALUE files (--env-file, --label-file), as
// docker/cli's pkg/kvfile reads them: UTF-8 only, a BOM dropped, leading
// whitespace dropped, "#" lines and blank lines skipped, values kept as-is
// (no quotes, no interpolation, trailing whitespace preserved). A line with
// a KEY alone takes its value from `lookup`; when the lookup has nothing
// (or there is no lookup, as for labels) the key is left out.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace hako::engine {

// A variable of the caller's environment, or nullopt when it is unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& key)>;

// getenv(3).
std::optional<std::string> process_env(const std::string& key);

// Parses file content. Errors are the inner kvfile ones ("variable 'a b'
// contains whitespaces"); parse_kv_file adds the file name.
Result<std::vector<std::string>> parse_kv_lines(std::string_view content, const EnvLookup& lookup);

// Reads and parses a file: "invalid env file (PATH): ..." (Docker says "env"
// for label files too), or "open PATH: No such file or directory".
Result<std::vector<std::string>> parse_kv_file(const std::string& path, const EnvLookup& lookup);

// Reads a whole file; errors in Go's words ("open PATH: no such file or
// directory"), as Docker prints them.
Result<std::string> read_file_go(const std::string& path);

// opts.ValidateEnv for one -e value: KEY=VAL as is; KEY alone becomes
// KEY=VAL from `lookup` or stays KEY (which unsets KEY in the container).
Result<std::string> expand_env_flag(const std::string& value, const EnvLookup& lookup);

}  // namespace hako::engine
