// The Dockerfile syntax tree, made the way BuildKit's frontend/dockerfile/parser
// makes it, so that the typed instructions (instructions.h) and the linter see
// exactly what BuildKit would: same node shapes, same line numbers, same dump.
//
// The parser does no variable expansion and no instruction checking: unknown
// instructions are kept (BuildKit's parseIgnore) and flags are only split off.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace hako::build::parser {

// A heredoc as the parser found it: the raw body, not yet chomped.
struct Heredoc {
  std::string name;     // the terminator word, quotes removed
  std::string content;  // every body line with its newline
  bool expand = true;   // false when any part of the word was quoted
  bool chomp = false;   // <<-: leading tabs are to be stripped
  unsigned fd = 0;      // 3<<EOF
};

// One node. An instruction node holds the keyword in `value` and its
// arguments in `next` (BuildKit's Next chain, kept as a list). An argument
// holding a nested instruction (ONBUILD) has it as its only child. The root
// node holds the instructions as children.
struct Node {
  std::string value;             // keyword as written ("run", "RUN") or an argument
  std::vector<Node> next;        // the arguments, in order
  std::vector<Node> children;    // root: instructions; ONBUILD argument: the nested one
  std::vector<Heredoc> heredocs;
  bool json = false;             // the arguments were a JSON array
  std::string original;          // the instruction line, continuations joined
  std::vector<std::string> flags;  // "--from=x", as written, before the arguments
  int start_line = 0;            // 1-based
  int end_line = 0;
  std::vector<std::string> prev_comments;  // the comment lines just above
};

struct Warning {
  std::string message;
  int line = 0;
};

struct ParseResult {
  Node ast;  // the root
  std::vector<Warning> warnings;
  char escape = '\\';
  std::string syntax;  // # syntax= directive
  std::string check;   // # check= directive
};

// Parses a whole Dockerfile. Errors are InvalidArgument, "line N: ...".
// `escape` is the escape character until an `# escape=` directive says
// otherwise (ONBUILD triggers are parsed with their parent's).
Result<ParseResult> parse(std::string_view text, char escape = '\\');

// BuildKit's Node.Dump(): "(from \"x\")\n(run \"y\")" for the root.
std::string dump(const Node& node);

// Go's strconv.Quote.
std::string go_quote(std::string_view s);

// BuildKit's ParseHeredoc for one word ("<<EOF", "<<-'EOF'"): false when the
// word is not a heredoc.
Result<bool> parse_heredoc_word(std::string_view word, Heredoc* out);

// Strips leading tabs from every line (BuildKit's ChompHeredocContent).
std::string chomp_heredoc_content(std::string_view content);

}  // namespace hako::build::parser
