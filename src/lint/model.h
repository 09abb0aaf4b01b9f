// The Dockerfile as the lint rules see it: every instruction in file order,
// typed by the build's parser (build/dockerfile), with RUN commands parsed as
// shell (lint/shell), the stage each belongs to, and the pragma comments.
//
// Building the model never fails: a syntax error becomes a DL1000 finding
// and an instruction that does not type-check is kept untyped (so the
// instruction-order and keyword rules still see it).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "build/dockerfile/instructions.h"
#include "lint/shell/shell_parser.h"

namespace hako::lint {

// An instruction that did not type-check (its error is a DL1000 finding).
struct Untyped {
  std::string error;
};

struct Instruction {
  std::string keyword;   // upper case: "RUN", "FROM"; "" only for Untyped without a keyword
  int line = 0;          // 1-based start line
  int end_line = 0;
  std::string original;  // as written, continuations joined
  bool json = false;     // arguments in JSON (exec) form
  std::vector<std::string> flags;  // "--from=x", as written
  std::variant<build::FromCommand, build::Command, Untyped> command;
  int stage = -1;            // index into Model::stages; -1 before the first FROM
  bool onbuild_trigger = false;  // the instruction inside an ONBUILD

  // RUN only: the command text parsed as shell. Absent for an exec-form RUN
  // that is not a shell -c, a script the shell parser rejects, or a stage
  // whose SHELL is not a POSIX-like shell (powershell, cmd).
  std::optional<shell::Script> script;
  std::vector<shell::SimpleCommand> commands;   // all_commands(*script)
  std::vector<shell::SimpleCommand> unwrapped;  // the same, sudo/env/... removed

  // ONBUILD: its trigger, typed the same way.
  std::shared_ptr<Instruction> trigger;

  template <typename T>
  const T* as() const {
    if constexpr (std::is_same_v<T, build::FromCommand>) {
      return std::get_if<build::FromCommand>(&command);
    } else {
      const auto* c = std::get_if<build::Command>(&command);
      return c ? std::get_if<T>(c) : nullptr;
    }
  }
  bool is(std::string_view kw) const { return keyword == kw; }
};

struct Stage {
  int index = 0;
  int line = 0;              // the FROM's line
  std::string image;         // as written
  std::string name;          // AS name, lower-cased; "" if none
  std::vector<size_t> instructions;  // indices into Model::instructions, FROM included
};

struct Model {
  std::vector<Instruction> instructions;  // file order (ONBUILD triggers only inside their ONBUILD)
  std::vector<Stage> stages;
  // `# hadolint ignore=DL3008,DL3009`: the rules ignored on the instruction
  // that follows the comment, by that instruction's line.
  std::map<int, std::set<std::string>> line_ignores;
  // The lines of those (inline) pragma comments, for DL1001.
  std::vector<int> pragma_lines;
  // `# hadolint global ignore=...` anywhere in the file.
  std::set<std::string> global_ignores;
  // Syntax errors (DL1000): message and line.
  std::vector<std::pair<std::string, int>> syntax_errors;
  char escape = '\\';
};

Model build_model(std::string_view text);

// The RUN instructions in file order, ONBUILD RUN triggers included.
std::vector<const Instruction*> run_instructions(const Model& model);

// A shell name that the shell rules understand ("/bin/bash" -> true, "pwsh" -> false).
bool is_posix_shell(std::string_view path);

}  // namespace hako::lint
