// RubyGems versions, following Gem::Version:
//
//   * valid: digits, then dot-separated alphanumeric segments, optionally a
//     "-"-joined tail ("1.0-beta" reads as "1.0.pre.beta");
//   * segments are the runs of digits (numbers) and of letters (strings);
//   * a version with any letter is a prerelease: a string segment sorts
//     before any number and before the end of the version (1.0.a < 1.0);
//   * trailing zeros do not count (1.0 == 1), separately for the release part
//     and for the part from the first string on (1.0.a.0 == 1.a).
#include <string>
#include <string_view>
#include <vector>

#include "scan/version/schemes.h"

namespace hako::scan::detail {
namespace {

// A number (held as digits without leading zeros) or a string.
struct Segment {
  bool numeric;
  std::string text;
};

bool is_zero(const Segment& s) { return s.numeric && s.text.empty(); }

// Gem::Version::ANCHORED_VERSION_PATTERN:
//   \s*[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?\s*
bool valid(std::string_view v) {
  size_t i = 0;
  if (i >= v.size() || !is_digit(v[i])) return false;
  while (i < v.size() && is_digit(v[i])) ++i;
  while (i < v.size() && v[i] == '.') {
    size_t start = ++i;
    while (i < v.size() && is_alnum(v[i])) ++i;
    if (i == start) return false;
  }
  if (i < v.size() && v[i] == '-') {
    // From the first '-' on, segments may contain '-' themselves.
    bool segment_open = false;
    for (++i; i < v.size(); ++i) {
      char c = v[i];
      if (is_alnum(c) || c == '-') {
        segment_open = true;
      } else if (c == '.' && segment_open) {
        segment_open = false;
      } else {
        return false;
      }
    }
    return segment_open;
  }
  return i == v.size();
}

Result<std::vector<Segment>> canonical_segments(std::string_view raw) {
  std::string_view v = raw;
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '\n')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\n')) v.remove_suffix(1);
  if (v.empty()) return invalid("rubygems", raw, "version string is empty");
  if (!valid(v)) return invalid("rubygems", raw, "malformed version number string");
  // "-" means ".pre."; its letters make the "pre" string segment.
  std::string s;
  for (char c : v) s += c == '-' ? std::string(".pre.") : std::string(1, c);

  std::vector<Segment> segs;
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    if (is_digit(s[i])) {
      while (i < s.size() && is_digit(s[i])) ++i;
      std::string_view d = std::string_view(s).substr(start, i - start);
      while (!d.empty() && d.front() == '0') d.remove_prefix(1);
      segs.push_back({true, std::string(d)});
    } else if (is_alpha(s[i])) {
      while (i < s.size() && is_alpha(s[i])) ++i;
      segs.push_back({false, s.substr(start, i - start)});
    } else {
      ++i;
    }
  }
  // Drop trailing zeros from the numeric prefix and from the rest.
  size_t first_string = 0;
  while (first_string < segs.size() && segs[first_string].numeric) ++first_string;
  std::vector<Segment> out;
  size_t end = first_string;
  while (end > 0 && is_zero(segs[end - 1])) --end;
  out.insert(out.end(), segs.begin(), segs.begin() + end);
  end = segs.size();
  while (end > first_string && is_zero(segs[end - 1])) --end;
  out.insert(out.end(), segs.begin() + first_string, segs.begin() + end);
  return out;
}

}  // namespace

// Gem::Version#<=>: missing segments count as 0; a string loses to a number;
// numbers compare by value, strings by bytes.
Result<int> compare_rubygems(std::string_view a, std::string_view b) {
  TRY_ASSIGN(std::vector<Segment> sa, canonical_segments(a));
  TRY_ASSIGN(std::vector<Segment> sb, canonical_segments(b));
  static const Segment zero{true, ""};
  for (size_t i = 0; i < sa.size() || i < sb.size(); ++i) {
    const Segment& x = i < sa.size() ? sa[i] : zero;
    const Segment& y = i < sb.size() ? sb[i] : zero;
    if (x.numeric != y.numeric) return x.numeric ? 1 : -1;
    int c = x.numeric ? compare_digits(x.text, y.text) : sign(x.text.compare(y.text));
    if (c != 0) return c;
  }
  return 0;
}

}  // namespace hako::scan::detail
