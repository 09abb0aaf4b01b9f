#include "build/shell/shell_lex.h"

#include <utility>

namespace hako::build {

Env::Env(const std::vector<std::string>& entries) {
  for (const auto& e : entries) {
    auto eq = e.find('=');
    // insert_or_assign: the later entry wins, as Docker's env lists do.
    if (eq == std::string::npos) {
      vars_.insert_or_assign(e, std::string());
    } else {
      vars_.insert_or_assign(e.substr(0, eq), e.substr(eq + 1));
    }
  }
}

std::optional<std::string> Env::get(std::string_view name) const {
  if (lookup_) return lookup_(name);
  auto it = vars_.find(name);
  if (it == vars_.end()) return std::nullopt;
  return it->second;
}

namespace {

constexpr int kEof = -1;

bool is_space(int ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r';
}
bool is_digit(int ch) { return ch >= '0' && ch <= '9'; }
bool is_name_char(int ch) {
  return is_digit(ch) || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}
// POSIX special parameters; BuildKit reads them as one-char names.
bool is_special_param(int ch) {
  switch (ch) {
    case '@': case '*': case '#': case '?': case '-': case '$': case '!': case '0':
      return true;
    default:
      return false;
  }
}

// Length of the UTF-8 sequence starting at s[i] (1 for stray bytes), so that
// `?` in a pattern takes one character, not one byte.
size_t rune_len(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  return i + n <= s.size() ? n : 1;
}
bool is_rune_start(std::string_view s, size_t i) {
  return i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
}

// --- ${VAR#pattern} / ${VAR/pattern/...} patterns --------------------------

struct GlobTok {
  enum Kind { Lit, Any, Star } kind;
  std::string lit;
};
using Glob = std::vector<GlobTok>;

// BuildKit's convertShellPatternToRegex, as tokens: `*` any run, `?` one
// char, `\*` `\?` `\\` literal, `\}` `\/` the delimiter char, any other
// escape an error. Everything else (brackets included) is literal.
Result<Glob> compile_glob(std::string_view pat) {
  Glob out;
  auto lit = [&](std::string_view s) {
    if (!out.empty() && out.back().kind == GlobTok::Lit) {
      out.back().lit += s;
    } else {
      out.push_back({GlobTok::Lit, std::string(s)});
    }
  };
  for (size_t i = 0; i < pat.size(); ++i) {
    char c = pat[i];
    if (c == '*') {
      if (out.empty() || out.back().kind != GlobTok::Star) out.push_back({GlobTok::Star, {}});
    } else if (c == '?') {
      out.push_back({GlobTok::Any, {}});
    } else if (c == '\\') {
      char n = i + 1 < pat.size() ? pat[i + 1] : '\0';
      if (n == '}' || n == '/') continue;  // the next char is a plain literal
      if (i + 1 >= pat.size() || (n != '*' && n != '?' && n != '\\')) {
        std::string shown = i + 1 < pat.size() ? std::string(1, n) : std::string();
        return fail(ErrorKind::InvalidArgument,
                    "invalid pattern ({}) in substitution: invalid escape '\\{}'", pat, shown);
      }
      lit(pat.substr(++i, 1));
    } else {
      lit(pat.substr(i, 1));
    }
  }
  return out;
}

// Whether toks[ti..] matches all of s[si..]. Backtracks over stars; the
// patterns and values of a Dockerfile are short.
bool glob_match(const Glob& toks, size_t ti, std::string_view s, size_t si) {
  for (; ti < toks.size(); ++ti) {
    const auto& t = toks[ti];
    if (t.kind == GlobTok::Lit) {
      if (s.substr(si).substr(0, t.lit.size()) != t.lit) return false;
      si += t.lit.size();
    } else if (t.kind == GlobTok::Any) {
      if (si >= s.size()) return false;
      si += rune_len(s, si);
    } else {
      for (size_t k = si;; k += rune_len(s, k)) {
        if (glob_match(toks, ti + 1, s, k)) return true;
        if (k >= s.size()) return false;
      }
    }
  }
  return si == s.size();
}
bool glob_match(const Glob& toks, std::string_view s) { return glob_match(toks, 0, s, 0); }

// ${VAR#pat} (shortest) and ${VAR##pat} (longest): drop a matching prefix.
std::string trim_prefix(const Glob& g, std::string_view value, bool greedy) {
  const size_t n = value.size();
  for (size_t k = 0; k <= n; ++k) {
    size_t i = greedy ? n - k : k;
    if (is_rune_start(value, i) && glob_match(g, value.substr(0, i))) {
      return std::string(value.substr(i));
    }
  }
  return std::string(value);
}

// ${VAR%pat} (shortest) and ${VAR%%pat} (longest): drop a matching suffix.
std::string trim_suffix(const Glob& g, std::string_view value, bool greedy) {
  const size_t n = value.size();
  for (size_t k = 0; k <= n; ++k) {
    size_t i = greedy ? k : n - k;
    if (is_rune_start(value, i) && glob_match(g, value.substr(i))) {
      return std::string(value.substr(0, i));
    }
  }
  return std::string(value);
}

// The leftmost match at or after `from`, longest there (BuildKit's regexp has
// greedy stars): {begin, end}, or nullopt.
std::optional<std::pair<size_t, size_t>> find_match(const Glob& g, std::string_view v,
                                                    size_t from) {
  for (size_t b = from; b <= v.size(); b += b < v.size() ? rune_len(v, b) : 1) {
    for (size_t e = v.size() + 1; e-- > b;) {
      if (is_rune_start(v, e) && glob_match(g, v.substr(b, e - b))) return std::pair{b, e};
    }
  }
  return std::nullopt;
}

// ${VAR/pat/repl} and ${VAR//pat/repl}. Replace-all follows Go's
// Regexp.ReplaceAllString, so an empty pattern inserts repl between chars.
std::string replace_glob(const Glob& g, std::string_view v, std::string_view repl, bool all) {
  if (!all) {
    auto m = find_match(g, v, 0);
    if (!m) return std::string(v);
    return std::string(v.substr(0, m->first)) + std::string(repl) +
           std::string(v.substr(m->second));
  }
  std::string out;
  size_t search = 0;
  size_t last_end = 0;
  while (search <= v.size()) {
    auto m = find_match(g, v, search);
    if (!m) break;
    auto [b, e] = *m;
    out.append(v.substr(last_end, b - last_end));
    // No second replacement for an empty match right after a match.
    if (e > last_end || b == 0) out.append(repl);
    last_end = e;
    size_t width = search < v.size() ? rune_len(v, search) : 1;
    search = search + width > e ? search + width : e;
  }
  out.append(v.substr(last_end));
  return out;
}

// --- the expander -----------------------------------------------------------

// The words of ProcessWords, gathered while the single word is built.
struct Words {
  std::string word;
  std::vector<std::string> words;
  bool in_word = false;

