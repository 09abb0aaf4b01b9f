// Sizes as Docker's flags write them (go-units).
#pragma once

#include <cstdint>
#include <string_view>

#include "base/error.h"

namespace hako {

// go-units RAMInBytes: "512m", "1g", "1.5GiB", "100" (bytes); binary units,
// case-insensitive, optional b/ib suffix; Go's error messages.
Result<int64_t> parse_ram_bytes(std::string_view s);

}  // namespace hako
