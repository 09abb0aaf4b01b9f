#include "build/context/dockerignore.h"

#include "base/strings.h"

namespace hako::build {

namespace {

// Go's path.Clean: drops "." and empty components, folds "..", no trailing
// slash; "" becomes ".".
std::string clean_path(std::string_view p) {
  if (p.empty()) return ".";
  bool rooted = p[0] == '/';
  std::vector<std::string> out;
  for (auto& c : split(p, '/')) {
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      if (!out.empty() && out.back() != "..") {
        out.pop_back();
      } else if (!rooted) {
        out.push_back(c);
      }
      continue;
    }
    out.push_back(c);
  }
  std::string s = (rooted ? "/" : "") + join(out, "/");
  if (s.empty()) return ".";
  return s;
}

// A context-relative path as the matcher wants it: cleaned, no leading '/'.
std::string normalize(std::string_view path) {
  std::string p = clean_path(path);
  if (p.size() > 1 && p[0] == '/') p.erase(0, 1);
  return p;
}

// Decodes the UTF-8 char at s[i]; a stray byte stands for itself.
char32_t decode(std::string_view s, size_t i, size_t* len) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (i + n > s.size()) n = 1;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) n = 1;
  }
  *len = n;
  if (n == 1) return c;
  char32_t r = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) r = (r << 6) | (b(k) & 0x3F);
  return r;
}

