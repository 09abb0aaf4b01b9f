#include "base/duration.h"

#include <cstdint>
#include <limits>
#include <utility>

namespace hako {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<int64_t> parse_go_duration(std::string_view orig) {
  auto invalid = [&] { return fail(ErrorKind::InvalidArgument, "time: invalid duration \"{}\"", orig); };
  std::string_view s = orig;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) return invalid();
  static const std::pair<std::string_view, uint64_t> units[] = {
      {"ns", 1}, {"us", 1000}, {"\u00b5s", 1000}, {"\u03bcs", 1000},
      {"ms", 1000000}, {"s", 1000000000ULL}, {"m", 60000000000ULL}, {"h", 3600000000000ULL}};
  constexpr uint64_t kMax = 1ULL << 63;
  uint64_t d = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit(s[0]))) return invalid();
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      if (v > (kMax - 1) / 10) return invalid();
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      if (v > kMax) return invalid();
    }
    bool pre = i > 0;
    s.remove_prefix(i);
    uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t j = 0;
      bool overflow = false;
      for (; j < s.size() && is_digit(s[j]); ++j) {
        if (overflow) continue;
        if (f > (std::numeric_limits<int64_t>::max() - 9) / 10) {
          overflow = true;
          continue;
        }
        f = f * 10 + static_cast<uint64_t>(s[j] - '0');
        scale *= 10;
      }
      post = j > 0;
      s.remove_prefix(j);
    }
    if (!pre && !post) return invalid();
    size_t u = 0;
    while (u < s.size() && s[u] != '.' && !is_digit(s[u])) ++u;
    if (u == 0) return fail(ErrorKind::InvalidArgument, "time: missing unit in duration \"{}\"", orig);
    std::string_view name = s.substr(0, u);
    s.remove_prefix(u);
    uint64_t unit = 0;
    for (auto [n, mult] : units)
      if (n == name) unit = mult;
    if (!unit) return fail(ErrorKind::InvalidArgument, "time: unknown unit \"{}\" in duration \"{}\"", name, orig);
    if (v > kMax / unit) return invalid();
    v *= unit;
    if (f > 0) {
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > kMax) return invalid();
    }
    d += v;
    if (d > kMax) return invalid();
  }
  if (neg) return -static_cast<int64_t>(d);
  if (d > kMax - 1) return invalid();
  return static_cast<int64_t>(d);
}

}  // namespace hako
