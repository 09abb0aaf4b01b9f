#include "compose/interpolate.h"

#include <fmt/format.h>

#include "base/strings.h"

namespace hako::compose {

namespace {

bool name_start(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

Result<std::string> substitute(std::string_view whole, std::string_view s, const Lookup& lookup,
                               std::vector<std::string>* warnings, int depth);

// The braced part "NAME[op word]" of ${...}.
Result<std::string> braced(std::string_view whole, std::string_view body, const Lookup& lookup,
                           std::vector<std::string>* warnings, int depth) {
  size_t n = 0;
  while (n < body.size() && name_char(body[n])) ++n;
  std::string name(body.substr(0, n));
  if (name.empty() || !name_start(name[0]))
    return fail(ErrorKind::InvalidArgument, "invalid interpolation format for \"{}\": \"${{{}}}\"; "
                "you may need to escape any $ with another $", whole, body);
  std::string_view rest = body.substr(n);
  std::optional<std::string> value = lookup(name);
  if (rest.empty()) {
    if (!value) {
      if (warnings)
        warnings->push_back(fmt::format("The \"{}\" variable is not set. Defaulting to a blank string.", name));
      return std::string();
    }
    return *value;
  }
  bool colon = rest[0] == ':';
  std::string_view op_rest = colon ? rest.substr(1) : rest;
  if (op_rest.empty() || (op_rest[0] != '-' && op_rest[0] != '?' && op_rest[0] != '+'))
    return fail(ErrorKind::InvalidArgument, "invalid interpolation format for \"{}\": \"${{{}}}\"; "
                "you may need to escape any $ with another $", whole, body);
  char op = op_rest[0];
  std::string_view word = op_rest.substr(1);
  bool unset = !value || (colon && value->empty());
  switch (op) {
    case '-':
      if (unset) return substitute(whole, word, lookup, warnings, depth + 1);
      return *value;
    case '?':
      if (unset) {
        TRY_ASSIGN(std::string msg, substitute(whole, word, lookup, warnings, depth + 1));
        return fail(ErrorKind::InvalidArgument, "required variable {} is missing a value{}{}", name,
                    msg.empty() ? "" : ": ", msg);
      }
      return *value;
    default:  // '+'
      if (!unset) return substitute(whole, word, lookup, warnings, depth + 1);
      return std::string();
  }
}

Result<std::string> substitute(std::string_view whole, std::string_view s, const Lookup& lookup,
                               std::vector<std::string>* warnings, int depth) {
  if (depth > 50) return fail(ErrorKind::InvalidArgument, "interpolation of \"{}\" nested too deeply", whole);
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c != '$' || i + 1 >= s.size()) {
      out += c;
      ++i;
      continue;
    }
    char next = s[i + 1];
    if (next == '$') {
      out += '$';
      i += 2;
    } else if (next == '{') {
      size_t j = i + 2;
      int level = 1;
      while (j < s.size()) {
        if (s[j] == '$' && j + 1 < s.size() && s[j + 1] == '$') {
          j += 2;
          continue;
        }
        if (s[j] == '$' && j + 1 < s.size() && s[j + 1] == '{') {
          ++level;
          j += 2;
          continue;
        }
        if (s[j] == '}' && --level == 0) break;
        ++j;
      }
      if (j >= s.size())
        return fail(ErrorKind::InvalidArgument, "invalid interpolation format for \"{}\": \"{}\"; "
                    "you may need to escape any $ with another $", whole, s.substr(i));
      TRY_ASSIGN(std::string v, braced(whole, s.substr(i + 2, j - i - 2), lookup, warnings, depth));
      out += v;
      i = j + 1;
    } else if (name_start(next)) {
      size_t j = i + 1;
      while (j < s.size() && name_char(s[j])) ++j;
      std::string name(s.substr(i + 1, j - i - 1));
      auto v = lookup(name);
      if (!v && warnings)
        warnings->push_back(fmt::format("The \"{}\" variable is not set. Defaulting to a blank string.", name));
      out += v.value_or("");
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

Result<std::string> interpolate(std::string_view s, const Lookup& lookup, std::vector<std::string>* warnings) {
  return substitute(s, s, lookup, warnings, 0);
}

Result<EnvList> parse_env_file(std::string_view text, const std::string& what, const Lookup& lookup) {
  EnvList out;
  std::map<std::string, std::string> seen;
  Lookup inner = [&](const std::string& name) -> std::optional<std::string> {
    if (auto v = lookup ? lookup(name) : std::nullopt) return v;
    if (auto it = seen.find(name); it != seen.end()) return it->second;
    return std::nullopt;
  };
  size_t i = 0;
  int line = 1;
  auto set = [&](const std::string& k, const std::string& v) {
    seen[k] = v;
    for (auto& e : out)
      if (e.first == k) {
        e.second = v;
        return;
      }
    out.emplace_back(k, v);
  };
  while (i < text.size()) {
    // Skip leading blanks of the line.
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i >= text.size()) break;
    if (text[i] == '\n' || text[i] == '\r') {
      if (text[i] == '\n') ++line;
      ++i;
      continue;
    }
    if (text[i] == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    int key_line = line;
    if (text.substr(i, 7) == "export ") {
      i += 7;
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    }
    size_t k0 = i;
    while (i < text.size() && text[i] != '=' && text[i] != '\n' && text[i] != '#') ++i;
    std::string key(trim(text.substr(k0, i - k0)));
    if (key.empty() || key.find_first_of(" \t") != std::string::npos) {
      return fail(ErrorKind::InvalidArgument, "{}:{}: unexpected character in variable name \"{}\"", what,
                  key_line, std::string(text.substr(k0, i - k0)));
    }
    if (i >= text.size() || text[i] != '=') {
      // A bare KEY: inherit from the environment.
      while (i < text.size() && text[i] != '\n') ++i;
      if (auto v = lookup ? lookup(key) : std::nullopt) set(key, *v);
      continue;
    }
    ++i;  // '='
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    std::string value;
    if (i < text.size() && (text[i] == '\'' || text[i] == '"')) {
      char q = text[i++];
      size_t start = i;
      std::string raw;
      bool closed = false;
      while (i < text.size()) {
        char c = text[i];
        if (c == '\n') ++line;
        if (q == '"' && c == '\\' && i + 1 < text.size()) {
          char e = text[i + 1];
          switch (e) {
            case 'n': raw += '\n'; break;
            case 't': raw += '\t'; break;
            case 'r': raw += '\r'; break;
            case '"': raw += '"'; break;
            case '\\': raw += '\\'; break;
            case '$': raw += "$$"; break;
            default: raw += '\\'; raw += e; break;
          }
          i += 2;
          continue;
        }
        if (c == q) {
          closed = true;
          break;
        }
        raw += c;
        ++i;
      }
      (void)start;
      if (!closed) return fail(ErrorKind::InvalidArgument, "{}:{}: unterminated quoted value", what, key_line);
      ++i;  // closing quote
      while (i < text.size() && text[i] != '\n') ++i;  // rest of the line (comment)
      if (q == '"') {
        TRY_ASSIGN(value, interpolate(raw, inner));
      } else {
        value = raw;
      }
    } else {
      size_t v0 = i;
      while (i < text.size() && text[i] != '\n') ++i;
      std::string raw(text.substr(v0, i - v0));
      if (!raw.empty() && raw.back() == '\r') raw.pop_back();
      // An inline comment needs a blank before '#'.
      for (size_t p = 0; p < raw.size(); ++p)
        if (raw[p] == '#' && (p == 0 || raw[p - 1] == ' ' || raw[p - 1] == '\t')) {
          raw.resize(p);
          break;
        }
      raw = std::string(trim(raw));
      TRY_ASSIGN(value, interpolate(raw, inner));
    }
    set(key, value);
  }
  return out;
}

Result<std::vector<std::string>> split_shell_words(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  bool have = false, sq = false, dq = false, esc = false;
  for (char c : s) {
    if (esc) {
      cur += c;
      esc = false;
      have = true;
      continue;
    }
    if (c == '\\' && !sq) {
      esc = true;
      continue;
    }
    if (sq) {
      if (c == '\'') sq = false;
      else cur += c;
      continue;
    }
    if (dq) {
      if (c == '"') dq = false;
      else cur += c;
      continue;
    }
    if (c == '\'') {
      sq = true;
      have = true;
    } else if (c == '"') {
      dq = true;
      have = true;
    } else if (is_space(c)) {
      if (have) out.push_back(cur);
      cur.clear();
      have = false;
    } else {
      cur += c;
      have = true;
    }
  }
  if (sq || dq || esc) return fail(ErrorKind::InvalidArgument, "invalid command line string: {}", s);
  if (have) out.push_back(cur);
  return out;
}

}  // namespace hako::compose
