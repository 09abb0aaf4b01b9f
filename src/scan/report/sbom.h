// Software bills of materials from an inventory: CycloneDX 1.5 JSON, SPDX
// 2.3 JSON and a table. The caller passes the clock and serial so the output
// is reproducible in tests.
#pragma once

#include <string>

#include "scan/report/model.h"

namespace hako::scan::report {

struct SbomOptions {
  std::string tool_version;  // hako's version
  std::string timestamp;     // RFC 3339 UTC, "2026-12-06T07:00:00Z"
  std::string serial;        // a UUID (CycloneDX serialNumber, SPDX namespace)
};

std::string render_cyclonedx(const Inventory& inv, const SbomOptions& opt);
std::string render_spdx_json(const Inventory& inv, const SbomOptions& opt);
// NAME VERSION TYPE LICENSE PATH, grouped by target as the scan table.
std::string render_sbom_table(const Inventory& inv);

}  // namespace hako::scan::report
