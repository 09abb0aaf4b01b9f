// Parsers for the flat key/value files cgroups expose (memory.stat,
// cpu.stat, cpuacct.stat, memory.events, io.stat, blkio.*).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hako::cgroups {

// "key value\n" lines.
std::map<std::string, uint64_t> parse_flat_keyed(const std::string& text);
// Space-separated numbers ("cpuacct.usage_percpu").
std::vector<uint64_t> parse_numbers(const std::string& text);
// A single number, or "max" as UINT64_MAX (as runc reports unlimited).
uint64_t parse_value(const std::string& text);

}  // namespace hako::cgroups
