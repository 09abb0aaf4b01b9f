// The JSON report, in Trivy's shape (SchemaVersion 2) so tools that read
// Trivy's JSON read hako's: Results[] per target with Vulnerabilities[].
#include "base/json.h"
#include "scan/report/scan_report.h"

namespace hako::scan::report {
namespace {

std::string_view class_name(PackageClass c) { return c == PackageClass::Os ? "os-pkgs" : "lang-pkgs"; }

}  // namespace

std::string render_scan_json(const ScanResult& result, const ReportOptions& opt) {
  const Inventory& inv = result.inventory;
  Json metadata = Json::object();
  if (!inv.os.id.empty()) metadata["OS"] = {{"Family", inv.os.id}, {"Name", inv.os.version_id}};
  if (!inv.image_id.empty()) metadata["ImageID"] = inv.image_id;
  if (!inv.layers.empty()) {
    Json diff_ids = Json::array();
    for (const auto& l : inv.layers) diff_ids.push_back(l.diff_id);
    metadata["DiffIDs"] = diff_ids;
  }
  if (!inv.repo_tags.empty()) metadata["RepoTags"] = inv.repo_tags;
  if (!inv.repo_digests.empty()) metadata["RepoDigests"] = inv.repo_digests;
  if (!opt.db_updated_at.empty()) metadata["DB"] = {{"UpdatedAt", opt.db_updated_at}};

  Json results = Json::array();
  for (const Target& target : targets_of(result)) {
    Json vulns = Json::array();
    for (size_t v : target.vulnerabilities) {
      const Vulnerability& vuln = result.vulnerabilities[v];
      const InventoryPackage& p = inv.packages[vuln.package];
      Json j = {{"VulnerabilityID", vuln.id},
                {"PkgName", p.name},
                {"PkgPath", p.path},
                {"PkgIdentifier", {{"PURL", p.purl}}},
                {"InstalledVersion", vuln.installed},
                {"FixedVersion", vuln.fixed},
                {"Status", vuln.fixed.empty() ? "affected" : "fixed"},
                {"Layer", p.layer.empty() ? Json::object() : Json{{"DiffID", p.layer}}},
                {"PrimaryURL", vuln.primary_url},
                {"Title", vuln.title},
                {"Severity", severity_label(vuln.severity)}};
      if (!p.source_name.empty()) j["PkgSrcName"] = p.source_name;
      if (!vuln.aliases.empty()) j["VendorIDs"] = vuln.aliases;
      vulns.push_back(std::move(j));
    }
    Json r = {{"Target", target.name}, {"Class", class_name(target.cls)}, {"Type", target.type}};
    r["Vulnerabilities"] = std::move(vulns);
    results.push_back(std::move(r));
  }
  Json doc = {{"SchemaVersion", 2},
              {"CreatedAt", opt.created_at},
              {"ArtifactName", inv.artifact_name},
              {"ArtifactType", inv.artifact_type},
              {"Metadata", metadata},
              {"Results", results}};
  if (!inv.warnings.empty()) doc["Warnings"] = inv.warnings;
  return doc.dump(2) + "\n";
}

}  // namespace hako::scan::report
