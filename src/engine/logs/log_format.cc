#include "engine/logs/log_format.h"

#include <time.h>

namespace hako::engine::logs {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence at s[i] (2..4), or 0 when the byte
// starts none: the same acceptance as Go's utf8.DecodeRune (no overlongs, no
// surrogates, nothing past U+10FFFF, no truncated sequence).
size_t utf8_sequence(std::string_view s, size_t i) {
  auto at = [&](size_t k) -> unsigned { return static_cast<unsigned char>(s[k]); };
  unsigned b0 = at(i);
  size_t n;
  unsigned lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (at(i + k) < 0x80 || at(i + k) > 0xBF) return 0;
  }
  return n;
}

void append_digits(std::string& out, int64_t v, int width) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0 || n < width);
  while (n > 0) out.push_back(buf[--n]);
}

struct Civil {
  int64_t year;
  int month, day, hour, minute, second;
  int64_t nanos;
};

// Howard Hinnant's civil_from_days: exact for every int64 day count we use.
Civil civil_from_unix_nanos(int64_t unix_nanos) {
  int64_t secs = unix_nanos / 1000000000;
  int64_t nanos = unix_nanos % 1000000000;
  if (nanos < 0) {
    nanos += 1000000000;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  Civil c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2);
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem / 60 % 60);
  c.second = static_cast<int>(rem % 60);
  c.nanos = nanos;
  return c;
}

void append_date_time(std::string& out, const Civil& c) {
  append_digits(out, c.year, 4);
  out.push_back('-');
  append_digits(out, c.month, 2);
  out.push_back('-');
  append_digits(out, c.day, 2);
  out.push_back('T');
  append_digits(out, c.hour, 2);
  out.push_back(':');
  append_digits(out, c.minute, 2);
  out.push_back(':');
  append_digits(out, c.second, 2);
}

bool take_digits(std::string_view s, size_t& i, size_t n, int& value) {
  if (i + n > s.size()) return false;
  value = 0;
  for (size_t k = 0; k < n; ++k) {
    char ch = s[i + k];
    if (ch < '0' || ch > '9') return false;
    value = value * 10 + (ch - '0');
  }
  i += n;
  return true;
}

}  // namespace

std::string_view stream_name(Stream s) { return s == Stream::Stdout ? "stdout" : "stderr"; }

int64_t now_unix_nanos() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t start = 0;
  auto flush_to = [&](size_t i) {
    if (start < i) out.append(s.substr(start, i - start));
  };
  for (size_t i = 0; i < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (b >= 0x20 && b != '\\' && b != '"' && b != '<' && b != '>' && b != '&') {
        ++i;
        continue;
      }
      flush_to(i);
      switch (b) {
        case '\\':
        case '"':
          out.push_back('\\');
          out.push_back(static_cast<char>(b));
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        default:
          out.append("\\u00");
          out.push_back(kHex[b >> 4]);
          out.push_back(kHex[b & 0xF]);
      }
      start = ++i;
      continue;
    }
    size_t n = utf8_sequence(s, i);
    if (n == 0) {
      flush_to(i);
      out.append("\\ufffd");
      start = ++i;
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8/A9) break JavaScript string literals.
    if (n == 3 && b == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
      flush_to(i);
      out.append("\\u202");
      out.push_back(kHex[static_cast<unsigned char>(s[i + 2]) & 0xF]);
      i += n;
      start = i;
      continue;
    }
    i += n;
  }
  flush_to(s.size());
  out.push_back('"');
}

void append_rfc3339_nano(std::string& out, int64_t unix_nanos) {
  Civil c = civil_from_unix_nanos(unix_nanos);
  append_date_time(out, c);
  if (c.nanos != 0) {
    int64_t frac = c.nanos;
    int width = 9;
    while (frac % 10 == 0) {
      frac /= 10;
      --width;
    }
    out.push_back('.');
    append_digits(out, frac, width);
  }
  out.push_back('Z');
}

std::string rfc3339_nano_fixed(int64_t unix_nanos) {
  Civil c = civil_from_unix_nanos(unix_nanos);
  std::string out;
  out.reserve(30);
  append_date_time(out, c);
  out.push_back('.');
  append_digits(out, c.nanos, 9);
  out.push_back('Z');
  return out;
}

void append_entry(std::string& out, Stream stream, std::string_view text, int64_t unix_nanos) {
  out.push_back('{');
  if (!text.empty()) {
    out.append("\"log\":");
    append_json_string(out, text);
    out.push_back(',');
  }
  out.append("\"stream\":\"");
  out.append(stream_name(stream));
  out.append("\",\"time\":\"");
  append_rfc3339_nano(out, unix_nanos);
  out.append("\"}\n");
}

int64_t unix_seconds_utc(int year, int month, int day, int hour, int minute, int second) {
  int64_t y = year - (month <= 2);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

std::optional<int64_t> parse_rfc3339_nano(std::string_view s) {
  size_t i = 0;
  int year, month, day, hour, minute, second;
  auto expect = [&](char ch) { return i < s.size() && s[i++] == ch; };
  if (!take_digits(s, i, 4, year) || !expect('-') || !take_digits(s, i, 2, month) ||
      !expect('-') || !take_digits(s, i, 2, day) || !(i < s.size() && (s[i] == 'T' || s[i] == 't')))
    return std::nullopt;
  ++i;
  if (!take_digits(s, i, 2, hour) || !expect(':') || !take_digits(s, i, 2, minute) ||
      !expect(':') || !take_digits(s, i, 2, second))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
    return std::nullopt;
  int64_t nanos = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 9) nanos = nanos * 10 + (s[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0) return std::nullopt;
    for (int d = digits; d < 9; ++d) nanos *= 10;
  }
  int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int sign = s[i++] == '+' ? 1 : -1;
    int oh, om;
    if (!take_digits(s, i, 2, oh) || !expect(':') || !take_digits(s, i, 2, om)) return std::nullopt;
    offset = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  int64_t secs = unix_seconds_utc(year, month, day, hour, minute, second) - offset;
  return secs * 1000000000 + nanos;
}

}  // namespace hako::engine::logs
