#include "engine/logs/log_options.h"

#include "base/duration.h"

#include <time.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

#include "engine/logs/log_format.h"

namespace hako::engine::logs {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::optional<int64_t> unit_nanos(std::string_view u) {
  if (u == "ns") return 1;
  if (u == "us" || u == "\xC2\xB5s" || u == "\xCE\xBCs") return 1000;  // µs (micro sign, mu)
  if (u == "ms") return 1000000;
  if (u == "s") return 1000000000;
  if (u == "m") return 60LL * 1000000000;
  if (u == "h") return 3600LL * 1000000000;
  return std::nullopt;
}

// Go's strconv.ParseInt(s, 10, 64): optional sign, digits, no overflow.
std::optional<int64_t> go_parse_int(std::string_view s, bool& range_error) {
  range_error = false;
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  const uint64_t limit = neg ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    if (v > (limit - static_cast<uint64_t>(c - '0')) / 10) range_error = true;
    if (!range_error) v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (range_error) return std::nullopt;
  return neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

// "YYYY-MM-DD[THH[:MM[:SS[.frac]]]]" then a zone when `zoned`. Returns unix
// nanos of the wall time read as UTC, minus the zone's offset; a message
// ("month out of range") on failure.
std::optional<int64_t> parse_wall_time(std::string_view s, bool zoned, int64_t local_offset,
                                       std::string& why) {
  size_t i = 0;
  auto num = [&](size_t n, int& out) {
    if (i + n > s.size()) return false;
    out = 0;
    for (size_t k = 0; k < n; ++k) {
      if (!is_digit(s[i + k])) return false;
      out = out * 10 + (s[i + k] - '0');
    }
    i += n;
    return true;
  };
  auto lit = [&](char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  int year, month, day, hour = 0, minute = 0, second = 0;
  int64_t nanos = 0;
  why = "cannot parse as an RFC 3339 time";
  if (!num(4, year) || !lit('-') || !num(2, month) || !lit('-') || !num(2, day)) return std::nullopt;
  if (lit('T')) {
    if (!num(2, hour)) return std::nullopt;
    if (lit(':')) {
      if (!num(2, minute)) return std::nullopt;
      if (lit(':')) {
        if (!num(2, second)) return std::nullopt;
        if (lit('.')) {
          int digits = 0;
          while (i < s.size() && is_digit(s[i])) {
            if (digits++ < 9) nanos = nanos * 10 + (s[i] - '0');
            ++i;
          }
          if (digits == 0) return std::nullopt;
          for (; digits < 9; ++digits) nanos *= 10;
        }
      }
    }
  }
  int64_t offset = local_offset;
  if (zoned) {
    if (lit('Z')) {
      offset = 0;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      int sign = s[i++] == '+' ? 1 : -1;
      int oh, om;
      if (!num(2, oh) || !lit(':') || !num(2, om)) return std::nullopt;
      offset = sign * (oh * 3600 + om * 60);
    } else {
      return std::nullopt;
    }
  }
  if (i != s.size()) return std::nullopt;
  if (month < 1 || month > 12) {
    why = "month out of range";
    return std::nullopt;
  }
  if (day < 1 || day > days_in_month(year, month)) {
    why = "day out of range";
    return std::nullopt;
  }
  if (hour > 23 || minute > 59 || second > 59) {
    why = "hour, minute or second out of range";
    return std::nullopt;
  }
  int64_t secs = unix_seconds_utc(year, month, day, hour, minute, second) - offset;
  return secs * 1000000000 + nanos;
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

Result<int64_t> parse_log_time(std::string_view value, std::string_view option, int64_t now_nanos) {
  auto invalid = [&](std::string why) {
    return fail(ErrorKind::InvalidArgument, "invalid value for \"{}\": {}", option, why);
  };
  if (value != "0") {
    if (auto d = parse_go_duration(value)) {
      // Docker: reference.Add(-d).Unix(), whole seconds.
      int64_t at = now_nanos - *d;
      return floor_div(at, 1000000000) * 1000000000;
    }
  }
  size_t dashes = 0;
  for (char c : value) dashes += c == '-';
  bool zoned = value.find_first_of("zZ+") != std::string_view::npos || dashes == 3;
  time_t now_secs = static_cast<time_t>(floor_div(now_nanos, 1000000000));
  tm local{};
  localtime_r(&now_secs, &local);
  std::string why;
  if (auto t = parse_wall_time(value, zoned, local.tm_gmtoff, why)) return *t;
  if (dashes > 0) return invalid(fmt::format("parsing time \"{}\": {}", value, why));
  // A unix timestamp, "seconds[.fraction]".
  auto dot = value.find('.');
  bool range;
  auto secs = go_parse_int(value.substr(0, dot), range);
  std::optional<int64_t> nanos = 0;
  if (secs && dot != std::string_view::npos) {
    std::string_view frac = value.substr(dot + 1);
    std::string digits(frac.substr(0, 9));
    nanos = go_parse_int(digits, range);
    if (nanos && (*nanos < 0 || digits.find_first_not_of("0123456789") != std::string::npos))
      nanos.reset();
    if (nanos) {
      for (size_t k = digits.size(); k < 9; ++k) *nanos *= 10;
    }
  }
  if (!secs || !nanos)
    return invalid(fmt::format("failed to parse value as time or duration: \"{}\"", value));
  if (*secs > std::numeric_limits<int64_t>::max() / 1000000000 - 1 ||
      *secs < std::numeric_limits<int64_t>::min() / 1000000000 + 1)
    return invalid(fmt::format("timestamp out of range: \"{}\"", value));
  return *secs * 1000000000 + *nanos;
}

Result<int64_t> parse_human_size(std::string_view text) {
  auto invalid = [&] { return fail(ErrorKind::InvalidArgument, "invalid size: '{}'", text); };
  // (?i)^(\d+(\.\d+)*) ?([kmgtp])?i?b?$
  size_t i = 0;
  int dots = 0;
  auto digits = [&] {
    size_t from = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    return i > from;
  };
  if (!digits()) return invalid();
  while (i < text.size() && text[i] == '.') {
    ++i;
    ++dots;
    if (!digits()) return invalid();
  }
  std::string number(text.substr(0, i));
  if (i < text.size() && text[i] == ' ') ++i;
  double mult = 1;
  if (i < text.size()) {
    switch (text[i] | 0x20) {
      case 'k': mult = 1e3; break;
      case 'm': mult = 1e6; break;
      case 'g': mult = 1e9; break;
      case 't': mult = 1e12; break;
      case 'p': mult = 1e15; break;
      default: --i;
    }
    ++i;
  }
  if (i < text.size() && (text[i] | 0x20) == 'i') ++i;
  if (i < text.size() && (text[i] | 0x20) == 'b') ++i;
  if (i != text.size()) return invalid();
  if (dots > 1)
    return fail(ErrorKind::InvalidArgument, "strconv.ParseFloat: parsing \"{}\": invalid syntax",
                number);
  double size = 0;
  std::from_chars(number.data(), number.data() + number.size(), size);  // not locale-bound
  size *= mult;
  if (!(size < 9.2e18)) return invalid();
  return static_cast<int64_t>(size);
}

Result<WriterOptions> parse_json_file_log_opts(const std::map<std::string, std::string>& opts) {
  static const char* const kKnown[] = {"max-file", "max-size", "compress", "labels",
                                       "labels-regex", "env", "env-regex", "tag",
                                       "mode", "max-buffer-size"};
  for (const auto& [key, value] : opts) {
    bool known = false;
    for (const char* k : kKnown) known = known || key == k;
    if (!known)
      return fail(ErrorKind::InvalidArgument, "unknown log opt '{}' for json-file log driver", key);
  }
  WriterOptions out;
  if (auto it = opts.find("max-size"); it != opts.end()) {
    TRY_ASSIGN(out.max_size, parse_human_size(it->second));
    if (out.max_size <= 0)
      return fail(ErrorKind::InvalidArgument, "max-size must be a positive number");
  }
  if (auto it = opts.find("max-file"); it != opts.end()) {
    bool range;
    auto n = go_parse_int(it->second, range);
    if (!n || *n > std::numeric_limits<int>::max() || *n < std::numeric_limits<int>::min())
      return fail(ErrorKind::InvalidArgument, "strconv.Atoi: parsing \"{}\": {}", it->second,
                  n || range ? "value out of range" : "invalid syntax");
    if (*n < 1) return fail(ErrorKind::InvalidArgument, "max-file cannot be less than 1");
    out.max_file = static_cast<int>(*n);
  }
  if (auto it = opts.find("compress"); it != opts.end()) {
    const std::string& v = it->second;
    bool on;
    if (v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True") {
      on = true;
    } else if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False") {
      on = false;
    } else {
      return fail(ErrorKind::InvalidArgument, "strconv.ParseBool: parsing \"{}\": invalid syntax", v);
    }
    if (on && (out.max_file == 1 || out.max_size == 0))
      return fail(ErrorKind::InvalidArgument,
                  "compress cannot be true when max-file is less than 2 or max-size is not set");
    if (on) return fail(ErrorKind::NotSupported, "compress: compressed rotated logs are not supported");
  }
  return out;
}

}  // namespace hako::engine::logs
