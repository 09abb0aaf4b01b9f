#include "base/sizes.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>

namespace hako {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// strconv.ParseFloat for the decimal forms Docker users write.
std::optional<double> parse_float(const std::string& s) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

Result<int64_t> parse_ram_bytes(std::string_view size) {
  std::string s(size);
  // The number ends at the last digit, dot or space (go-units' LastIndexAny).
  size_t sep = s.find_last_of("0123456789. ");
  if (sep == std::string::npos) return fail(ErrorKind::InvalidArgument, "invalid size: '{}'", s);
  std::string num, sfx;
  if (s[sep] != ' ') {
    num = s.substr(0, sep + 1);
    sfx = s.substr(sep + 1);
  } else {
    num = s.substr(0, sep);
    sfx = s.substr(sep + 1);
  }
  auto value = parse_float(num);
  if (!value) return fail(ErrorKind::InvalidArgument, "strconv.ParseFloat: parsing \"{}\": invalid syntax", num);
  double v = *value;
  if (v < 0) return fail(ErrorKind::InvalidArgument, "invalid size: '{}'", s);
  if (sfx.empty()) return static_cast<int64_t>(v);
  auto bad_suffix = [&] { return fail(ErrorKind::InvalidArgument, "invalid suffix: '{}'", sfx); };
  if (sfx.size() > 3) return bad_suffix();
  for (auto& c : sfx) c = lower(c);
  if (sfx[0] == 'b') {
    if (sfx.size() > 1) return bad_suffix();
    return static_cast<int64_t>(v);
  }
  static const std::string_view units = "kmgtp";
  size_t u = units.find(sfx[0]);
  if (u == std::string_view::npos) return bad_suffix();
  v *= std::pow(1024.0, static_cast<double>(u + 1));
  if ((sfx.size() == 2 && sfx[1] != 'b') || (sfx.size() == 3 && sfx.substr(1) != "ib")) return bad_suffix();
  if (v >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(v);
}

}  // namespace hako