  void add_char(char ch) {
    if (is_space(ch)) {
      if (in_word && !word.empty()) {
        words.push_back(std::move(word));
        word.clear();
        in_word = false;
      }
    } else {
      add_raw_char(ch);
    }
  }
  void add_raw_char(char ch) {
    word += ch;
    in_word = true;
  }
  void add_string(std::string_view s) {
    for (char c : s) add_char(c);
  }
  void add_raw_string(std::string_view s) {
    word += s;
    in_word = true;
  }
  std::vector<std::string> take() {
    if (!word.empty()) words.push_back(std::move(word));
    return std::move(words);
  }
};

struct Processed {
  std::string word;
  std::vector<std::string> words;
};

Result<std::string> syntax_error(std::string_view what) {
  return fail(ErrorKind::InvalidArgument, "syntax error: {}", what);
}

class Expander {
 public:
  Expander(std::string_view src, char escape, const Env& env, ShellMatches* matches)
      : src_(src), escape_(escape), env_(env), matches_(matches) {}

  // Reads up to `stop` (consumed) or the end of input. raw_escapes keeps the
  // escape chars in the result, for patterns that interpret them later.
  Result<Processed> process_stop_on(int stop, bool raw_escapes) {
    bool saved = raw_;
    raw_ = raw_escapes;
    auto r = process_stop_on_impl(stop);
    raw_ = saved;
    return r;
  }

