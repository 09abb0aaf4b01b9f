#include "scan/langpkg/toml_subset.h"

#include "base/strings.h"

namespace hako::scan::langpkg_detail {

namespace {

// How much a line changes the [ ] nesting depth, brackets in strings aside.
int bracket_delta(std::string_view s) {
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == '\\' && quote == '"') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      break;
    } else if (c == '[') {
      ++depth;
    } else if (c == ']') {
      --depth;
    }
  }
  return depth;
}

// A basic ("...", with escapes) or literal ('...') one-line string; false
// for any other value.
bool parse_string(std::string_view v, std::string& out) {
  if (v.size() < 2 || (v[0] != '"' && v[0] != '\'')) return false;
  char quote = v[0];
  out.clear();
  for (size_t i = 1; i < v.size(); ++i) {
    char c = v[i];
    if (c == quote) return true;
    if (c == '\\' && quote == '"' && i + 1 < v.size()) {
      char e = v[++i];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        default: out += e; break;  // \" \\ and, approximately, the rest
      }
      continue;
    }
    out += c;
  }
  return false;  // unterminated
}

}  // namespace

std::vector<TomlTable> toml_array_tables(std::string_view content, std::string_view name) {
  std::vector<TomlTable> tables;
  const std::string header = "[[" + std::string(name) + "]]";
  bool in_table = false;
  int array_depth = 0;           // > 0 inside a multi-line array
  std::string_view string_end;   // non-empty inside a multi-line string
  for (const std::string& raw : split(content, '\n')) {
    std::string_view line = trim(raw);
    if (!string_end.empty()) {
      if (line.find(string_end) != std::string_view::npos) string_end = {};
      continue;
    }
    if (array_depth > 0) {
      array_depth += bracket_delta(line);
      continue;
    }
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      in_table = line == header;
      if (in_table) tables.emplace_back();
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key(trim(line.substr(0, eq)));
    std::string_view value = trim(line.substr(eq + 1));
    for (std::string_view triple : {"\"\"\"", "'''"}) {
      if (value.starts_with(triple) && value.substr(3).find(triple) == std::string_view::npos) string_end = triple;
    }
    if (!string_end.empty()) continue;
    if (value.starts_with('[')) {
      array_depth = bracket_delta(value);
      continue;
    }
    std::string s;
    if (in_table && parse_string(value, s)) {
      if (key.size() >= 2 && key.front() == '"' && key.back() == '"') key = key.substr(1, key.size() - 2);
      tables.back()[key] = std::move(s);
    }
  }
  return tables;
}

}  // namespace hako::scan::langpkg_detail
