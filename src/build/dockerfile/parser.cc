// BuildKit's frontend/dockerfile/parser, rewritten: the line scanner (parser
// directives, continuations, comments, heredoc bodies) and the per-instruction
// argument parsers of line_parsers.go. Quirks are kept on purpose: the dump of
// every Dockerfile must be byte-for-byte BuildKit's.
#include "build/dockerfile/parser.h"

#include "cli/format/gofmt.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

namespace hako::build::parser {
namespace {

std::unexpected<Error> line_error(int line, std::string_view msg) {
  return fail(ErrorKind::InvalidArgument, "line {}: {}", line, msg);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Go's unicode.IsSpace on UTF-8 text, for the spaces that can turn up in a
// Dockerfile: ASCII whitespace, U+0085 and U+00A0. Returns the byte length.
size_t space_at(std::string_view s, size_t pos) {
  unsigned char c = static_cast<unsigned char>(s[pos]);
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  if (c == 0xC2 && pos + 1 < s.size() && (s[pos + 1] == '\x85' || s[pos + 1] == '\xA0')) return 2;
  return 0;
}

// unicode.IsSpace(rune(b)) on a single byte, as BuildKit's byte loops do.
bool is_space_byte(char ch) {
  unsigned char c = static_cast<unsigned char>(ch);
  return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xA0;
}

std::string_view trim_left_space(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t n = space_at(s, i);
    if (n == 0) break;
    i += n;
  }
  return s.substr(i);
}

std::string_view trim_right_space(std::string_view s) {
  while (!s.empty()) {
    unsigned char c = static_cast<unsigned char>(s.back());
    if (c == ' ' || (c >= '\t' && c <= '\r')) {
      s.remove_suffix(1);
    } else if (s.size() >= 2 && static_cast<unsigned char>(s[s.size() - 2]) == 0xC2 &&
               (c == 0x85 || c == 0xA0)) {
      s.remove_suffix(2);
    } else {
      break;
    }
  }
  return s;
}

std::string_view trim_space(std::string_view s) { return trim_right_space(trim_left_space(s)); }

std::string_view trim_newline(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

bool is_comment(std::string_view line) {
  std::string_view t = trim_left_space(trim_newline(line));
  return !t.empty() && t[0] == '#';
}

// The character class of BuildKit's reWhitespace, `[\t\v\f\r ]+`.
bool is_ws_re(char c) { return c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == ' '; }

// regexp reWhitespace.Split(s, n): n = -1 for all pieces.
std::vector<std::string> split_ws(std::string_view s, int n) {
  std::vector<std::string> out;
  size_t start = 0, i = 0;
  while (i < s.size()) {
    if (n > 0 && static_cast<int>(out.size()) == n - 1) break;
    if (is_ws_re(s[i])) {
      size_t j = i;
      while (j < s.size() && is_ws_re(s[j])) ++j;
      out.emplace_back(s.substr(start, i - start));
      start = i = j;
    } else {
      ++i;
    }
  }
  out.emplace_back(s.substr(start));
  return out;
}

// Go's regexp `\s`: [\t\n\f\r ].
bool is_re_space(char c) { return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '; }

// reDirective, `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`.
bool match_directive(std::string_view line, std::string* key, std::string* value) {
  size_t i = 0;
  if (line.empty() || line[0] != '#') return false;
  ++i;
  while (i < line.size() && is_re_space(line[i])) ++i;
  if (i >= line.size() || !std::isalpha(static_cast<unsigned char>(line[i]))) return false;
  size_t ks = i;
  while (i < line.size() && std::isalnum(static_cast<unsigned char>(line[i]))) ++i;
  *key = std::string(line.substr(ks, i - ks));
  while (i < line.size() && is_re_space(line[i])) ++i;
  if (i >= line.size() || line[i] != '=') return false;
  ++i;
  std::string_view tail = line.substr(i);
  if (tail.empty() || tail.find('\n') != std::string_view::npos) return false;
  size_t b = 0;
  while (b < tail.size() && is_re_space(tail[b])) ++b;
  size_t e = tail.size();
  while (e > b && is_re_space(tail[e - 1])) --e;
  // All blanks: the lazy group still takes one character, the last one.
  *value = b == e ? std::string(tail.substr(tail.size() - 1)) : std::string(tail.substr(b, e - b));
  return true;
}

// Scanner state: the escape token and the parser directives seen so far.
struct Directives {
  char escape = '\\';
  bool done = false;
  std::set<std::string> seen;
  std::string syntax, check;

  Result<void> set_escape(std::string_view s) {
    if (s != "`" && s != "\\") {
      return fail(ErrorKind::InvalidArgument, "invalid ESCAPE '{}'. Must be ` or \\", s);
    }
    escape = s[0];
    return {};
  }

  // Directives count only until the first line that is not one.
  Result<void> possible_directive(std::string_view line) {
    if (done) return {};
    std::string key, value;
    if (!match_directive(line, &key, &value)) {
      done = true;
      return {};
    }
    key = lower(key);
    if (key != "escape" && key != "syntax" && key != "check") {
      done = true;
      return {};
    }
    if (!seen.insert(key).second) {
      return fail(ErrorKind::InvalidArgument, "only one {} parser directive can be used", key);
    }
    if (key == "escape") return set_escape(value);
    (key == "syntax" ? syntax : check) = value;
    return {};
  }
};

// lineContinuationRegex: the escape token at the end of the line (trailing
// blanks allowed) unless the token is itself escaped; the token and the
// blanks go. Returns true when the line does not continue.
bool trim_continuation(std::string& line, char esc) {
  size_t e = line.size();
  while (e > 0 && (line[e - 1] == ' ' || line[e - 1] == '\t')) --e;
  if (e == 0 || line[e - 1] != esc) return true;
  if (e >= 2 && line[e - 2] == esc) return true;
  line.resize(e - 1);
  return false;
}

Result<std::string> process_line(Directives& d, std::string_view token, bool strip_left) {
  token = trim_newline(token);
  if (strip_left) token = trim_left_space(token);
  TRY(d.possible_directive(token));
  if (is_comment(token)) return std::string();
  return std::string(token);
}

// extractBuilderFlags: the leading `--name=value` words; `--` ends them.
std::string extract_flags(std::string_view line, std::vector<std::string>* words) {
  enum { InSpaces, InWord, InQuote } phase = InSpaces;
  std::string word;
  char quote = 0;
  bool blank_ok = false;
  char ch = 0;
  for (size_t pos = 0; pos <= line.size(); ++pos) {
    if (pos != line.size()) ch = line[pos];
    if (phase == InSpaces) {
      if (pos == line.size()) break;
      if (is_space_byte(ch)) continue;
      if (ch != '-' || pos + 1 == line.size() || line[pos + 1] != '-') {
        return std::string(line.substr(pos));
      }
      phase = InWord;
    }
    if (pos == line.size()) {
      if (word != "--" && (blank_ok || !word.empty())) words->push_back(word);
      break;
    }
    if (phase == InWord) {
      if (is_space_byte(ch)) {
        phase = InSpaces;
        if (word == "--") return std::string(line.substr(pos));
        if (blank_ok || !word.empty()) words->push_back(word);
        word.clear();
        blank_ok = false;
        continue;
      }
      if (ch == '\'' || ch == '"') {
        quote = ch;
        blank_ok = true;
        phase = InQuote;
        continue;
      }
      if (ch == '\\') {
        if (pos + 1 == line.size()) continue;
        ch = line[++pos];
      }
      word += ch;
      continue;
    }
    // InQuote
    if (ch == quote) {
      phase = InWord;
      continue;
    }
    if (ch == '\\') {
      if (pos + 1 == line.size()) {
        phase = InWord;
        continue;
      }
      ch = line[++pos];
    }
    word += ch;
  }
  return "";
}

// parseWords: words split on spaces, quotes and escapes kept in the words.
std::vector<std::string> parse_words(std::string_view rest, char esc) {
  enum { InSpaces, InWord, InQuote } phase = InSpaces;
  std::vector<std::string> words;
  std::string word;
  char quote = 0;
  bool blank_ok = false;
  for (size_t pos = 0; pos <= rest.size();) {
    char ch = pos < rest.size() ? rest[pos] : 0;
    size_t sp = pos < rest.size() ? space_at(rest, pos) : 0;
    if (phase == InSpaces) {
      if (pos == rest.size()) break;
      if (sp) {
        pos += sp;
        continue;
      }
      phase = InWord;
    }
    if (pos == rest.size()) {
      if (blank_ok || !word.empty()) words.push_back(word);
      break;
    }
    if (phase == InWord) {
      if (sp) {
        phase = InSpaces;
        if (blank_ok || !word.empty()) words.push_back(word);
        word.clear();
        blank_ok = false;
        pos += sp;
        continue;
      }
      if (ch == '\'' || ch == '"') {
        quote = ch;
        blank_ok = true;
        phase = InQuote;
      }
      if (ch == esc) {
        if (pos + 1 == rest.size()) {
          ++pos;  // an escape at the very end is dropped
          continue;
        }
        // Unquoted, the escape and the next character are both kept.
        word += ch;
        ch = rest[++pos];
      }
      word += ch;
      ++pos;
      continue;
    }
    // InQuote: single quotes escape nothing.
    if (ch == quote) phase = InWord;
    if (ch == esc && quote != '\'') {
      if (pos + 1 == rest.size()) {
        phase = InWord;
        ++pos;
        continue;
      }
      word += ch;
      ch = rest[++pos];
    }
    word += ch;
    ++pos;
  }
  return words;
}

Node arg(std::string value) {
  Node n;
  n.value = std::move(value);
  return n;
}

// What a line parser gives back: the argument chain and the json attribute.
struct Args {
  std::vector<Node> next;
  bool json = false;
};
using LineParser = std::function<Result<Args>(std::string_view rest, const Directives& d)>;

const char kNotStringArray[] = "when using JSON array syntax, arrays must be comprised of strings only";

// parseJSON: a JSON array of strings. `hard` is set when it was a valid
// array with something other than strings (an error, not a fallback).
std::optional<Args> parse_json(std::string_view rest, bool* hard) {
  rest = trim_left_space(rest);
  if (rest.empty() || rest[0] != '[') return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(rest.begin(), rest.end(), nullptr, false);
  if (j.is_discarded() || !j.is_array()) return std::nullopt;
  Args a;
  a.json = true;
  for (const auto& el : j) {
    if (!el.is_string()) {
      *hard = true;
      return std::nullopt;
    }
    a.next.push_back(arg(el.get<std::string>()));
  }
  return a;
}

Result<Args> parse_ignore(std::string_view, const Directives&) { return Args{}; }

Result<Args> parse_string(std::string_view rest, const Directives&) {
  Args a;
  if (!rest.empty()) a.next.push_back(arg(std::string(rest)));
  return a;
}

Result<Args> parse_strings_ws(std::string_view rest, const Directives&) {
  Args a;
  if (rest.empty()) return a;
  for (auto& s : split_ws(rest, -1)) a.next.push_back(arg(std::move(s)));
  return a;
}

Result<Args> parse_maybe_json(std::string_view rest, const Directives&) {
  if (rest.empty()) return Args{};
  bool hard = false;
  if (auto j = parse_json(rest, &hard)) return *j;
  if (hard) return fail(ErrorKind::InvalidArgument, kNotStringArray);
  Args a;
  a.next.push_back(arg(std::string(rest)));
  return a;
}

Result<Args> parse_maybe_json_to_list(std::string_view rest, const Directives& d) {
  bool hard = false;
  if (auto j = parse_json(rest, &hard)) return *j;
  if (hard) return fail(ErrorKind::InvalidArgument, kNotStringArray);
  return parse_strings_ws(rest, d);
}

// ENV and LABEL: legacy `KEY value` (separator "") or `k=v ...` words ("=").
Result<Args> parse_name_val(std::string_view rest, std::string_view key, const Directives& d) {
  Args a;
  std::vector<std::string> words = parse_words(rest, d.escape);
  if (words.empty()) return a;
  if (words[0].find('=') == std::string::npos) {
    std::vector<std::string> parts = split_ws(rest, 2);
    if (parts.size() < 2) return fail(ErrorKind::InvalidArgument, "{} must have two arguments", key);
    a.next = {arg(parts[0]), arg(parts[1]), arg("")};
    return a;
  }
  for (const auto& w : words) {
    size_t eq = w.find('=');
    if (eq == std::string::npos) {
      return fail(ErrorKind::InvalidArgument,
                  "Syntax error - can't find = in {}. Must be of the form: name=value", go_quote(w));
    }
    a.next.push_back(arg(w.substr(0, eq)));
    a.next.push_back(arg(w.substr(eq + 1)));
    a.next.push_back(arg("="));
  }
  return a;
}

Result<Args> parse_name_or_name_val(std::string_view rest, const Directives& d) {
  Args a;
  for (auto& w : parse_words(rest, d.escape)) a.next.push_back(arg(std::move(w)));
  return a;
}

// HEALTHCHECK: a type word, then the rest as parseMaybeJSON.
Result<Args> parse_health(std::string_view rest, const Directives& d) {
  size_t sep = 0;
  while (sep < rest.size() && !is_space_byte(rest[sep])) ++sep;
  size_t next = sep;
  while (next < rest.size() && is_space_byte(rest[next])) ++next;
  if (sep == 0) return Args{};
  TRY_ASSIGN(Args cmd, parse_maybe_json(rest.substr(next), d));
  Args a;
  a.json = cmd.json;
  a.next.push_back(arg(std::string(rest.substr(0, sep))));
  for (auto& n : cmd.next) a.next.push_back(std::move(n));
  return a;
}

Result<Node> node_from_line(std::string_view line, const Directives& d, std::vector<std::string> comments);

Result<Args> parse_sub_command(std::string_view rest, const Directives& d) {
  Args a;
  if (rest.empty()) return a;
  TRY_ASSIGN(Node child, node_from_line(rest, d, {}));
  Node holder;
  holder.children.push_back(std::move(child));
  a.next.push_back(std::move(holder));
  return a;
}

const std::map<std::string, LineParser>& dispatch() {
  static const std::map<std::string, LineParser> table = {
      {"add", parse_maybe_json_to_list},
      {"arg", parse_name_or_name_val},
      {"cmd", parse_maybe_json},
      {"copy", parse_maybe_json_to_list},
      {"entrypoint", parse_maybe_json},
      {"env", [](std::string_view r, const Directives& d) { return parse_name_val(r, "ENV", d); }},
      {"expose", parse_strings_ws},
      {"from", parse_strings_ws},
      {"healthcheck", parse_health},
      {"label", [](std::string_view r, const Directives& d) { return parse_name_val(r, "LABEL", d); }},
      {"maintainer", parse_string},
      {"onbuild", parse_sub_command},
      {"run", parse_maybe_json},
      {"shell", parse_maybe_json},
      {"stopsignal", parse_string},
      {"user", parse_string},
      {"volume", parse_maybe_json_to_list},
      {"workdir", parse_string},
  };
  return table;
}

Result<Node> node_from_line(std::string_view line, const Directives& d, std::vector<std::string> comments) {
  std::vector<std::string> cmdline = split_ws(trim_space(line), 2);
  Node n;
  n.value = cmdline[0];
  std::string args;
  if (cmdline.size() == 2) args = extract_flags(cmdline[1], &n.flags);
  const auto& table = dispatch();
  auto it = table.find(lower(n.value));
  LineParser fn = it == table.end() ? LineParser(parse_ignore) : it->second;
  TRY_ASSIGN(Args a, fn(trim_space(args), d));
  n.next = std::move(a.next);
  n.json = a.json;
  n.original = std::string(line);
  n.prev_comments = std::move(comments);
  return n;
}

// canContainHeredoc: RUN, COPY and ADD in shell form, also under ONBUILD.
bool can_contain_heredoc(const Node& node) {
  const Node* n = &node;
  if (lower(n->value) == "onbuild" && !n->next.empty() && !n->next[0].children.empty()) {
    n = &n->next[0].children[0];
  }
  std::string k = lower(n->value);
  return (k == "run" || k == "copy" || k == "add") && !n->json;
}

// A small POSIX-ish word splitter, enough for finding heredoc words the way
// BuildKit's shell lexer does (no variable expansion: there is no env here).
// raw_quotes keeps quote characters; raw_escapes keeps backslashes.
Result<std::vector<std::string>> shell_words(std::string_view s, bool raw_quotes, bool raw_escapes) {
  std::vector<std::string> words;
  std::string word;
  bool have = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (is_space_byte(c)) {
      if (have) words.push_back(word);
      word.clear();
      have = false;
      continue;
    }
    have = true;
    if (c == '\\') {
      if (raw_escapes) word += c;
      if (i + 1 < s.size()) word += s[++i];
    } else if (c == '\'') {
      if (raw_quotes) word += c;
      size_t e = s.find('\'', i + 1);
      if (e == std::string_view::npos) {
        return fail(ErrorKind::InvalidArgument, "unexpected end of statement while looking for matching single-quote");
      }
      word += s.substr(i + 1, e - i - 1);
      if (raw_quotes) word += c;
      i = e;
    } else if (c == '"') {
      if (raw_quotes) word += c;
      bool closed = false;
      for (++i; i < s.size(); ++i) {
        char q = s[i];
        if (q == '"') {
          closed = true;
          break;
        }
        if (q == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '$' || s[i + 1] == '\\')) {
          if (raw_escapes) word += q;
          q = s[++i];
        }
        word += q;
      }
      if (!closed) {
        return fail(ErrorKind::InvalidArgument, "unexpected end of statement while looking for matching double-quote");
      }
      if (raw_quotes) word += c;
    } else {
      word += c;
    }
  }
  if (have) words.push_back(word);
  return words;
}

size_t count_quotes(std::string_view s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\'') + std::count(s.begin(), s.end(), '"'));
}

