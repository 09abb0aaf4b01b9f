// Wall-clock time as RFC 3339 with nanoseconds ("2026-12-02T01:44:29.018409451Z"),
// the form runc uses in logs and `list`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hako {

std::string now_rfc3339();

// Unix seconds as "2026-12-02T01:44:29Z".
std::string rfc3339(int64_t unix_seconds);

// Unix seconds of an RFC 3339 time (fraction ignored, Z or +hh:mm offset);
// nullopt when the text is not one.
std::optional<int64_t> parse_rfc3339(std::string_view text);

}  // namespace hako
