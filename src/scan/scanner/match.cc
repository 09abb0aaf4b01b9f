// find_vulnerabilities: one database lookup per distinct (ecosystem,
// package, version); Debian images have many binary packages per source.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "scan/scanner/collect.h"

namespace hako::scan {

using report::InventoryPackage;
using report::PackageClass;
using report::Vulnerability;

namespace {

// What advisories name: OS advisories are filed under the source package
// and compared with its version (Debian's DSA/DLA and OSV's Debian data,
// Alpine's secdb by origin); language advisories under the package itself.
std::pair<std::string, std::string> advisory_key(const InventoryPackage& p) {
  if (p.cls == PackageClass::Os && !p.source_name.empty())
    return {p.source_name, p.source_version.empty() ? p.version : p.source_version};
  return {p.name, p.version};
}

}  // namespace

Result<std::vector<Vulnerability>> find_vulnerabilities(const report::Inventory& inv, osv::Database& db,
                                                       std::vector<std::string>* warnings) {
  using Key = std::tuple<std::string, std::string, std::string>;
  std::map<Key, std::vector<osv::Match>> cache;
  std::set<std::string> warned;
  std::vector<Vulnerability> out;
  for (size_t i = 0; i < inv.packages.size(); ++i) {
    const InventoryPackage& p = inv.packages[i];
    if (p.ecosystem.empty()) {
      if (warned.insert("").second && warnings)
        warnings->push_back(fmt::format("{}: the distribution is unknown, its packages were not checked", p.path));
      continue;
    }
    if (p.cls == PackageClass::Os && p.ecosystem.find(':') == std::string::npos &&
        (p.ecosystem == "Debian" || p.ecosystem == "Alpine" || p.ecosystem == "Ubuntu") &&
        warned.insert("release").second && warnings) {
      // Their advisories are per release; without one only the few filed
      // for every release can match.
      warnings->push_back(fmt::format("{}: the {} release is unknown (no os-release), so only advisories that name "
                                      "no release were matched",
                                      p.path, p.ecosystem));
    }
    auto [name, version] = advisory_key(p);
    Key key{p.ecosystem, name, version};
    auto it = cache.find(key);
    if (it == cache.end()) {
      auto matches = db.match(p.ecosystem, name, version);
      if (!matches) {
        if (matches.error().kind() != ErrorKind::NotSupported) return std::unexpected(matches.error());
        if (warned.insert(p.ecosystem).second && warnings)
          warnings->push_back(fmt::format("{}: versions of ecosystem {} cannot be compared, not checked", p.path,
                                          p.ecosystem));
        matches = std::vector<osv::Match>{};
      }
      it = cache.emplace(std::move(key), std::move(*matches)).first;
    }
    size_t first = out.size();
    for (const osv::Match& m : it->second) {
      Vulnerability v;
      v.id = m.id;
      v.package = i;
      v.installed = p.version;
      v.fixed = m.fixed_version;
      v.severity = m.severity;
      v.title = m.summary;
      v.aliases = m.aliases;
      v.primary_url = "https://osv.dev/vulnerability/" + m.id;
      out.push_back(std::move(v));
    }
    // Within a package: the most severe first, then by id.
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
              [](const Vulnerability& a, const Vulnerability& b) {
                if (a.severity != b.severity) return a.severity > b.severity;
                return a.id < b.id;
              });
  }
  return out;
}

}  // namespace hako::scan
