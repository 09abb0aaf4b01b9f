#include "lint/rules/rule_util.h"

#include <algorithm>
#include <cctype>

namespace hako::lint {

bool in(std::string_view s, const Names& set) { return std::find(set.begin(), set.end(), s) != set.end(); }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool starts_with_any(std::string_view s, const Names& prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(), [&](std::string_view p) { return s.starts_with(p); });
}

bool ends_with_any(std::string_view s, const Names& suffixes) {
  return std::any_of(suffixes.begin(), suffixes.end(), [&](std::string_view p) { return s.ends_with(p); });
}

void for_each_command(const Model& model,
                      const std::function<void(const Instruction&, const shell::SimpleCommand&)>& fn) {
  for (const Instruction* run : run_instructions(model)) {
    for (const auto& cmd : run->unwrapped) fn(*run, cmd);
  }
}

std::string subcommand(const shell::SimpleCommand& cmd, const std::vector<std::string>& flags_with_value) {
  auto pos = cmd.positional_args(flags_with_value);
  return pos.empty() ? std::string() : pos[0].value;
}

}  // namespace hako::lint
