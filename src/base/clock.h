// Wall-clock time as RFC 3339 with nanoseconds ("2026-12-02T01:44:29.018409451Z"),
// the form runc uses in logs and `list`.
#pragma once

#include <string>

namespace hako {

std::string now_rfc3339();

}  // namespace hako