  int peek() const { return pos_ < src_.size() ? static_cast<unsigned char>(src_[pos_]) : kEof; }

 private:
  int next() { return pos_ < src_.size() ? static_cast<unsigned char>(src_[pos_++]) : kEof; }

  Result<Processed> process_stop_on_impl(int stop) {
    std::string result;
    Words words;
    while (peek() != kEof) {
      int ch = peek();
      if (stop != kEof && ch == stop) {
        next();
        return Processed{std::move(result), words.take()};
      }
      if (ch == '$' || ch == '\'' || ch == '"') {
        auto part = ch == '$' ? dollar() : ch == '\'' ? single_quote() : double_quote();
        if (!part) return std::unexpected(std::move(part).error());
        result += *part;
        // Expansions are split into words; quoted text stays whole.
        if (ch == '$') {
          words.add_string(*part);
        } else {
          words.add_raw_string(*part);
        }
        continue;
      }
      ch = next();
      if (ch == static_cast<unsigned char>(escape_)) {
        if (raw_) {
          words.add_raw_char(static_cast<char>(ch));
          result += static_cast<char>(ch);
        }
        ch = next();
        if (ch == kEof) break;  // a trailing escape is dropped
        words.add_raw_char(static_cast<char>(ch));
      } else {
        words.add_char(static_cast<char>(ch));
      }
      result += static_cast<char>(ch);
    }
    if (stop != kEof) {
      return fail(ErrorKind::InvalidArgument,
                  "unexpected end of statement while looking for matching {}",
                  static_cast<char>(stop));
    }
    return Processed{std::move(result), words.take()};
  }

  // 'text': every char literal; there is no way to escape a ' inside.
  Result<std::string> single_quote() {
    std::string result;
    next();
    for (;;) {
      int ch = next();
      if (ch == kEof) {
        return fail(ErrorKind::InvalidArgument,
                    "unexpected end of statement while looking for matching single-quote");
      }
      if (ch == '\'') return result;
      result += static_cast<char>(ch);
    }
  }

  // "text": $ expands; the escape char escapes only " $ and itself.
  Result<std::string> double_quote() {
    std::string result;
    next();
    for (;;) {
      int ch = peek();
      if (ch == kEof) {
        return fail(ErrorKind::InvalidArgument,
                    "unexpected end of statement while looking for matching double-quote");
      }
      if (ch == '"') {
        next();
        return result;
      }
      if (ch == '$') {
        auto v = dollar();
        if (!v) return v;
        result += *v;
        continue;
      }
      ch = next();
      if (ch == static_cast<unsigned char>(escape_)) {
        if (raw_) result += static_cast<char>(ch);
        int n = peek();
        if (n == kEof) continue;  // reported as the missing closing quote
        if (n == '"' || n == '$' || n == static_cast<unsigned char>(escape_)) ch = next();
      }
      result += static_cast<char>(ch);
    }
  }

  std::string name() {
    std::string out;
    while (peek() != kEof) {
      int ch = peek();
      if (out.empty() && is_digit(ch)) {
        while (is_digit(peek())) out += static_cast<char>(next());
        return out;
      }
      if (out.empty() && is_special_param(ch)) return std::string(1, static_cast<char>(next()));
      if (!is_name_char(ch)) break;
      out += static_cast<char>(next());
    }
    return out;
  }

  std::optional<std::string> get_env(const std::string& name) {
    auto v = env_.get(name);
    if (matches_) (v ? matches_->matched : matches_->unmatched).insert(name);
    return v;
  }

  // The word of ${NAME<op>word}: expanded up to the closing brace.
  Result<std::string> brace_word(bool raw_escapes) {
    auto w = process_stop_on('}', raw_escapes);
    if (!w) {
      if (peek() == kEof) return syntax_error("missing '}'");
      return std::unexpected(std::move(w).error());
    }
    return std::move(w->word);
  }

