#include "engine/spec/env_file.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "base/files.h"

namespace hako::engine {

namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length, 0 when invalid
// (overlong forms, surrogates and values above U+10FFFF, as Go's utf8.Valid).
size_t utf8_sequence(std::string_view s, size_t i, uint32_t* cp) {
  auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    *cp = b;
    return 1;
  }
  size_t len;
  uint32_t v, min;
  if ((b & 0xE0) == 0xC0) len = 2, v = b & 0x1F, min = 0x80;
  else if ((b & 0xF0) == 0xE0) len = 3, v = b & 0x0F, min = 0x800;
  else if ((b & 0xF8) == 0xF0) len = 4, v = b & 0x07, min = 0x10000;
  else return 0;
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    v = (v << 6) | (c & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

bool valid_utf8(std::string_view s) {
  uint32_t cp;
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_sequence(s, i, &cp);
    if (!n) return false;
    i += n;
  }
  return true;
}

// unicode.IsSpace.
bool is_unicode_space(uint32_t c) {
  switch (c) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

std::string_view trim_left_space(std::string_view s) {
  uint32_t cp;
  while (!s.empty()) {
    size_t n = utf8_sequence(s, 0, &cp);
    if (!n || !is_unicode_space(cp)) break;
    s.remove_prefix(n);
  }
  return s;
}

std::string go_bytes(std::string_view s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += ' ';
    out += std::to_string(static_cast<unsigned char>(s[i]));
  }
  return out + "]";
}

// Go's errno strings are strerror's, lower-cased.
std::string go_errno_text(int err) {
  std::string text = std::strerror(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

}  // namespace

std::optional<std::string> process_env(const std::string& key) {
  const char* v = std::getenv(key.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

Result<std::vector<std::string>> parse_kv_lines(std::string_view content, const EnvLookup& lookup) {
  std::vector<std::string> out;
  constexpr size_t kMaxLine = 64 * 1024;  // bufio.MaxScanTokenSize
  size_t pos = 0;
  for (int line_no = 1; pos < content.size(); ++line_no) {
    size_t nl = content.find('\n', pos);
    std::string_view raw = content.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? content.size() : nl + 1;
    if (raw.size() >= kMaxLine) return fail(ErrorKind::InvalidArgument, "bufio.Scanner: token too long");
    if (raw.ends_with('\r')) raw.remove_suffix(1);
    if (!valid_utf8(raw))
      return fail(ErrorKind::InvalidArgument, "invalid utf8 bytes at line {}: {}", line_no, go_bytes(raw));
    if (line_no == 1 && raw.starts_with("\xEF\xBB\xBF")) raw.remove_prefix(3);
    std::string_view line = trim_left_space(raw);
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    std::string_view key = line.substr(0, eq);
    if (key.empty()) return fail(ErrorKind::InvalidArgument, "no variable name on line '{}'", line);
    if (key.find_first_of(" \t") != std::string_view::npos)
      return fail(ErrorKind::InvalidArgument, "variable '{}' contains whitespaces", key);
    if (eq != std::string_view::npos) {
      out.emplace_back(line);
      continue;
    }
    if (lookup) {
      if (auto value = lookup(std::string(line))) out.push_back(std::string(key) + "=" + *value);
    }
  }
  return out;
}

Result<std::string> read_file_go(const std::string& path) {
  auto content = read_file(path);
  if (content) return content;
  int err = content.error().sys_errno();
  if (!err) return content;
  const char* verb = content.error().message().starts_with("read ") ? "read" : "open";
  return std::unexpected(Error(kind_for_errno(err), fmt::format("{} {}: {}", verb, path, go_errno_text(err)), err));
}

Result<std::vector<std::string>> parse_kv_file(const std::string& path, const EnvLookup& lookup) {
  TRY_ASSIGN(auto content, read_file_go(path));
  auto lines = parse_kv_lines(content, lookup);
  if (!lines) return std::unexpected(lines.error().context(fmt::format("invalid env file ({})", path)));
  return lines;
}

Result<std::string> expand_env_flag(const std::string& value, const EnvLookup& lookup) {
  size_t eq = value.find('=');
  if (eq == 0 || value.empty()) return fail(ErrorKind::InvalidArgument, "invalid environment variable: {}", value);
  if (eq != std::string::npos) return value;
  if (lookup) {
    if (auto v = lookup(value)) return value + "=" + *v;
  }
  return value;
}

}  // namespace hako::engine
