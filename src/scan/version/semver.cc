// SemVer 2.0.0 precedence, with each ecosystem's leniency in the syntax:
//   's' SemVer  strict: MAJOR.MINOR.PATCH[-PRE][+BUILD], no leading zeros
//   'c' Cargo   the same (the semver crate is strict)
//   'n' npm     node-semver: surrounding whitespace, a leading "=" and/or "v"
//   'g' Go      golang.org/x/mod/semver: a mandatory "v"; "v1" and "v1.2"
//               mean v1.0.0 and v1.2.0 but cannot carry -PRE or +BUILD
// Precedence ignores build metadata in all four (Cargo's Ord would order
// "+build" too, but advisory ranges match on precedence).
#include <string_view>
#include <vector>

#include "scan/version/schemes.h"

namespace hako::scan::detail {
namespace {

struct SemVer {
  std::string_view major, minor, patch;  // "0" for Go's shorthand parts
  std::vector<std::string_view> pre;
};

std::string_view scheme_name(char flavour) {
  switch (flavour) {
    case 'n': return "npm";
    case 'c': return "cargo";
    case 'g': return "go";
    default: return "semver";
  }
}

bool ident_char(char c) { return is_alnum(c) || c == '-'; }

// A numeric identifier: digits without a leading zero (except "0" itself).
bool numeric_ident(std::string_view s) { return all_digits(s) && (s.size() == 1 || s[0] != '0'); }

// Splits dot-separated identifiers, each non-empty and of [0-9A-Za-z-].
bool split_idents(std::string_view s, std::vector<std::string_view>& out) {
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] != '.') {
      if (!ident_char(s[i])) return false;
      continue;
    }
    if (i == start) return false;
    out.push_back(s.substr(start, i - start));
    start = i + 1;
  }
  return true;
}

Result<SemVer> parse(char flavour, std::string_view s) {
  std::string_view name = scheme_name(flavour);
  std::string_view v = s;
  if (v.empty()) return invalid(name, s, "version string is empty");
  if (flavour == 'n') {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    if (v.starts_with('=')) v.remove_prefix(1);
    if (v.starts_with('v')) v.remove_prefix(1);
  } else if (flavour == 'g') {
    if (!v.starts_with('v')) return invalid(name, s, "must start with 'v'");
    v.remove_prefix(1);
  }
  // Cut off build metadata, then the pre-release, leaving the core.
  std::string_view build, pre;
  bool has_build = false, has_pre = false;
  if (auto plus = v.find('+'); plus != std::string_view::npos) {
    build = v.substr(plus + 1);
    v = v.substr(0, plus);
    has_build = true;
  }
  if (auto dash = v.find('-'); dash != std::string_view::npos) {
    pre = v.substr(dash + 1);
    v = v.substr(0, dash);
    has_pre = true;
  }
  std::vector<std::string_view> core;
  if (!split_idents(v, core)) return invalid(name, s, "malformed MAJOR.MINOR.PATCH");
  for (auto part : core)
    if (!numeric_ident(part)) return invalid(name, s, "version numbers must be digits without leading zeros");
  if (core.size() != 3) {
    bool shorthand = flavour == 'g' && !core.empty() && core.size() < 3 && !has_pre && !has_build;
    if (!shorthand) return invalid(name, s, "expected MAJOR.MINOR.PATCH");
    while (core.size() < 3) core.push_back("0");
  }
  SemVer out{core[0], core[1], core[2], {}};
  if (has_pre) {
    if (!split_idents(pre, out.pre)) return invalid(name, s, "malformed pre-release");
    for (auto id : out.pre)
      if (all_digits(id) && !numeric_ident(id))
        return invalid(name, s, "numeric pre-release identifier with a leading zero");
  }
  std::vector<std::string_view> build_ids;
  if (has_build && !split_idents(build, build_ids)) return invalid(name, s, "malformed build metadata");
  return out;
}

// SemVer 2.0.0 section 11.
int compare_pre(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  // A version without a pre-release has higher precedence than one with.
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    bool na = all_digits(a[i]), nb = all_digits(b[i]);
    int c = na && nb ? compare_digits(a[i], b[i])
            : na     ? -1  // numeric identifiers sort below alphanumeric ones
            : nb     ? 1
                     : sign(a[i].compare(b[i]));
    if (c != 0) return c;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

}  // namespace

Result<int> compare_semver(char flavour, std::string_view a, std::string_view b) {
  TRY_ASSIGN(SemVer va, parse(flavour, a));
  TRY_ASSIGN(SemVer vb, parse(flavour, b));
  if (int c = compare_digits(va.major, vb.major); c != 0) return c;
  if (int c = compare_digits(va.minor, vb.minor); c != 0) return c;
  if (int c = compare_digits(va.patch, vb.patch); c != 0) return c;
  return compare_pre(va.pre, vb.pre);
}

}  // namespace hako::scan::detail