  Result<std::string> dollar() {
    next();  // '$'
    if (peek() != '{') {
      std::string n = name();
      if (n.empty()) return std::string("$");  // "$." or a lone "$"
      return get_env(n).value_or("");
    }
    next();  // '{'
    int first = peek();
    if (first == kEof) return syntax_error("missing '}'");
    if (first == '{' || first == '}' || first == ':') return syntax_error("bad substitution");

    std::string n = name();
    int ch = next();
    // BuildKit reports "unsupported modifier" here; the missing brace is the
    // real problem, so say that.
    if (ch == kEof) return syntax_error("missing '}'");
    std::string op(1, static_cast<char>(ch));
    if (ch == '}') return get_env(n).value_or("");

    bool null_is_unset = false;
    if (ch == ':') {
      null_is_unset = true;
      ch = next();
      if (ch != kEof) op += static_cast<char>(ch);
    } else if (ch == '/') {
      return replace(n);
    } else if (ch != '+' && ch != '-' && ch != '?' && ch != '#' && ch != '%') {
      return fail(ErrorKind::InvalidArgument, "unsupported modifier ({}) in substitution", op);
    }

    // # and % keep escapes so the pattern can tell \* from *.
    auto word = brace_word(ch == '#' || ch == '%');
    if (!word) return word;
    auto value = get_env(n);
    bool empty = !value || (null_is_unset && value->empty());

    switch (ch) {
      case '-':
        return empty ? *word : *value;
      case '+':
        return empty ? std::string() : *word;
      case '?':
        if (!value) {
          return fail(ErrorKind::InvalidArgument, "{}: {}", n,
                      word->empty() ? "is not allowed to be unset" : *word);
        }
        if (empty) {
          return fail(ErrorKind::InvalidArgument, "{}: {}", n,
                      word->empty() ? "is not allowed to be empty" : *word);
        }
        return *value;
      case '#':
      case '%': {
        std::string_view pat = *word;
        bool greedy = !pat.empty() && pat[0] == ch;
        if (greedy) pat.remove_prefix(1);
        auto g = compile_glob(pat);
        if (!g) return std::unexpected(std::move(g).error());
        std::string v = value.value_or("");
        return ch == '#' ? trim_prefix(*g, v, greedy) : trim_suffix(*g, v, greedy);
      }
      default:
        return fail(ErrorKind::InvalidArgument, "unsupported modifier ({}) in substitution", op);
    }
  }

  // After "${NAME/": [/]pattern/replacement}.
  Result<std::string> replace(const std::string& n) {
    bool all = peek() == '/';
    if (all) next();
    auto pattern = process_stop_on('/', true);
    if (!pattern) {
      if (peek() == kEof) return syntax_error("missing '/' in ${}");
      return std::unexpected(std::move(pattern).error());
    }
    auto repl = brace_word(true);
    if (!repl) return repl;
    std::string value = get_env(n).value_or("");
    auto g = compile_glob(pattern->word);
    if (!g) return std::unexpected(std::move(g).error());
    return replace_glob(*g, value, *repl, all);
  }

  std::string_view src_;
  size_t pos_ = 0;
  char escape_;
  const Env& env_;
  ShellMatches* matches_;
  bool raw_ = false;
};

Result<Processed> process(std::string_view word, char escape, const Env& env,
                          ShellMatches* matches) {
  Expander ex(word, escape, env, matches);
  auto r = ex.process_stop_on(kEof, false);
  if (!r) return std::unexpected(r.error().context(fmt::format("failed to process \"{}\"", word)));
  return r;
}

}  // namespace

Result<std::string> ShellLex::process_word(std::string_view word, const Env& env,
                                           ShellMatches* matches) const {
  auto r = process(word, escape_, env, matches);
  if (!r) return std::unexpected(std::move(r).error());
  return std::move(r->word);
}

Result<std::vector<std::string>> ShellLex::process_words(std::string_view word, const Env& env,
                                                         ShellMatches* matches) const {
  auto r = process(word, escape_, env, matches);
  if (!r) return std::unexpected(std::move(r).error());
  return std::move(r->words);
}

}  // namespace hako::build
