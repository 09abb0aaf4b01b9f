// Dispatch from Scheme to the per-ecosystem algorithms, the OSV ecosystem
// table, and the Generic fallback.
#include "scan/version/version.h"

#include <string>
#include <string_view>
#include <vector>

#include "scan/version/schemes.h"

namespace hako::scan {
namespace detail {

// Generic: for ecosystems without a documented order (NuGet, Hex, Pub, ...).
// The leading dotted-number part compares numerically, component by
// component with missing components as 0 (1.2 == 1.2.0 < 1.10); if that is
// equal, what follows it compares byte-wise, except that having nothing
// after the numbers sorts first (1.0 < 1.0-x). Whitespace is rejected.
Result<int> compare_generic(std::string_view a, std::string_view b) {
  for (std::string_view v : {a, b}) {
    if (v.empty()) return invalid("generic", v, "version string is empty");
    for (char c : v)
      if (static_cast<unsigned char>(c) <= ' ') return invalid("generic", v, "whitespace or control character");
  }
  // Splits "1.2.3rest" into its numbers and the rest (a trailing '.' that is
  // not followed by a digit belongs to the rest).
  auto numbers = [](std::string_view v, std::vector<std::string_view>& out) {
    size_t i = 0;
    while (i < v.size() && is_digit(v[i])) {
      size_t start = i;
      while (i < v.size() && is_digit(v[i])) ++i;
      out.push_back(v.substr(start, i - start));
      if (i + 1 < v.size() && v[i] == '.' && is_digit(v[i + 1])) ++i;
      else break;
    }
    return v.substr(i);
  };
  std::vector<std::string_view> na, nb;
  std::string_view ra = numbers(a, na), rb = numbers(b, nb);
  for (size_t i = 0; i < na.size() || i < nb.size(); ++i) {
    std::string_view x = i < na.size() ? na[i] : "0", y = i < nb.size() ? nb[i] : "0";
    if (int c = compare_digits(x, y); c != 0) return c;
  }
  return sign(ra.compare(rb));
}

}  // namespace detail

std::string_view to_string(Scheme scheme) {
  switch (scheme) {
    case Scheme::Dpkg: return "dpkg";
    case Scheme::Apk: return "apk";
    case Scheme::Rpm: return "rpm";
    case Scheme::SemVer: return "semver";
    case Scheme::Pep440: return "pep440";
    case Scheme::RubyGems: return "rubygems";
    case Scheme::Maven: return "maven";
    case Scheme::Go: return "go";
    case Scheme::Npm: return "npm";
    case Scheme::Cargo: return "cargo";
    case Scheme::Composer: return "composer";
    case Scheme::Generic: return "generic";
  }
  return "unknown";
}

std::optional<Scheme> scheme_for_ecosystem(std::string_view osv_ecosystem) {
  // "Debian:12", "Alpine:v3.19", "Ubuntu:22.04:LTS", "Red Hat:enterprise_linux:9":
  // the release after the first ':' does not change how versions order.
  std::string_view base = osv_ecosystem.substr(0, osv_ecosystem.find(':'));
  std::string name;
  for (char c : base) name.push_back(detail::to_lower(c));
  static constexpr std::pair<std::string_view, Scheme> table[] = {
      // dpkg-based distributions
      {"debian", Scheme::Dpkg},
      {"ubuntu", Scheme::Dpkg},
      // apk-based distributions
      {"alpine", Scheme::Apk},
      {"wolfi", Scheme::Apk},
      {"chainguard", Scheme::Apk},
      {"minimos", Scheme::Apk},
      {"alpaquita", Scheme::Apk},
      {"bellsoft hardened containers", Scheme::Apk},
      // rpm-based distributions
      {"red hat", Scheme::Rpm},
      {"rocky linux", Scheme::Rpm},
      {"almalinux", Scheme::Rpm},
      {"opensuse", Scheme::Rpm},
      {"suse", Scheme::Rpm},
      {"mageia", Scheme::Rpm},
      {"openeuler", Scheme::Rpm},
      {"photon os", Scheme::Rpm},
      {"azure linux", Scheme::Rpm},
      {"amazon linux", Scheme::Rpm},
      {"oracle linux", Scheme::Rpm},
      {"centos", Scheme::Rpm},
      {"fedora", Scheme::Rpm},
      // language ecosystems
      {"npm", Scheme::Npm},
      {"pypi", Scheme::Pep440},
      {"go", Scheme::Go},
      {"crates.io", Scheme::Cargo},
      {"rubygems", Scheme::RubyGems},
      {"maven", Scheme::Maven},
      {"packagist", Scheme::Composer},
      {"semver", Scheme::SemVer},
      {"bitnami", Scheme::SemVer},
      // no documented total order of their own: best effort
      {"nuget", Scheme::Generic},
      {"hex", Scheme::Generic},
      {"pub", Scheme::Generic},
      {"hackage", Scheme::Generic},
      {"cran", Scheme::Generic},
      {"swifturl", Scheme::Generic},
      {"github actions", Scheme::Generic},
      {"conan", Scheme::Generic},
  };
  for (auto [key, scheme] : table)
    if (name == key) return scheme;
  // Unknown, or "GIT" (commit hashes are not ordered).
  return std::nullopt;
}

Result<int> compare_versions(Scheme scheme, std::string_view a, std::string_view b) {
  Result<int> r = [&]() -> Result<int> {
    switch (scheme) {
      case Scheme::Dpkg: return detail::compare_dpkg(a, b);
      case Scheme::Apk: return detail::compare_apk(a, b);
      case Scheme::Rpm: return detail::compare_rpm(a, b);
      case Scheme::SemVer: return detail::compare_semver('s', a, b);
      case Scheme::Npm: return detail::compare_semver('n', a, b);
      case Scheme::Cargo: return detail::compare_semver('c', a, b);
      case Scheme::Go: return detail::compare_semver('g', a, b);
      case Scheme::Composer: return detail::compare_composer(a, b);
      case Scheme::Pep440: return detail::compare_pep440(a, b);
      case Scheme::RubyGems: return detail::compare_rubygems(a, b);
      case Scheme::Maven: return detail::compare_maven(a, b);
      case Scheme::Generic: return detail::compare_generic(a, b);
    }
    return fail(ErrorKind::InvalidArgument, "unknown version scheme");
  }();
  // Callers may rely on the sign only, but a clean -1/0/1 is easier to test.
  if (r) *r = detail::sign(*r);
  return r;
}

bool valid_version(Scheme scheme, std::string_view version) {
  return compare_versions(scheme, version, version).has_value();
}

}  // namespace hako::scan
