// Packagist (Composer) versions: composer/semver's VersionParser::normalize,
// then PHP's version_compare() on the normalised strings, as Composer's
// Comparator does.
//
//   normalize:  v1.2 -> 1.2.0.0,  1.0RC1 -> 1.0.0.0-RC1,  1.0-b2 -> 1.0.0.0-beta2,
//               1.0.0-pl1 -> 1.0.0.0-patch1,  1.0-dev -> 1.0.0.0-dev
//   order:      dev < alpha < beta < RC < (release) < patch
//
// Branch names ("dev-main") and wildcards ("1.x-dev") are not points on a
// line and are rejected.
#include <string>
#include <string_view>
#include <vector>

#include "scan/version/schemes.h"

namespace hako::scan::detail {
namespace {

Result<std::string> normalize(std::string_view raw) {
  std::string_view v = raw;
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  auto bad = [&](std::string_view why) { return invalid("composer", raw, why); };
  if (v.empty()) return bad("version string is empty");
  std::string s;
  for (char c : v) s.push_back(to_lower(c));
  if (s.starts_with("dev-")) return bad("a branch name has no order");
  size_t i = 0;
  if (s[i] == 'v') ++i;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    return s.substr(start, i - start);
  };
  std::vector<std::string> parts;
  std::string first = digits();
  if (first.empty()) return bad("expected a number");
  parts.push_back(first);
  while (parts.size() < 4 && i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
    ++i;
    parts.push_back(digits());
  }
  std::string out;
  for (size_t k = 0; k < 4; ++k) out += (k ? "." : "") + (k < parts.size() ? parts[k] : std::string("0"));

  // The modifier: [._-]?(stable|beta|b|rc|alpha|a|patch|pl|p)((?:[.-]?\d+)*)?([.-]?dev)?
  size_t save = i;
  if (i < s.size() && (s[i] == '.' || s[i] == '_' || s[i] == '-')) ++i;
  static constexpr std::pair<std::string_view, std::string_view> stabilities[] = {
      {"stable", ""}, {"beta", "beta"}, {"b", "beta"},       {"rc", "RC"},   {"alpha", "alpha"},
      {"a", "alpha"}, {"patch", "patch"}, {"pl", "patch"}, {"p", "patch"},
  };
  bool matched = false;
  for (auto [word, expanded] : stabilities) {
    if (std::string_view(s).substr(i).starts_with(word)) {
      i += word.size();
      matched = true;
      std::string numbers;
      while (i < s.size()) {
        size_t at = (s[i] == '.' || s[i] == '-') ? i + 1 : i;
        if (at >= s.size() || !is_digit(s[at])) break;
        if (!numbers.empty() && at != i) numbers.push_back(s[i]);
        i = at;
        numbers += digits();
      }
      if (word != "stable") out += "-" + std::string(expanded) + numbers;
      break;
    }
  }
  if (!matched) i = save;
  size_t dev_at = (i < s.size() && (s[i] == '.' || s[i] == '-')) ? i + 1 : i;
  if (std::string_view(s).substr(dev_at) == "dev") {
    out += "-dev";
    i = s.size();
  }
  if (i != s.size()) return bad("not a Composer version");
  return out;
}

// PHP's php_canonicalize_version: '-', '_', '+' and other punctuation become
// '.', and a '.' is put between a digit and a letter.
std::vector<std::string> canonical_parts(std::string_view v) {
  std::string buf;
  auto not_digit = [](char c) { return !is_digit(c) && c != '.'; };
  for (size_t k = 0; k < v.size(); ++k) {
    char c = v[k];
    if (k == 0) {
      buf.push_back(c);
      continue;
    }
    char lp = v[k - 1];
    bool transition = (not_digit(lp) && is_digit(c)) || (is_digit(lp) && not_digit(c));
    if (!is_alnum(c) || transition) {
      if (buf.back() != '.') buf.push_back('.');
      if (is_alnum(c)) buf.push_back(c);
    } else {
      buf.push_back(c);
    }
  }
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t k = 0; k <= buf.size(); ++k)
    if (k == buf.size() || buf[k] == '.') {
      parts.push_back(buf.substr(start, k - start));
      start = k + 1;
    }
  return parts;
}

// PHP's special forms, matched by prefix: anything unknown sorts below "dev";
// "#" stands for "a number here".
int special_order(std::string_view form) {
  static constexpr std::pair<std::string_view, int> forms[] = {
      {"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2}, {"RC", 3},
      {"rc", 3},  {"#", 4},     {"pl", 5}, {"p", 5},
  };
  for (auto [name, order] : forms)
    if (form.starts_with(name)) return order;
  return -6;
}

int php_version_compare(std::string_view a, std::string_view b) {
  std::vector<std::string> pa = canonical_parts(a), pb = canonical_parts(b);
  size_t k = 0;
  for (; k < pa.size() && k < pb.size(); ++k) {
    bool da = !pa[k].empty() && is_digit(pa[k][0]), db = !pb[k].empty() && is_digit(pb[k][0]);
    int c = da && db ? compare_digits(pa[k], pb[k])
            : da     ? sign(special_order("#N#") - special_order(pb[k]))
            : db     ? sign(special_order(pa[k]) - special_order("#N#"))
                     : sign(special_order(pa[k]) - special_order(pb[k]));
    if (c != 0) return c;
  }
  // One ran out: more numbers win; a trailing word is weighed against "#".
  if (k < pa.size()) return !pa[k].empty() && is_digit(pa[k][0]) ? 1 : sign(special_order(pa[k]) - 4);
  if (k < pb.size()) return !pb[k].empty() && is_digit(pb[k][0]) ? -1 : sign(4 - special_order(pb[k]));
  return 0;
}

}  // namespace

Result<int> compare_composer(std::string_view a, std::string_view b) {
  TRY_ASSIGN(std::string na, normalize(a));
  TRY_ASSIGN(std::string nb, normalize(b));
  return php_version_compare(na, nb);
}

}  // namespace hako::scan::detail
