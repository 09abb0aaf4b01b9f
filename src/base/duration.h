// Go's time.ParseDuration, which Docker's flags and options use
// ("1h30m", "1.5s", "-10m", "300ms", "7µs", "0"), in nanoseconds. Errors
// read like Go's: `time: invalid duration "x"`, `time: missing unit in
// duration "1"`, `time: unknown unit "d" in duration "1d"`.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/error.h"

namespace hako {

Result<int64_t> parse_go_duration(std::string_view text);

}  // namespace hako