Result<std::vector<Heredoc>> heredocs_from_line(std::string_view line) {
  std::vector<Heredoc> docs;
  auto words = shell_words(line, true, true);
  if (!words) return docs;  // BuildKit ignores lexing errors here
  for (const auto& w : *words) {
    Heredoc h;
    TRY_ASSIGN(bool is_heredoc, parse_heredoc_word(w, &h));
    if (is_heredoc) docs.push_back(std::move(h));
  }
  return docs;
}

}  // namespace

Result<bool> parse_heredoc_word(std::string_view src, Heredoc* out) {
  // ^(\d*)<<(-?)([^<]*)$
  size_t i = 0;
  while (i < src.size() && std::isdigit(static_cast<unsigned char>(src[i]))) ++i;
  std::string_view digits = src.substr(0, i);
  if (src.substr(i, 2) != "<<") return false;
  i += 2;
  bool chomp = i < src.size() && src[i] == '-';
  if (chomp) ++i;
  std::string_view rest = src.substr(i);
  if (rest.empty() || rest.find('<') != std::string_view::npos) return false;

  // Lexed with and without quotes: if they differ, part of the word was
  // quoted, and the body is not to be expanded.
  TRY_ASSIGN(auto words, shell_words(rest, false, false));
  if (words.size() != 1) return false;
  TRY_ASSIGN(auto raw, shell_words(rest, true, false));
  if (raw.size() != words.size()) {
    return fail(ErrorKind::InvalidArgument, "internal lexing of heredoc produced inconsistent results: {}", rest);
  }
  out->name = words[0];
  out->expand = count_quotes(words[0]) == count_quotes(raw[0]);
  out->chomp = chomp;
  out->fd = 0;
  for (char c : digits) out->fd = out->fd * 10 + static_cast<unsigned>(c - '0');
  return true;
}

