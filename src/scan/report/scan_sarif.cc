// SARIF 2.1.0 for code-scanning dashboards: one rule per vulnerability id,
// one result per affected package, located at the file that lists it.
#include <map>

#include <fmt/format.h>

#include "base/json.h"
#include "scan/report/scan_report.h"

namespace hako::scan::report {
namespace {

std::string_view level_of(osv::Severity s) {
  switch (s) {
    case osv::Severity::Critical:
    case osv::Severity::High: return "error";
    case osv::Severity::Medium: return "warning";
    default: return "note";
  }
}

// GitHub's code scanning ranks results by this CVSS-like score.
std::string_view security_severity(osv::Severity s) {
  switch (s) {
    case osv::Severity::Critical: return "9.5";
    case osv::Severity::High: return "8.0";
    case osv::Severity::Medium: return "5.5";
    case osv::Severity::Low: return "2.0";
    default: return "0.0";
  }
}

}  // namespace

std::string render_scan_sarif(const ScanResult& result, const ReportOptions& opt) {
  const Inventory& inv = result.inventory;
  Json rules = Json::array();
  Json results = Json::array();
  std::map<std::string, size_t> rule_index;
  for (const Vulnerability& v : result.vulnerabilities) {
    const InventoryPackage& p = inv.packages[v.package];
    auto [it, added] = rule_index.emplace(v.id, rule_index.size());
    if (added) {
      std::string title = v.title.empty() ? v.id : v.title;
      Json rule = {{"id", v.id},
                   {"name", "OsPackageVulnerability"},
                   {"shortDescription", {{"text", title}}},
                   {"fullDescription", {{"text", title}}},
                   {"defaultConfiguration", {{"level", level_of(v.severity)}}},
                   {"properties",
                    {{"tags", Json::array({"vulnerability", "security", severity_label(v.severity)})},
                     {"security-severity", security_severity(v.severity)},
                     {"precision", "very-high"}}}};
      if (p.cls == PackageClass::Lang) rule["name"] = "LanguageSpecificPackageVulnerability";
      if (!v.primary_url.empty()) {
        rule["helpUri"] = v.primary_url;
        rule["help"] = {{"text", fmt::format("Vulnerability {}\nSeverity: {}\n{}", v.id, severity_label(v.severity),
                                             v.primary_url)}};
      }
      rules.push_back(std::move(rule));
    }
    std::string text = fmt::format("Package: {}\nInstalled Version: {}\nVulnerability {}\nSeverity: {}\nFixed Version: {}",
                                   p.name, v.installed, v.id, severity_label(v.severity),
                                   v.fixed.empty() ? "(no fix)" : v.fixed);
    std::string uri = p.path.empty() ? inv.artifact_name : p.path;
    results.push_back({{"ruleId", v.id},
                       {"ruleIndex", it->second},
                       {"level", level_of(v.severity)},
                       {"message", {{"text", text}}},
                       {"locations",
                        Json::array({{{"physicalLocation",
                                       {{"artifactLocation", {{"uri", uri}, {"uriBaseId", "ROOTPATH"}}},
                                        {"region", {{"startLine", 1}, {"startColumn", 1}, {"endLine", 1},
                                                    {"endColumn", 1}}}}},
                                      {"message", {{"text", fmt::format("{}: {}@{}", uri, p.name, p.version)}}}}})}});
  }
  Json driver = {{"name", "hako scan"},
                 {"fullName", "hako image vulnerability scanner"},
                 {"version", opt.tool_version},
                 {"informationUri", "https://osv.dev"},
                 {"rules", rules}};
  Json run = {{"tool", {{"driver", driver}}},
              {"results", results},
              {"columnKind", "utf16CodeUnits"},
              {"originalUriBaseIds", {{"ROOTPATH", {{"uri", "file:///"}}}}}};
  if (!inv.image_id.empty() || !inv.repo_tags.empty()) {
    Json props = Json::object();
    props["imageName"] = inv.artifact_name;
    if (!inv.image_id.empty()) props["imageID"] = inv.image_id;
    if (!inv.repo_tags.empty()) props["repoTags"] = inv.repo_tags;
    run["properties"] = props;
  }
  Json doc = {{"version", "2.1.0"},
              {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"runs", Json::array({run})}};
  return doc.dump(2) + "\n";
}

}  // namespace hako::scan::report
