// .dockerignore: which files of the build context are not sent to the
// builder, with the rules of moby/patternmatcher and the CLI's
// ignorefile.ReadAll.
//
// File format (ReadAll):
//  - a UTF-8 BOM on the first line is dropped; CRLF line ends are fine;
//  - a line whose FIRST char is '#' is a comment (" # x" is a pattern, as in
//    Docker: the comment check happens before trimming);
//  - lines are trimmed of surrounding whitespace, empty lines skipped;
//  - a leading '!' makes an exception (re-includes what it matches);
//  - each pattern is cleaned like Go's filepath.Clean, and one leading '/'
//    is dropped, so "/foo", "./foo" and "foo//" all mean "foo" at the root.
//
// Matching (PatternMatcher.MatchesOrParentMatches): paths are relative to
// the context root, '/'-separated. `*` is any run of non-'/' chars, `?` one
// non-'/' char, `[a-z]` / `[^a-z]` a class, `\x` a literal x, and `**` any
// number of directories: `**/foo` (foo anywhere, the root included),
// `foo/**` (everything under foo), `a/**/b`. A pattern matches a path when it
// matches the path itself or one of its parent directories, so "build" also
// excludes "build/out/x". Patterns are applied in order and the LAST one that
// matches decides: `*.md` then `!README.md` keeps README.md, the other
// order excludes it.
//
// Dockerfile and .dockerignore: the CLI always sends both to the builder even
// when a pattern excludes them (TrimBuildFilesFromExcludes appends
// "!.dockerignore" and "!<dockerfile>" exceptions; see keeping_build_files),
// yet they stay excluded from what `COPY . .` sees when a pattern matches
// them. So a caller walking the context for the upload uses
// keeping_build_files(dockerfile), and one filtering the context for COPY
// uses the matcher as parsed.
#pragma once

#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace hako::build {

class IgnoreMatcher {
 public:
  // An empty matcher: excludes nothing.
  IgnoreMatcher() = default;

  // The text of a .dockerignore file. An invalid pattern (say an unclosed
  // '[') is an InvalidArgument error naming it.
  static Result<IgnoreMatcher> parse(std::string_view dockerignore_text);
  // Patterns one per entry (no comment handling), normalized as parse does.
  static Result<IgnoreMatcher> from_patterns(const std::vector<std::string>& patterns);

  // Whether the file or directory at rel_path (relative to the context root;
  // a leading "./" or "/" is ignored) is left out. The root itself never is.
  bool excluded(std::string_view rel_path) const;

  // Whether a walker may skip the directory rel_dir without looking inside:
  // it is excluded and no exception pattern could match anything below it.
  // (Docker's walker: when exceptions exist whose leading components could
  // be under this directory, it has to descend.) Conservative with `**` in
  // exceptions: those always force a descent.
  bool can_skip_dir(std::string_view rel_dir) const;

  // The matcher for sending the context: this one plus exceptions for
  // .dockerignore and the Dockerfile (its path relative to the context;
  // empty when the Dockerfile comes from stdin) if they are excluded.
  IgnoreMatcher keeping_build_files(std::string_view dockerfile_rel) const;

  // Whether rel_path is one of the files always sent with the context.
  static bool is_always_sent(std::string_view rel_path, std::string_view dockerfile_rel);

  // The normalized patterns, exceptions with their '!'.
  std::vector<std::string> patterns() const;
  bool empty() const { return patterns_.empty(); }
  bool has_exceptions() const;

 private:
  // One pattern compiled the way patternmatcher does it: plain literals are
  // compared as strings (Exact; "foo/**" a Prefix; "**/foo" a Suffix),
  // anything with wildcards becomes a token list (Glob).
  struct Token {
    enum Kind { Lit, Any, Star, AnyDirs, All, Class } kind;
    std::string lit;                                     // Lit
    std::vector<std::pair<char32_t, char32_t>> ranges;  // Class
    bool negated = false;                                // Class
  };
  struct Pattern {
    std::string text;  // normalized, without the '!'
    bool exception = false;
    enum Type { Exact, Prefix, Suffix, Glob } type = Exact;
    std::vector<Token> tokens;  // for Glob

    static Result<Pattern> compile(std::string text, bool exception);
    bool matches(std::string_view path) const;
    bool could_match_below(const std::vector<std::string>& dir) const;
    static bool glob(const std::vector<Token>& toks, size_t ti, std::string_view s, size_t si);
  };

  std::vector<Pattern> patterns_;
};

}  // namespace hako::build
