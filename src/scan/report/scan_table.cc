// The scan table: per target a heading, the totals by severity, and one row
// per finding (SEVERITY PACKAGE INSTALLED FIXED ID TITLE).
#include <array>

#include <fmt/format.h>

#include "scan/report/scan_report.h"
#include "scan/report/text.h"

namespace hako::scan::report {
namespace {

constexpr size_t kTitleWidth = 60;

std::string_view color_of(osv::Severity s) {
  switch (s) {
    case osv::Severity::Critical: return "\033[1;31m";
    case osv::Severity::High: return "\033[31m";
    case osv::Severity::Medium: return "\033[33m";
    case osv::Severity::Low: return "\033[34m";
    case osv::Severity::Unknown: return "";
  }
  return "";
}

}  // namespace

std::string severity_label(osv::Severity s) { return std::string(osv::to_string(s)); }

std::string render_scan_table(const ScanResult& result, const ReportOptions& opt) {
  std::string out;
  for (const Target& target : targets_of(result)) {
    std::array<size_t, 5> counts{};
    for (size_t v : target.vulnerabilities) ++counts[static_cast<size_t>(result.vulnerabilities[v].severity)];
    if (!out.empty()) out += "\n";
    std::string heading = target_heading(target);
    out += fmt::format("{}\n{}\n", heading, std::string(heading.size(), '='));
    out += fmt::format("Total: {} (UNKNOWN: {}, LOW: {}, MEDIUM: {}, HIGH: {}, CRITICAL: {})\n",
                       target.vulnerabilities.size(), counts[0], counts[1], counts[2], counts[3], counts[4]);
    if (target.vulnerabilities.empty()) continue;
    std::vector<std::array<std::string, 6>> rows;
    rows.push_back({"SEVERITY", "PACKAGE", "INSTALLED", "FIXED", "ID", "TITLE"});
    for (size_t v : target.vulnerabilities) {
      const Vulnerability& vuln = result.vulnerabilities[v];
      const InventoryPackage& p = result.inventory.packages[vuln.package];
      rows.push_back({severity_label(vuln.severity), p.name, vuln.installed,
                      vuln.fixed.empty() ? std::string("(no fix)") : vuln.fixed, vuln.id,
                      shorten(vuln.title, kTitleWidth)});
    }
    std::array<size_t, 6> width{};
    for (const auto& row : rows)
      for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    out += "\n";
    for (size_t r = 0; r < rows.size(); ++r) {
      std::string line;
      for (size_t c = 0; c < rows[r].size(); ++c) {
        std::string cell = rows[r][c];
        bool last = c + 1 == rows[r].size();
        std::string pad = last ? "" : std::string(width[c] - cell.size() + 2, ' ');
        if (c == 0 && r > 0 && opt.color) {
          auto sev = result.vulnerabilities[target.vulnerabilities[r - 1]].severity;
          std::string_view col = color_of(sev);
          if (!col.empty()) cell = std::string(col) + cell + "\033[0m";
        }
        line += cell + pad;
      }
      out += line + "\n";
    }
  }
  if (out.empty()) out = "No packages found.\n";
  return out;
}

}  // namespace hako::scan::report
