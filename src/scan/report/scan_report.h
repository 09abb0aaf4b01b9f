// What `hako scan` prints: filters over the findings, and the writers for
// the table, JSON (Trivy's report shape, SchemaVersion 2) and SARIF 2.1.0.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "base/error.h"
#include "scan/report/ignore.h"
#include "scan/report/model.h"

namespace hako::scan::report {

struct Filter {
  std::set<osv::Severity> severities;  // empty: all
  bool ignore_unfixed = false;
  const IgnoreList* ignore = nullptr;
};

// Drops the findings the filter excludes; returns how many were dropped by
// the ignore list (the others are filtered silently, as Trivy).
size_t apply_filter(ScanResult* result, const Filter& filter);

// "CRITICAL,HIGH" (case-insensitive; UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL).
Result<std::set<osv::Severity>> parse_severity_list(std::string_view list);

struct ReportOptions {
  std::string tool_version;
  bool color = false;
  std::string created_at;     // RFC 3339
  std::string db_updated_at;  // RFC 3339 of the database's last import
};

std::string render_scan_table(const ScanResult& result, const ReportOptions& opt);
std::string render_scan_json(const ScanResult& result, const ReportOptions& opt);
std::string render_scan_sarif(const ScanResult& result, const ReportOptions& opt);

// "CRITICAL", "HIGH", ... as the reports spell it.
std::string severity_label(osv::Severity s);

}  // namespace hako::scan::report
