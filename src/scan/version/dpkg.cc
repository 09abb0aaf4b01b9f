// Debian package versions: [epoch:]upstream[-revision], per deb-version(7)
// and dpkg's parseversion()/verrevcmp().
#include <climits>
#include <string_view>

#include "scan/version/schemes.h"

namespace hako::scan::detail {
namespace {

struct DpkgVersion {
  std::string_view epoch;  // digits; empty means 0
  std::string_view upstream;
  std::string_view revision;  // empty when absent: dpkg treats both alike
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Splits and validates like dpkg's parseversion: the epoch is everything
// before the first ':', the revision everything after the last '-'. dpkg only
// warns about a non-digit start or odd characters, but a scanner must not
// guess at such strings, so they are rejected here as the brief's "what dpkg
// rejects" (dpkg --compare-versions reports them as "bad syntax").
Result<DpkgVersion> parse(std::string_view s) {
  std::string_view v = s;
  // dpkg strips surrounding whitespace but refuses it inside.
  while (!v.empty() && is_space(v.front())) v.remove_prefix(1);
  while (!v.empty() && is_space(v.back())) v.remove_suffix(1);
  if (v.empty()) return invalid("dpkg", s, "version string is empty");
  for (char c : v)
    if (is_space(c)) return invalid("dpkg", s, "version string has embedded spaces");

  DpkgVersion out;
  if (auto colon = v.find(':'); colon != std::string_view::npos) {
    out.epoch = v.substr(0, colon);
    if (out.epoch.empty()) return invalid("dpkg", s, "epoch in version is empty");
    if (!all_digits(out.epoch)) return invalid("dpkg", s, "epoch in version is not number");
    if (compare_digits(out.epoch, "2147483647") > 0)
      return invalid("dpkg", s, "epoch in version is too big");
    v.remove_prefix(colon + 1);
    if (v.empty()) return invalid("dpkg", s, "nothing after colon in version number");
  }
  if (auto hyphen = v.rfind('-'); hyphen != std::string_view::npos) {
    out.revision = v.substr(hyphen + 1);
    if (out.revision.empty()) return invalid("dpkg", s, "revision number is empty");
    v = v.substr(0, hyphen);
  }
  out.upstream = v;
  if (out.upstream.empty()) return invalid("dpkg", s, "version number is empty");
  if (!is_digit(out.upstream.front()))
    return invalid("dpkg", s, "version number does not start with digit");
  // A ':' can only remain in upstream when an epoch was split off, and a '-'
  // only when a revision was; both are then legal there.
  for (char c : out.upstream)
    if (!is_alnum(c) && c != '.' && c != '-' && c != '+' && c != '~' && c != ':')
      return invalid("dpkg", s, "invalid character in version number");
  for (char c : out.revision)
    if (!is_alnum(c) && c != '.' && c != '+' && c != '~')
      return invalid("dpkg", s, "invalid character in revision number");
  return out;
}

// The weight of one character in the non-digit part: '~' before everything
// (even the end of the part, weight 0), then letters, then everything else.
int order(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  char c = s[i];
  if (is_digit(c)) return 0;
  if (is_alpha(c)) return c;
  if (c == '~') return -1;
  return c + 256;
}

// dpkg's verrevcmp: alternate non-digit parts (compared by weight) and digit
// parts (compared by value, empty = 0) until a difference shows.
int verrevcmp(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      int ac = order(a, i), bc = order(b, j);
      if (ac != bc) return sign(ac - bc);
      ++i;
      ++j;
    }
    size_t si = i, sj = j;
    while (i < a.size() && is_digit(a[i])) ++i;
    while (j < b.size() && is_digit(b[j])) ++j;
    if (int c = compare_digits(a.substr(si, i - si), b.substr(sj, j - sj)); c != 0) return c;
  }
  return 0;
}

}  // namespace

Result<int> compare_dpkg(std::string_view a, std::string_view b) {
  TRY_ASSIGN(DpkgVersion va, parse(a));
  TRY_ASSIGN(DpkgVersion vb, parse(b));
  if (int c = compare_digits(va.epoch, vb.epoch); c != 0) return c;
  if (int c = verrevcmp(va.upstream, vb.upstream); c != 0) return c;
  return verrevcmp(va.revision, vb.revision);
}

}  // namespace hako::scan::detail
