// Internal: the per-scheme entry points version.cc dispatches to, and the
// small helpers several schemes share. Not part of the library's interface.
//
// Every compare_* returns <0/0/>0 or InvalidArgument for an unparsable input.
#pragma once

#include <string_view>

#include "base/error.h"

namespace hako::scan::detail {

Result<int> compare_dpkg(std::string_view a, std::string_view b);
Result<int> compare_apk(std::string_view a, std::string_view b);
Result<int> compare_rpm(std::string_view a, std::string_view b);
// `flavour` selects the leniency: 's'emver, 'n'pm, 'c'argo, 'g'o.
Result<int> compare_semver(char flavour, std::string_view a, std::string_view b);
Result<int> compare_composer(std::string_view a, std::string_view b);
Result<int> compare_pep440(std::string_view a, std::string_view b);
Result<int> compare_rubygems(std::string_view a, std::string_view b);
Result<int> compare_maven(std::string_view a, std::string_view b);
Result<int> compare_generic(std::string_view a, std::string_view b);

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
inline bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool is_alpha(char c) { return is_lower(c) || is_upper(c); }
inline bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
inline char to_lower(char c) { return is_upper(c) ? char(c - 'A' + 'a') : c; }

inline int sign(int v) { return (v > 0) - (v < 0); }

// Compares two runs of decimal digits by value, at any length (versions carry
// dates and build numbers that overflow 32 bits, and nothing here should wrap).
// Empty counts as zero.
inline int compare_digits(std::string_view a, std::string_view b) {
  while (!a.empty() && a.front() == '0') a.remove_prefix(1);
  while (!b.empty() && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return sign(a.compare(b));
}

inline bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// The InvalidArgument every scheme returns: "invalid dpkg version '1:': why".
inline std::unexpected<Error> invalid(std::string_view scheme, std::string_view version,
                                      std::string_view why) {
  return fail(ErrorKind::InvalidArgument, "invalid {} version '{}': {}", scheme, version, why);
}

}  // namespace hako::scan::detail
