// Small helpers the rule families share.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lint/model.h"

namespace hako::lint {

using Names = std::vector<std::string_view>;

// Small string helpers the rule families share.
bool in(std::string_view s, const Names& set);
std::string lower(std::string_view s);
std::string_view basename(std::string_view path);
bool starts_with_any(std::string_view s, const Names& prefixes);
bool ends_with_any(std::string_view s, const Names& suffixes);

// Calls fn for every simple command of every RUN (ONBUILD RUN triggers
// included), sudo/env/... wrappers removed, in file order.
void for_each_command(const Model& model,
                      const std::function<void(const Instruction&, const shell::SimpleCommand&)>& fn);

// The first non-option argument of a command ("install" in `apt-get -y
// install x`), skipping the values of `flags_with_value`; "" when none.
std::string subcommand(const shell::SimpleCommand& cmd, const std::vector<std::string>& flags_with_value = {});

}  // namespace hako::lint
