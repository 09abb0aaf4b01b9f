// RPM versions: [epoch:]version[-release], each part ordered by rpmvercmp().
//
// rpmvercmp splits a string into maximal runs of digits or of letters; every
// other character only separates runs, except '~' (sorts before anything,
// even the end of the string: 1.0~rc1 < 1.0) and '^' (sorts after the end of
// the string but before anything else: 1.0 < 1.0^git1 < 1.0.1). A digit run
// beats a letter run; digit runs compare by value, letter runs by bytes.
#include <string_view>

#include "scan/version/schemes.h"

namespace hako::scan::detail {
namespace {

struct Evr {
  std::string_view epoch;  // digits, empty means 0
  std::string_view version;
  std::string_view release;  // empty when absent
  bool has_release = false;
};

Result<Evr> parse(std::string_view s) {
  if (s.empty()) return invalid("rpm", s, "version string is empty");
  for (char c : s)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f)
      return invalid("rpm", s, "whitespace or control character");
  Evr out;
  std::string_view v = s;
  // rpm takes an epoch only when the leading digits are followed by ':'.
  // ':' is not a legal character in an RPM Version or Release tag, so any
  // other colon means the string is not an EVR at all.
  if (auto colon = v.find(':'); colon != std::string_view::npos) {
    out.epoch = v.substr(0, colon);
    if (!out.epoch.empty() && !all_digits(out.epoch))
      return invalid("rpm", s, "epoch is not a number");
    v.remove_prefix(colon + 1);
    if (v.find(':') != std::string_view::npos) return invalid("rpm", s, "more than one ':'");
  }
  if (auto hyphen = v.rfind('-'); hyphen != std::string_view::npos) {
    out.release = v.substr(hyphen + 1);
    out.has_release = true;
    v = v.substr(0, hyphen);
    if (out.release.empty()) return invalid("rpm", s, "release is empty");
  }
  out.version = v;
  if (out.version.empty()) return invalid("rpm", s, "version is empty");
  return out;
}

}  // namespace

// rpmvercmp, segment by segment (see the file comment).
static int rpmvercmp(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  size_t i = 0, j = 0;
  auto separator = [](char c) { return !is_alnum(c) && c != '~' && c != '^'; };
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && separator(a[i])) ++i;
    while (j < b.size() && separator(b[j])) ++j;
    bool ta = i < a.size() && a[i] == '~', tb = j < b.size() && b[j] == '~';
    if (ta || tb) {
      if (!ta) return 1;
      if (!tb) return -1;
      ++i, ++j;
      continue;
    }
    bool ca = i < a.size() && a[i] == '^', cb = j < b.size() && b[j] == '^';
    if (ca || cb) {
      if (i >= a.size()) return -1;  // end of a < '^' of b
      if (j >= b.size()) return 1;
      if (!ca) return 1;  // anything else > '^'
      if (!cb) return -1;
      ++i, ++j;
      continue;
    }
    if (i >= a.size() || j >= b.size()) break;
    size_t si = i, sj = j;
    bool numeric = is_digit(a[i]);
    auto same_kind = [numeric](char c) { return numeric ? is_digit(c) : is_alpha(c); };
    while (i < a.size() && same_kind(a[i])) ++i;
    while (j < b.size() && same_kind(b[j])) ++j;
    // b's run is of the other kind: a number beats letters.
    if (j == sj) return numeric ? 1 : -1;
    std::string_view ra = a.substr(si, i - si), rb = b.substr(sj, j - sj);
    int c = numeric ? compare_digits(ra, rb) : sign(ra.compare(rb));
    if (c != 0) return c;
  }
  if (i >= a.size() && j >= b.size()) return 0;
  return i < a.size() ? 1 : -1;
}

// Epoch (missing = 0), then version, then release. A missing release sorts
// before any release, as in the scanners' rpm libraries (go-rpm-version),
// which keeps the order total; librpm's own rpmverCmp would instead skip the
// release comparison when either side lacks one.
Result<int> compare_rpm(std::string_view a, std::string_view b) {
  TRY_ASSIGN(Evr va, parse(a));
  TRY_ASSIGN(Evr vb, parse(b));
  if (int c = compare_digits(va.epoch, vb.epoch); c != 0) return c;
  if (int c = rpmvercmp(va.version, vb.version); c != 0) return c;
  if (va.has_release != vb.has_release) return va.has_release ? 1 : -1;
  return rpmvercmp(va.release, vb.release);
}

}  // namespace hako::scan::detail
