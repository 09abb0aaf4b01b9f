// The functions a template can call: Go's builtins (and or not len index
// slice eq ne lt le gt ge print printf println html js urlquery) and
// Docker's (json split join title lower upper pad truncate, see docker/cli
// templates/templates.go). Internal to the format library.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "cli/format/value.h"

namespace hako::cli::format {

// Thrown by a function; the evaluator adds the template location. With
// `wrap` the message reads "error calling NAME: message", as Go's does.
struct CallError {
  std::string message;
  bool wrap = true;
};

using FunctionImpl = Value (*)(std::span<const Value> args);

struct Function {
  std::string_view name;
  int min_args;
  int max_args;       // -1: variadic
  FunctionImpl impl;  // null for and/or: the evaluator runs them, they short-circuit
};

// The function called `name`, or null. With `header`, Docker's
// HeaderFunctions: json split join title lower upper truncate return their
// first argument unchanged, so a table header shows the column names.
const Function* find_function(std::string_view name, bool header);
bool is_function(std::string_view name);

}  // namespace hako::cli::format
