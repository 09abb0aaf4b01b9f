// Small string helpers the standard library lacks.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hako {

std::vector<std::string> split(std::string_view s, char sep);
std::string_view trim(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
// 64 random hex digits: the ids of containers, networks, execs and anonymous
// volumes, as Docker makes them.
std::string random_hex_id();
// Parses a whole decimal integer; nullopt on any junk or overflow.
std::optional<long long> parse_int(std::string_view s);

}  // namespace hako
