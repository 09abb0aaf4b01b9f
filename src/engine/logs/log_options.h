// The user-facing values around logs, parsed the way Docker parses them:
// `docker logs --since/--until` and `--log-opt` for the json-file driver.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/error.h"
#include "engine/logs/log_writer.h"

namespace hako::engine::logs {

// A --since/--until value (Docker's timetypes.GetTimestamp) to unix nanos:
//  - a Go duration ("10m", "1h30m"): that long before `now_nanos`, whole
//    seconds (Docker sends the server a unix second);
//  - RFC 3339 and its prefixes: "2024-01-02", "2024-01-02T15", "...T15:04",
//    "...T15:04:05", "...T15:04:05.123456789", each optionally with "Z" or
//    "±hh:mm"; without a zone the local zone's offset at `now_nanos` applies;
//  - a unix timestamp "1700000000" or "1700000000.123".
// "0" is 0 (Docker: no filter). Errors are InvalidArgument and start as
// Docker's client does: `invalid value for "since": ...`.
Result<int64_t> parse_log_time(std::string_view value, std::string_view option, int64_t now_nanos);

// go-units FromHumanSize, which json-file's max-size uses: decimal units,
// case-insensitive, optional "i"/"b" ("10m" = 10000000, "1.5k" = 1500,
// "500kb", "1g", "42"). Error: `invalid size: '10x'`.
Result<int64_t> parse_human_size(std::string_view text);

// --log-opt key=value pairs for the json-file driver, checked as Docker
// does (unknown keys first, then max-size, max-file, compress) with
// Docker's messages: "unknown log opt 'x' for json-file log driver",
// "max-size must be a positive number", "max-file cannot be less than 1",
// `strconv.Atoi: parsing "x": invalid syntax`. labels, labels-regex, env,
// env-regex, tag and the generic mode/max-buffer-size are accepted and
// ignored here; compress=true is NotSupported.
Result<WriterOptions> parse_json_file_log_opts(const std::map<std::string, std::string>& opts);

}  // namespace hako::engine::logs