std::string chomp_heredoc_content(std::string_view content) {
  std::string out;
  bool at_start = true;
  for (char c : content) {
    if (at_start && c == '\t') continue;
    at_start = c == '\n';
    out += c;
  }
  return out;
}

Result<ParseResult> parse(std::string_view text, char escape) {
  // Lines keep their "\n": heredoc bodies are made of whole lines.
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  size_t idx = 0;
  auto scan = [&](std::string_view* out) {
    if (idx >= lines.size()) return false;
    *out = lines[idx++];
    return true;
  };

  Directives d;
  d.escape = escape;
  ParseResult res;
  res.ast.start_line = -1;
  int current = 0;
  std::vector<std::string> comments;
  std::string_view raw;
  while (scan(&raw)) {
    std::string_view first = raw;
    if (current == 0 && first.starts_with("\xEF\xBB\xBF")) first.remove_prefix(3);
    if (is_comment(first)) {
      std::string_view c = trim_space(trim_left_space(trim_newline(first)).substr(1));
      if (c.empty()) {
        comments.clear();
      } else {
        comments.emplace_back(c);
      }
    }
    auto processed = process_line(d, first, true);
    if (!processed) return line_error(current + 1, processed.error().message());
    current++;
    int start = current;
    std::string buf = std::move(*processed);
    bool eol = trim_continuation(buf, d.escape);
    if (eol && buf.empty()) continue;

    bool empty_continuation = false;
    while (!eol && scan(&raw)) {
      auto cont = process_line(d, raw, false);
      if (!cont) return line_error(current + 1, cont.error().message());
      current++;
      if (is_comment(raw)) continue;  // comments inside a continuation vanish
      if (trim_left_space(trim_newline(*cont)).empty()) {
        empty_continuation = true;
        continue;
      }
      eol = trim_continuation(*cont, d.escape);
      buf += *cont;
    }
    if (empty_continuation) {
      res.warnings.push_back({"Empty continuation line found in: " + buf, current});
    }

    auto child = node_from_line(buf, d, comments);
    if (!child) return line_error(start, child.error().message());

    if (can_contain_heredoc(*child) && buf.find("<<") != std::string::npos) {
      auto heredocs = heredocs_from_line(buf);
      if (!heredocs) return line_error(start, heredocs.error().message());
      for (auto& h : *heredocs) {
        bool terminated = false;
        while (scan(&raw)) {
          current++;
          std::string_view candidate = trim_newline(raw);
          if (h.chomp) {
            while (!candidate.empty() && candidate[0] == '\t') candidate.remove_prefix(1);
          }
          if (candidate == h.name) {
            terminated = true;
            break;
          }
          h.content += raw;
        }
        if (!terminated) return line_error(start, "unterminated heredoc");
        child->heredocs.push_back(std::move(h));
      }
    }

    child->start_line = start;
    child->end_line = current;
    if (res.ast.start_line < 0) res.ast.start_line = start;
    res.ast.end_line = current;
    res.ast.children.push_back(std::move(*child));
    comments.clear();
  }
  if (res.ast.start_line < 0) return line_error(std::max(current, 1), "file with no instructions");
  res.escape = d.escape;
  res.syntax = d.syntax;
  res.check = d.check;
  return res;
}

std::string dump(const Node& node) {
  std::string s = lower(node.value);
  if (!node.flags.empty()) {
    s += " [";
    for (size_t i = 0; i < node.flags.size(); ++i) {
      if (i) s += ' ';
      s += go_quote(node.flags[i]);
    }
    s += ']';
  }
  for (const auto& c : node.children) s += "(" + dump(c) + ")\n";
  for (const auto& n : node.next) {
    s += ' ';
    s += n.children.empty() ? go_quote(n.value) : dump(n);
  }
  return std::string(trim_space(s));
}

// Go's strconv.Quote, the project's one (cli/format: also behind templates'
// printf %q).
std::string go_quote(std::string_view s) { return cli::format::go_quote(s); }

}  // namespace hako::build::parser
