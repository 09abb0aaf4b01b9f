#include "lint/rules/rule_util.h"

namespace hako::lint {

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
