// A POSIX sh parser for the text of Dockerfile RUN commands (what Docker hands
// to /bin/sh -c), so lint rules see commands, words and flags instead of
// matching regular expressions over raw lines.
//
// Grammar covered: lists (; newline &), and-or lists (&& ||), pipelines (| !),
// subshells ( ), brace groups { ; }, simple commands with assignment prefixes,
// words and redirections (> >> < << <<- <<< >& <& <> >| &> &>> with fd
// prefixes, heredoc bodies), if/elif/else, for, while, until, case, function
// definitions, comments and backslash-newline continuations. $(...) and
// `...` are parsed recursively; $((...)), ${...} are kept as opaque text.
//
// The parser never throws and never recurses without bound: odd input gives a
// ShellError carrying the offset.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace hako::lint::shell {

// Where something starts in the parsed text. line and column are 1-based;
// offset is 0-based, in bytes.
struct Position {
  size_t offset = 0;
  int line = 1;
  int column = 1;
};

struct List;

struct Word {
  std::string raw;    // as written, quotes and escapes included
  std::string value;  // quotes removed, escapes resolved; expansions kept as written ("$f")
  bool quoted = false;         // some part was quoted or escaped
  bool has_expansion = false;  // $VAR ${..} $(..) `..` $((..)) or an unquoted glob
  bool has_glob = false;       // an unquoted * ? or [
  Position pos;
  // The parsed insides of $(...) and `...`, in order.
  std::vector<List> substitutions;

  // NAME=value (unquoted NAME): the assignment's name, or "" when not one.
  std::string assignment_name() const;
};

struct Redirect {
  std::string fd;  // "" when none was written, else "2" etc.
  std::string op;  // ">", ">>", "<", "<<", "<<-", "<<<", ">&", "<&", "<>", ">|", "&>", "&>>"
  Word target;     // file, fd number, or heredoc delimiter
  Position pos;
  // The heredoc's body (for << and <<-), shared with copies of the command.
  std::shared_ptr<std::string> heredoc;
  std::string_view heredoc_body() const { return heredoc ? std::string_view(*heredoc) : ""; }
};

struct Command {
  enum class Kind { Simple, Subshell, BraceGroup, If, For, While, Until, Case, Function };
  Kind kind = Kind::Simple;
  Position pos;
  // Simple.
  std::vector<Word> assignments;
  std::vector<Word> words;
  // Every kind: redirections (for compounds, the ones after the closing word).
  std::vector<Redirect> redirects;
  // Compound bodies:
  //   Subshell, BraceGroup, Function: [body]
  //   If: [cond, then, (elif-cond, elif-then)..., (else)?]; has_else tells
  //   For: [body];  While/Until: [cond, body];  Case: one per item
  std::vector<List> bodies;
  bool has_else = false;
  Word name;                      // For: the variable; Case: the subject; Function: its name
  std::vector<Word> for_words;    // For: the words after `in` (none when `in` is absent)
  bool for_has_in = false;
  std::vector<std::vector<Word>> case_patterns;  // Case: the patterns of each item
};

struct Pipeline {
  bool negated = false;  // `! cmd`
  std::vector<Command> commands;
  Position pos;
};

// p1 && p2 || p3: ops[i] ("&&" or "||") joins pipelines[i] and pipelines[i+1].
struct AndOr {
  std::vector<Pipeline> pipelines;
  std::vector<std::string> ops;
  bool background = false;  // ended by `&`
  Position pos;
};

struct List {
  std::vector<AndOr> items;
};

using Script = List;

struct ShellError {
  std::string message;  // without the position
  Position pos;
  // "line L, column C: message" as an InvalidArgument Error.
  Error to_error() const;
};

// Parses `text`. Errors: unterminated quotes and substitutions, unbalanced
// parentheses and braces, missing then/fi/do/done/esac, stray operators.
std::expected<Script, ShellError> parse(std::string_view text);
// The same with the error as a hako Error.
Result<Script> parse_shell(std::string_view text);

// A simple command with its context, as the lint rules see it.
struct SimpleCommand {
  std::vector<Word> assignments;
  std::vector<Word> words;  // words[0] is the command name
  std::vector<Redirect> redirects;
  Position pos;

  // The pipeline it is in: index among its commands, and their count.
  size_t pipeline_index = 0;
  size_t pipeline_size = 1;
  bool negated = false;
  // The and-or list it is in (through its pipeline): index of the pipeline,
  // their count, and the operators before and after it ("" at the ends).
  size_t and_or_index = 0;
  size_t and_or_size = 1;
  std::string op_before;
  std::string op_after;
  bool background = false;
  // Nesting: inside $(...)/`...`, a subshell ( ), or the condition of an
  // if/while/until.
  bool in_substitution = false;
  bool in_subshell = false;
  bool in_condition = false;

  bool in_pipeline() const { return pipeline_size > 1; }

  // The first word's value ("" when there is none: assignments only).
  std::string name() const;
  // words[1..].
  std::vector<Word> args() const;
  // has_flag("--no-install-recommends") matches the word or "--flag=...";
  // has_flag("-y") is has_flag('y'). Options stop at "--".
  bool has_flag(std::string_view flag) const;
  // A short option letter, also inside clusters such as -qy.
  bool has_flag(char letter) const;
  // flag_value("-t"): "-t x" or "-tx"; flag_value("--target"): "--target x"
  // or "--target=x". The last one written wins.
  std::optional<std::string> flag_value(std::string_view flag) const;
  // The args that are not options nor the values of `flags_with_value`
  // ("-t", "--target", ...). "-" is positional; everything after "--" too.
  std::vector<Word> positional_args(const std::vector<std::string>& flags_with_value = {}) const;

  // sudo/env/command/exec/nohup/time/xargs/nice wrappers: the command they
  // run (with its options skipped; env's NAME=value become assignments), or
  // nullopt when this is not a wrapper or it wraps nothing.
  std::optional<SimpleCommand> wrapped() const;
  // wrapped() until it is not a wrapper.
  SimpleCommand unwrapped() const;
};

// Every simple command anywhere in `script`, in the order of the text: a
// command comes before the commands of its substitutions; compound commands'
// bodies, subshells and substitutions are descended into. Function
// definitions' bodies are included.
std::vector<SimpleCommand> all_commands(const Script& script);

}  // namespace hako::lint::shell
