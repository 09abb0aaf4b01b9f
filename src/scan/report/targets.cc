// Grouping findings into targets the way Trivy's report does.
#include <map>
#include <optional>

#include "scan/report/model.h"

namespace hako::scan::report {

std::vector<Target> targets_of(const ScanResult& result) {
  const Inventory& inv = result.inventory;
  std::vector<Target> out;
  std::map<std::string, size_t> lang_target;  // path -> index in out
  std::optional<size_t> os_target;
  std::vector<size_t> target_of_package(inv.packages.size());
  for (size_t i = 0; i < inv.packages.size(); ++i) {
    const InventoryPackage& p = inv.packages[i];
    size_t t;
    if (p.cls == PackageClass::Os) {
      if (!os_target) {
        Target target;
        std::string os = inv.os.id.empty() ? "unknown" : inv.os.id;
        if (!inv.os.version_id.empty()) os += " " + inv.os.version_id;
        target.name = inv.artifact_name + " (" + os + ")";
        target.cls = PackageClass::Os;
        target.type = inv.os.id.empty() ? p.type : inv.os.id;
        os_target = out.size();
        out.push_back(std::move(target));
      }
      t = *os_target;
    } else {
      auto [it, added] = lang_target.emplace(p.path, out.size());
      if (added) {
        Target target;
        target.name = p.path;
        target.cls = PackageClass::Lang;
        target.type = p.type;
        out.push_back(std::move(target));
      }
      t = it->second;
    }
    out[t].packages.push_back(i);
    target_of_package[i] = t;
  }
  for (size_t v = 0; v < result.vulnerabilities.size(); ++v) {
    size_t pkg = result.vulnerabilities[v].package;
    if (pkg < target_of_package.size()) out[target_of_package[pkg]].vulnerabilities.push_back(v);
  }
  return out;
}

std::string target_heading(const Target& target) {
  return target.cls == PackageClass::Os ? target.name : target.name + " (" + target.type + ")";
}

}  // namespace hako::scan::report
