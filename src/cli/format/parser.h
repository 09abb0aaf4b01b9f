// Builds the parse tree of a template; internal to the format library.
#pragma once

#include <memory>
#include <string_view>

#include "base/error.h"
#include "cli/format/ast.h"

namespace hako::cli::format {

// Fails with ErrorKind::InvalidArgument and Go's message, such as
// `template: :1: unexpected "}" in operand` or `template: :1: function "foo" not defined`.
Result<std::shared_ptr<const Tree>> parse_tree(std::string_view text);

}  // namespace hako::cli::format
