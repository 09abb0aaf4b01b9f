#include "engine/spec/values.h"

#include <sched.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>
#include <vector>

#include "base/strings.h"

namespace hako::engine {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string format_go_duration(int64_t ns) {
  if (ns == 0) return "0s";
  bool neg = ns < 0;
  uint64_t u = neg ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  // The digits of v / 10^prec, without trailing zeros (Go's fmtFrac).
  auto frac = [](uint64_t v, int prec, uint64_t& rest) {
    std::string digits;
    bool print = false;
    for (int i = 0; i < prec; ++i) {
      int digit = static_cast<int>(v % 10);
      print = print || digit != 0;
      if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
      v /= 10;
    }
    rest = v;
    return print ? "." + digits : std::string();
  };
  std::string out;
  if (u < 1000000000ULL) {
    int prec = 0;
    std::string unit;
    if (u < 1000) {
      unit = "ns";
    } else if (u < 1000000) {
      prec = 3;
      unit = "\u00b5s";
    } else {
      prec = 6;
      unit = "ms";
    }
    uint64_t whole = 0;
    std::string f = frac(u, prec, whole);
    out = std::to_string(whole) + f + unit;
  } else {
    uint64_t whole = 0;
    std::string f = frac(u, 9, whole);
    out = std::to_string(whole % 60) + f + "s";
    whole /= 60;
    if (whole > 0) {
      out = std::to_string(whole % 60) + "m" + out;
      whole /= 60;
      if (whole > 0) out = std::to_string(whole) + "h" + out;
    }
  }
  return neg ? "-" + out : out;
}

Result<bool> parse_go_bool(std::string_view s) {
  for (auto t : {"1", "t", "T", "TRUE", "true", "True"})
    if (s == t) return true;
  for (auto f : {"0", "f", "F", "FALSE", "false", "False"})
    if (s == f) return false;
  return fail(ErrorKind::InvalidArgument, "strconv.ParseBool: parsing \"{}\": invalid syntax", s);
}

Result<int64_t> parse_go_int(std::string_view s) {
  std::string_view digits = s;
  bool neg = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    neg = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return fail(ErrorKind::InvalidArgument, "strconv.ParseInt: parsing \"{}\": invalid syntax", s);
  uint64_t v = 0;
  bool range = false;
  for (char c : digits) {
    if (!is_digit(c)) return fail(ErrorKind::InvalidArgument, "strconv.ParseInt: parsing \"{}\": invalid syntax", s);
    if (v > (1ULL << 63) / 10 + 1) {
      range = true;
      continue;
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (range || v > (neg ? (1ULL << 63) : (1ULL << 63) - 1))
    return fail(ErrorKind::InvalidArgument, "strconv.ParseInt: parsing \"{}\": value out of range", s);
  return neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

Result<int64_t> parse_nano_cpus(std::string_view value) {
  auto not_rational = [&] {
    return fail(ErrorKind::InvalidArgument, "failed to parse {} as a rational number", value);
  };
  std::string_view s = value;
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return not_rational();
  __int128 nano = 0;
  if (auto slash = s.find('/'); slash != std::string_view::npos) {
    auto a = parse_int(s.substr(0, slash));
    auto b = parse_int(s.substr(slash + 1));
    if (!a || !b || *a < 0 || *b <= 0 || s.substr(0, slash).find_first_not_of("0123456789") != std::string_view::npos)
      return not_rational();
    __int128 num = static_cast<__int128>(*a) * 1000000000;
    if (num % *b != 0) return fail(ErrorKind::InvalidArgument, "value is too precise");
    nano = num / *b;
  } else {
    // digits[.digits][e[+-]digits], as big.Rat.SetString takes decimals.
    std::string mantissa;
    int exp10 = 0;
    size_t i = 0;
    bool any = false;
    for (; i < s.size() && is_digit(s[i]); ++i, any = true) mantissa += s[i];
    if (i < s.size() && s[i] == '.') {
      for (++i; i < s.size() && is_digit(s[i]); ++i, any = true) {
        mantissa += s[i];
        --exp10;
      }
    }
    if (!any) return not_rational();
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      auto e = parse_int(s.substr(i + 1));
      if (!e || *e > 1000 || *e < -1000) return not_rational();
      exp10 += static_cast<int>(*e);
      i = s.size();
    }
    if (i != s.size()) return not_rational();
    exp10 += 9;
    size_t first = mantissa.find_first_not_of('0');
    mantissa = first == std::string::npos ? "0" : mantissa.substr(first);
    while (exp10 < 0) {
      if (mantissa.back() != '0') return fail(ErrorKind::InvalidArgument, "value is too precise");
      mantissa.pop_back();
      if (mantissa.empty()) mantissa = "0";
      ++exp10;
    }
    if (mantissa.size() + static_cast<size_t>(exp10) > 30) return not_rational();
    for (char c : mantissa) nano = nano * 10 + (c - '0');
    for (int k = 0; k < exp10; ++k) nano *= 10;
  }
  if (nano > std::numeric_limits<int64_t>::max()) nano = std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(neg ? -nano : nano);
}

Result<std::string> parse_key_sequence(std::string_view keys) {
  static const char* const kAscii[] = {"ctrl-@", "ctrl-a", "ctrl-b", "ctrl-c", "ctrl-d", "ctrl-e", "ctrl-f",
                                       "ctrl-g", "ctrl-h", "ctrl-i", "ctrl-j", "ctrl-k", "ctrl-l", "ctrl-m",
                                       "ctrl-n", "ctrl-o", "ctrl-p", "ctrl-q", "ctrl-r", "ctrl-s", "ctrl-t",
                                       "ctrl-u", "ctrl-v", "ctrl-w", "ctrl-x", "ctrl-y", "ctrl-z", "ctrl-[",
                                       "ctrl-\\", "ctrl-]", "ctrl-^", "ctrl-_"};
  std::string out;
  for (const auto& key : split(keys, ',')) {
    if (key.size() == 1) {
      out += key[0];
      continue;
    }
    bool found = false;
    for (size_t code = 0; code < std::size(kAscii); ++code) {
      if (key == kAscii[code]) {
        out += static_cast<char>(code);
        found = true;
        break;
      }
    }
    if (found) continue;
    if (key != "DEL") return fail(ErrorKind::InvalidArgument, "Unknown character: '{}'", key);
    out += '\x7f';
  }
  return out;
}

Result<int> parse_signal_name(std::string_view raw) {
  auto invalid = [&] { return fail(ErrorKind::InvalidArgument, "invalid signal: {}", raw); };
  if (auto n = parse_int(raw)) {
    if (*n <= 0 || *n > 64) return invalid();
    return static_cast<int>(*n);
  }
  std::string name;
  for (char c : raw) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (name.starts_with("SIG")) name.erase(0, 3);
  static const std::pair<std::string_view, int> kSignals[] = {
      {"ABRT", 6},  {"ALRM", 14},  {"BUS", 7},   {"CHLD", 17},   {"CLD", 17},  {"CONT", 18}, {"FPE", 8},
      {"HUP", 1},   {"ILL", 4},    {"INT", 2},   {"IO", 29},     {"IOT", 6},   {"KILL", 9},  {"PIPE", 13},
      {"POLL", 29}, {"PROF", 27},  {"PWR", 30},  {"QUIT", 3},    {"SEGV", 11}, {"STKFLT", 16},
      {"STOP", 19}, {"SYS", 31},   {"TERM", 15}, {"TRAP", 5},    {"TSTP", 20}, {"TTIN", 21}, {"TTOU", 22},
      {"URG", 23},  {"USR1", 10},  {"USR2", 12}, {"VTALRM", 26}, {"WINCH", 28}, {"XCPU", 24}, {"XFSZ", 25},
      {"RTMIN", 34}, {"RTMAX", 64}};
  for (auto [n, v] : kSignals)
    if (n == name) return v;
  // RTMIN+1..RTMIN+15 and RTMAX-14..RTMAX-1, as Go's signal map names them.
  for (auto [prefix, base, sign] : {std::tuple{"RTMIN+", 34, 1}, std::tuple{"RTMAX-", 64, -1}}) {
    if (!name.starts_with(prefix)) continue;
    auto off = parse_int(std::string_view(name).substr(6));
    if (!off || *off < 1 || *off > (sign > 0 ? 15 : 14) || name.substr(6) != std::to_string(*off)) return invalid();
    return base + sign * static_cast<int>(*off);
  }
  return invalid();
}

Result<std::string> validate_container_name(std::string_view name) {
  std::string_view n = name;
  if (n.starts_with('/')) n.remove_prefix(1);
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  bool ok = n.size() >= 2 && alnum(n[0]);
  for (size_t i = 1; ok && i < n.size(); ++i) ok = alnum(n[i]) || n[i] == '_' || n[i] == '.' || n[i] == '-';
  if (!ok)
    return fail(ErrorKind::InvalidArgument, "Invalid container name ({}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                name);
  return std::string(n);
}

int host_cpu_count() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
  return 1;
}

std::string clean_path(std::string_view p) {
  if (p.empty()) return ".";
  bool rooted = p[0] == '/';
  std::vector<std::string> parts;
  for (const auto& part : split(p, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") parts.pop_back();
      else if (!rooted) parts.push_back("..");
      continue;
    }
    parts.push_back(part);
  }
  std::string out = (rooted ? "/" : "") + join(parts, "/");
  return out.empty() ? "." : out;
}

}  // namespace hako::engine