// Escapes glob metacharacters so a file name can be used as a pattern.
std::string literal_pattern(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

// patternmatcher's Pattern.compile, with filepath.Match's syntax check
// (unclosed or empty '[...]', a trailing '\') folded in.
Result<IgnoreMatcher::Pattern> IgnoreMatcher::Pattern::compile(std::string text, bool exception) {
  Pattern p;
  p.exception = exception;
  auto bad = [&] {
    return fail(ErrorKind::InvalidArgument, "invalid .dockerignore pattern \"{}{}\": syntax error in pattern",
                exception ? "!" : "", text);
  };
  auto lit = [&](std::string_view s) {
    if (!p.tokens.empty() && p.tokens.back().kind == Token::Lit) {
      p.tokens.back().lit += s;
    } else {
      p.tokens.push_back({Token::Lit, std::string(s), {}, false});
    }
  };
  const std::string_view t = text;
  const size_t n = t.size();
  size_t i = 0;
  for (int idx = 0; i < n; ++idx) {
    char c = t[i];
    if (c == '*') {
      if (i + 1 < n && t[i + 1] == '*') {
        i += 2;
        if (i < n && t[i] == '/') ++i;  // "**/" is "**"
        if (i >= n) {
          // A trailing "**": all below. Alone after literals it is a prefix.
          if (p.type == Exact) {
            p.type = Prefix;
          } else {
            p.tokens.push_back({Token::All, {}, {}, false});
            p.type = Glob;
          }
        } else {
          p.tokens.push_back({Token::AnyDirs, {}, {}, false});
          p.type = Glob;
        }
        // A leading "**" followed by plain text only is a suffix compare.
        if (idx == 0) p.type = Suffix;
      } else {
        p.tokens.push_back({Token::Star, {}, {}, false});
        p.type = Glob;
        ++i;
      }
    } else if (c == '?') {
      p.tokens.push_back({Token::Any, {}, {}, false});
      p.type = Glob;
      ++i;
    } else if (c == '\\') {
      if (i + 1 >= n) return bad();
      size_t len;
      decode(t, i + 1, &len);
      lit(t.substr(i + 1, len));
      p.type = Glob;
      i += 1 + len;
    } else if (c == '[') {
      Token cls{Token::Class, {}, {}, false};
      ++i;
      if (i < n && t[i] == '^') {
        cls.negated = true;
        ++i;
      }
      // One char of a range, with filepath.Match's rules.
      auto get_esc = [&](char32_t* out) {
        if (i >= n || t[i] == '-' || t[i] == ']') return false;
        if (t[i] == '\\' && ++i >= n) return false;
        size_t len;
        *out = decode(t, i, &len);
        i += len;
        return true;
      };
      for (;;) {
        if (i < n && t[i] == ']' && !cls.ranges.empty()) {
          ++i;
          break;
        }
        char32_t lo, hi;
        if (!get_esc(&lo)) return bad();
        hi = lo;
        if (i < n && t[i] == '-') {
          ++i;
          if (!get_esc(&hi)) return bad();
        }
        if (lo > hi) return bad();
        cls.ranges.emplace_back(lo, hi);
      }
      p.tokens.push_back(std::move(cls));
      p.type = Glob;
    } else {
      size_t len;
      decode(t, i, &len);
      lit(t.substr(i, len));
      if (c == ']') p.type = Glob;
      i += len;
    }
  }
  p.text = std::move(text);
  return p;
}

bool IgnoreMatcher::Pattern::glob(const std::vector<Token>& toks, size_t ti, std::string_view s,
                                  size_t si) {
  const size_t n = s.size();
  for (; ti < toks.size(); ++ti) {
    const Token& t = toks[ti];
    size_t len = 1;
    switch (t.kind) {
      case Token::Lit:
        if (s.substr(si).substr(0, t.lit.size()) != t.lit) return false;
        si += t.lit.size();
        break;
      case Token::Any:
        if (si >= n || s[si] == '/') return false;
        decode(s, si, &len);
        si += len;
        break;
      case Token::Class: {
        if (si >= n) return false;
        char32_t r = decode(s, si, &len);
        bool in = false;
        for (auto [lo, hi] : t.ranges) in = in || (lo <= r && r <= hi);
        if (in == t.negated) return false;
        si += len;
        break;
      }
      case Token::Star:
        for (size_t k = si;; k += len) {
          if (glob(toks, ti + 1, s, k)) return true;
          if (k >= n || s[k] == '/') return false;
          decode(s, k, &len);
        }
      case Token::AnyDirs:
        // Nothing, or anything up to and including a '/'.
        if (glob(toks, ti + 1, s, si)) return true;
        for (size_t k = si; k < n; ++k) {
          if (s[k] == '/' && glob(toks, ti + 1, s, k + 1)) return true;
        }
        return false;
      case Token::All:
        return true;  // only ever last
    }
  }
  return si == n;
}

bool IgnoreMatcher::Pattern::matches(std::string_view path) const {
  switch (type) {
    case Exact:
      return path == text;
    case Prefix:
      return path.starts_with(std::string_view(text).substr(0, text.size() - 2));
    case Suffix: {
      std::string_view suffix = std::string_view(text).substr(2);
      if (suffix.empty() || path.ends_with(suffix)) return true;
      return suffix[0] == '/' && path == suffix.substr(1);  // "**/foo" matches "foo"
    }
    case Glob:
      return glob(tokens, 0, path, 0);
  }
  return false;
}

// Whether this pattern could match a path strictly below the directory whose
// components are `dir`. False only when sure; `**` always answers true.
bool IgnoreMatcher::Pattern::could_match_below(const std::vector<std::string>& dir) const {
  std::string dir_slash = join(dir, "/") + "/";
  switch (type) {
    case Exact:
      return text.starts_with(dir_slash);
    case Prefix: {
      std::string_view prefix = std::string_view(text).substr(0, text.size() - 2);
      return dir_slash.starts_with(prefix) || prefix.starts_with(dir_slash);
    }
    case Suffix:
      return true;
    case Glob:
      break;
  }
  auto comps = split(text, '/');
  for (size_t i = 0; i < comps.size() && i < dir.size(); ++i) {
    if (comps[i].find("**") != std::string::npos) return true;
    auto part = compile(comps[i], false);
    if (!part) return true;  // a '/' inside [...] or after '\': don't guess
    if (!part->matches(dir[i])) return false;
  }
  // Without "**" a pattern matches paths of exactly its own depth only.
  return comps.size() > dir.size();
}

Result<IgnoreMatcher> IgnoreMatcher::parse(std::string_view text) {
  std::vector<std::string> lines;
  bool first = true;
  for (auto& line : split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (first && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    first = false;
    // The comment check comes before trimming, as in Docker's ReadAll.
    if (line.starts_with('#')) continue;
    lines.push_back(std::move(line));
  }
  return from_patterns(lines);
}

Result<IgnoreMatcher> IgnoreMatcher::from_patterns(const std::vector<std::string>& patterns) {
  IgnoreMatcher m;
  for (const auto& raw : patterns) {
    std::string_view s = trim(raw);
    if (s.empty()) continue;
    bool exception = s[0] == '!';
    if (exception) {
      s = trim(s.substr(1));
      if (s.empty()) return fail(ErrorKind::InvalidArgument, "illegal exclusion pattern: \"!\"");
    }
    auto pattern = Pattern::compile(normalize(s), exception);
    if (!pattern) return std::unexpected(std::move(pattern).error());
    m.patterns_.push_back(std::move(*pattern));
  }
  return m;
}

bool IgnoreMatcher::excluded(std::string_view rel_path) const {
  std::string path = normalize(rel_path);
  if (path == "." || path == "/") return false;  // never the whole context
  std::vector<std::string_view> parents;
  for (size_t pos = path.find('/'); pos != std::string::npos; pos = path.find('/', pos + 1)) {
    parents.push_back(std::string_view(path).substr(0, pos));
  }
  bool matched = false;
  for (const auto& p : patterns_) {
    // Only a pattern that could flip the answer is worth evaluating; this
    // makes the last matching pattern the one that decides.
    if (p.exception != matched) continue;
    bool m = p.matches(path);
    for (size_t i = 0; !m && i < parents.size(); ++i) m = p.matches(parents[i]);
    if (m) matched = !p.exception;
  }
  return matched;
}

bool IgnoreMatcher::can_skip_dir(std::string_view rel_dir) const {
  std::string dir = normalize(rel_dir);
  if (!excluded(dir)) return false;
  // Everything below an excluded dir stays excluded unless an exception
  // reaches deeper than the dir: patterns matching the dir or its parents
  // match its contents too (through the parents), so only deeper ones count.
  auto comps = split(dir, '/');
  for (const auto& p : patterns_) {
    if (p.exception && p.could_match_below(comps)) return false;
  }
  return true;
}

IgnoreMatcher IgnoreMatcher::keeping_build_files(std::string_view dockerfile_rel) const {
  IgnoreMatcher out = *this;
  auto keep = [&](std::string_view name) {
    if (!out.excluded(name)) return;
    auto p = Pattern::compile(literal_pattern(name), true);
    if (p) out.patterns_.push_back(std::move(*p));
  };
  keep(".dockerignore");
  if (!dockerfile_rel.empty()) keep(normalize(dockerfile_rel));
  return out;
}

bool IgnoreMatcher::is_always_sent(std::string_view rel_path, std::string_view dockerfile_rel) {
  std::string p = normalize(rel_path);
  return p == ".dockerignore" || (!dockerfile_rel.empty() && p == normalize(dockerfile_rel));
}

std::vector<std::string> IgnoreMatcher::patterns() const {
  std::vector<std::string> out;
  for (const auto& p : patterns_) out.push_back((p.exception ? "!" : "") + p.text);
  return out;
}

bool IgnoreMatcher::has_exceptions() const {
  for (const auto& p : patterns_) {
    if (p.exception) return true;
  }
  return false;
}

}  // namespace hako::build
