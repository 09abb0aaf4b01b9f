// The inventory as a table: per target a heading and one row per package
// (NAME VERSION LICENSE LAYER), then the package count.
#include <array>

#include <fmt/format.h>

#include "scan/report/sbom.h"
#include "scan/report/text.h"

namespace hako::scan::report {
namespace {

constexpr size_t kLayerWidth = 12;

// "sha256:0123456789abcdef..." -> "0123456789ab"; "-" when there is none.
std::string short_layer(std::string_view diff_id) {
  if (diff_id.empty()) return "-";
  size_t colon = diff_id.find(':');
  if (colon != std::string_view::npos) diff_id.remove_prefix(colon + 1);
  return std::string(diff_id.substr(0, kLayerWidth));
}

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

// Debian's copyright files can list many licences; the table keeps to the
// first 40 characters (the SBOM formats carry them whole).
constexpr size_t kLicenseWidth = 40;

}  // namespace

std::string render_sbom_table(const Inventory& inv) {
  std::string out;
  for (const Target& target : targets_of(ScanResult{inv, {}})) {
    if (!out.empty()) out += "\n";
    std::string heading = target_heading(target);
    out += heading + "\n" + std::string(heading.size(), '=') + "\n";
    std::vector<std::array<std::string, 4>> rows;
    rows.push_back({"NAME", "VERSION", "LICENSE", "LAYER"});
    for (size_t i : target.packages) {
      const InventoryPackage& p = inv.packages[i];
      rows.push_back({p.name, or_dash(p.version), or_dash(shorten(p.license, kLicenseWidth)), short_layer(p.layer)});
    }
    std::array<size_t, 4> width{};
    for (const auto& row : rows)
      for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    for (const auto& row : rows) {
      std::string line;
      for (size_t c = 0; c < row.size(); ++c) {
        line += row[c];
        if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
      }
      out += line + "\n";
    }
    out += fmt::format("Total: {} package{}\n", target.packages.size(), target.packages.size() == 1 ? "" : "s");
  }
  if (out.empty()) out = "No packages found.\n";
  return out;
}

}  // namespace hako::scan::report
