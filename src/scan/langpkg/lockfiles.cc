// Cargo.lock, Gemfile.lock and composer.lock readers.
#include <cctype>

#include "base/json.h"
#include "base/strings.h"
#include "scan/langpkg/langpkg.h"
#include "scan/langpkg/toml_subset.h"

namespace hako::scan {

using langpkg_detail::PackageSet;

Result<LangPackages> parse_cargo_lock(std::string_view content, const std::string& path) {
  PackageSet out;
  for (const auto& table : langpkg_detail::toml_array_tables(content, "package")) {
    auto name = table.find("name");
    auto version = table.find("version");
    // No source: a crate of the workspace itself, not from crates.io, whose
    // name may well collide with an unrelated published crate.
    if (name == table.end() || version == table.end() || !table.contains("source")) continue;
    out.add("crates.io", name->second, version->second, "", path);
  }
  return out.take();
}

Result<LangPackages> parse_gemfile_lock(std::string_view content, const std::string& path) {
  PackageSet out;
  bool in_gem = false;    // inside a top-level GEM section
  bool in_specs = false;  // ...and its "  specs:" list
  for (const std::string& raw : split(content, '\n')) {
    std::string_view line = raw;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() != ' ') {
      in_gem = line == "GEM";
      in_specs = false;
      continue;
    }
    if (!in_gem) continue;
    if (!line.starts_with("    ")) {
      in_specs = trim(line) == "specs:";
      continue;
    }
    // Exactly four spaces: a gem; six: one of its dependency constraints.
    if (!in_specs || line.starts_with("     ")) continue;
    std::string_view spec = trim(line);
    size_t open = spec.find(" (");
    if (open == std::string_view::npos || spec.back() != ')') continue;
    std::string_view name = spec.substr(0, open);
    std::string_view version = spec.substr(open + 2, spec.size() - open - 3);
    // "1.15.4-x86_64-linux": RubyGems versions have no '-', a platform
    // gem's lock line appends its platform after one.
    version = version.substr(0, version.find('-'));
    if (!name.empty() && !version.empty()) out.add("RubyGems", std::string(name), std::string(version), "", path);
  }
  return out.take();
}

Result<LangPackages> parse_composer_lock(std::string_view content, const std::string& path) {
  TRY_ASSIGN(Json doc, parse_json(content, path));
  if (!doc.is_object()) return fail(ErrorKind::InvalidArgument, "{}: not a JSON object", path);
  PackageSet out;
  for (const char* section : {"packages", "packages-dev"}) {
    auto list = doc.find(section);
    if (list == doc.end() || !list->is_array()) continue;
    for (const Json& p : *list) {
      if (!p.is_object()) continue;
      auto name = p.find("name");
      auto version = p.find("version");
      if (name == p.end() || version == p.end() || !name->is_string() || !version->is_string()) continue;
      std::string v = version->get<std::string>();
      // Tags are often "v1.2.3"; advisories say "1.2.3".
      if (v.size() > 1 && (v[0] == 'v' || v[0] == 'V') && std::isdigit(static_cast<unsigned char>(v[1]))) {
        v.erase(0, 1);
      }
      std::vector<std::string> licenses;
      if (auto l = p.find("license"); l != p.end()) {
        if (l->is_string()) licenses.push_back(l->get<std::string>());
        if (l->is_array()) {
          for (const Json& e : *l) {
            if (e.is_string()) licenses.push_back(e.get<std::string>());
          }
        }
      }
      out.add("Packagist", name->get<std::string>(), v, join(licenses, ", "), path);
    }
  }
  return out.take();
}

}  // namespace hako::scan
