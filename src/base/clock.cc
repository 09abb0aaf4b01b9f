#include "base/clock.h"

#include <time.h>

#include <fmt/format.h>

namespace hako {

std::string now_rfc3339() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  tm t;
  gmtime_r(&ts.tv_sec, &t);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
  return fmt::format("{}.{:09d}Z", buf, ts.tv_nsec);
}

}  // namespace hako

namespace hako {

std::string rfc3339(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  tm parts;
  gmtime_r(&t, &parts);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buf;
}

std::optional<int64_t> parse_rfc3339(std::string_view text) {
  // "2024-01-02T03:04:05[.frac](Z|+hh:mm|-hh:mm)"
  if (text.size() < 20) return std::nullopt;
  tm parts{};
  std::string head(text.substr(0, 19));
  const char* end = strptime(head.c_str(), "%Y-%m-%dT%H:%M:%S", &parts);
  if (!end || *end != '\0') return std::nullopt;
  size_t i = 19;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  }
  int64_t offset = 0;
  if (i < text.size() && (text[i] == 'Z' || text[i] == 'z')) {
    ++i;
  } else if (i + 6 == text.size() && (text[i] == '+' || text[i] == '-') && text[i + 3] == ':') {
    auto digits = [&](size_t at) { return (text[at] - '0') * 10 + (text[at + 1] - '0'); };
    offset = (digits(i + 1) * 3600 + digits(i + 4) * 60) * (text[i] == '+' ? 1 : -1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  return static_cast<int64_t>(timegm(&parts)) - offset;
}

}  // namespace hako
