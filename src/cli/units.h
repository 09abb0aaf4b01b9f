// Sizes and durations the way Docker prints them (docker/go-units), so
// `images`, `history` and `ps` columns read the same.
#pragma once
#include <cstdint>
#include <string>

namespace hako::cli {

// HumanSizeWithPrecision(size, 3): decimal units, 3 significant digits:
// "0B", "4.26MB", "1.2GB", "129kB".
std::string human_size(double bytes);

// BytesSize: binary units, 4 significant digits: "23.43GiB", "1.5MiB", "0B".
std::string human_binary_size(double bytes);

// HumanDuration: "Less than a second", "About a minute", "5 minutes",
// "2 hours", "3 days", "2 weeks", "4 months", "2 years".
std::string human_duration(int64_t seconds);

// "<HumanDuration> ago" for a unix time, relative to now.
std::string time_ago(int64_t unix_seconds);

}  // namespace hako::cli
