// Variable expansion of Dockerfile words, as BuildKit's
// frontend/dockerfile/shell Lex does it at build time.
//
// Dockerfile instructions (ENV, ARG, COPY, WORKDIR, FROM, ...) expand
// $VAR / ${VAR...} against the build's environment before the instruction
// runs. This is not a shell: there is no command substitution, no globbing of
// file names and no field splitting beyond ProcessWords' whitespace split.
// The rules (kept identical to BuildKit so a Dockerfile means the same here):
//
//  - 'single quotes' are literal; the quotes are removed.
//  - "double quotes" expand $...; inside them the escape char only escapes
//    `"`, `$` and itself, any other escape stays as typed ("a\tb" is a\tb).
//  - outside quotes the escape char (\ by default, ` with `# escape=``)
//    takes the next char literally; a trailing escape is dropped.
//  - $NAME, ${NAME}: NAME is [A-Za-z_][A-Za-z0-9_]*, or a run of digits ($1,
//    $12), or one special char of @ * # ? - $ ! 0. These are all looked up in
//    the environment like any name (BuildKit has no positional parameters, so
//    $1 is normally empty). A $ followed by anything else stays a literal $.
//  - ${NAME:-word} ${NAME-word} ${NAME:+word} ${NAME+word}
//    ${NAME:?msg} ${NAME?msg}        (error "NAME: msg", or with no msg
//                                     "NAME: is not allowed to be unset/empty")
//    ${NAME#pat} ${NAME##pat} ${NAME%pat} ${NAME%%pat}
//    ${NAME/pat/repl} ${NAME//pat/repl}
//    The word/pattern is itself expanded (nesting works: ${a:-${b}}).
//    Patterns know `*` and `?` only (BuildKit has no [...] classes there);
//    in a pattern `\*`, `\?`, `\\` are literal and `\}`, `\/` protect the
//    delimiters. Unknown variables expand to the empty string.
//
// Errors are InvalidArgument, worded like BuildKit's:
//   failed to process "${a": syntax error: missing '}'
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace hako::build {

// The variables a word may reference. Either an ordered KEY=VALUE list (the
// form ENV/ARG state and `docker build --build-arg` take; a later entry for
// the same key wins, and an entry without '=' sets the key to "") or a lookup
// callback returning nullopt for an unset variable. Unset and set-to-empty
// differ: ${X-d} keeps an empty X but replaces an unset one.
class Env {
 public:
  using Lookup = std::function<std::optional<std::string>(std::string_view name)>;

  Env() = default;
  Env(const std::vector<std::string>& entries);  // NOLINT: implicit on purpose
  Env(std::initializer_list<std::string> entries)
      : Env(std::vector<std::string>(entries)) {}
  explicit Env(Lookup lookup) : lookup_(std::move(lookup)) {}

  std::optional<std::string> get(std::string_view name) const;

 private:
  std::map<std::string, std::string, std::less<>> vars_;
  Lookup lookup_;
};

// Which variables a word referenced (BuildKit's ProcessWordWithMatches): the
// builder uses `matched` to know which build args a step depends on (its
// cache key), the linter uses `unmatched` to warn about undefined variables.
// Every lookup counts, including ones whose value ended up unused (${A:-$B}
// with A set still looks B up first, because the word is expanded first).
struct ShellMatches {
  std::set<std::string> matched;
  std::set<std::string> unmatched;
};

class ShellLex {
 public:
  explicit ShellLex(char escape = '\\') : escape_(escape) {}

  // Expands and removes quotes; the result is one word even with spaces in it.
  Result<std::string> process_word(std::string_view word, const Env& env,
                                   ShellMatches* matches = nullptr) const;

  // Expands, then splits on whitespace that was not quoted or escaped. Text
  // coming from a variable is split too (as in BuildKit: `$X` with X="a b"
  // gives two words), and an empty quoted string "" adds no word.
  Result<std::vector<std::string>> process_words(std::string_view word, const Env& env,
                                                 ShellMatches* matches = nullptr) const;

  char escape() const { return escape_; }

 private:
  char escape_;
};

}  // namespace hako::build
