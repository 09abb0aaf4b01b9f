#include "cgroups/stat_files.h"

#include "base/strings.h"

namespace hako::cgroups {

std::map<std::string, uint64_t> parse_flat_keyed(const std::string& text) {
  std::map<std::string, uint64_t> out;
  for (const auto& line : split(text, '\n')) {
    auto parts = split(std::string(trim(line)), ' ');
    if (parts.size() != 2) continue;
    if (auto v = parse_int(parts[1])) out[parts[0]] = static_cast<uint64_t>(*v);
  }
  return out;
}

std::vector<uint64_t> parse_numbers(const std::string& text) {
  std::vector<uint64_t> out;
  for (const auto& f : split(std::string(trim(text)), ' '))
    if (auto v = parse_int(f)) out.push_back(static_cast<uint64_t>(*v));
  return out;
}

uint64_t parse_value(const std::string& text) {
  auto t = trim(text);
  if (t == "max") return UINT64_MAX;
  auto v = parse_int(t);
  return v ? static_cast<uint64_t>(*v) : 0;
}

}  // namespace hako::cgroups
