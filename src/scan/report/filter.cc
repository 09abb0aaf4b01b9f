// --severity, --ignore-unfixed and the ignore file over a scan result.
#include <algorithm>
#include <cctype>

#include "base/strings.h"
#include "scan/report/scan_report.h"

namespace hako::scan::report {

size_t apply_filter(ScanResult* result, const Filter& filter) {
  size_t ignored = 0;
  auto dropped = [&](const Vulnerability& v) {
    if (!filter.severities.empty() && !filter.severities.count(v.severity)) return true;
    if (filter.ignore_unfixed && v.fixed.empty()) return true;
    if (filter.ignore && filter.ignore->matches(v)) {
      ++ignored;
      return true;
    }
    return false;
  };
  auto& vulns = result->vulnerabilities;
  vulns.erase(std::remove_if(vulns.begin(), vulns.end(), dropped), vulns.end());
  return ignored;
}

Result<std::set<osv::Severity>> parse_severity_list(std::string_view list) {
  std::set<osv::Severity> out;
  for (const std::string& raw : hako::split(std::string(list), ',')) {
    std::string word;
    for (char c : raw)
      if (c != ' ') word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (word.empty()) continue;
    bool found = false;
    for (auto s : {osv::Severity::Unknown, osv::Severity::Low, osv::Severity::Medium, osv::Severity::High,
                   osv::Severity::Critical}) {
      if (osv::to_string(s) == word) {
        out.insert(s);
        found = true;
      }
    }
    if (!found)
      return fail(ErrorKind::InvalidArgument, "unknown severity \"{}\" (want UNKNOWN, LOW, MEDIUM, HIGH or CRITICAL)",
                  raw);
  }
  if (out.empty()) return fail(ErrorKind::InvalidArgument, "--severity: the list is empty");
  return out;
}

}  // namespace hako::scan::report
