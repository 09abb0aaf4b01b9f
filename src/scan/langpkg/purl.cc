// Package URLs for language packages (github.com/package-url/purl-spec) and
// the per-file package collector the readers share.
#include <cctype>

#include "scan/langpkg/langpkg.h"
#include "scan/inventory/package.h"

namespace hako::scan {

std::string pep503_normalize(std::string_view name) {
  std::string out;
  bool in_run = false;
  for (unsigned char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_run) out += '-';
      in_run = true;
    } else {
      out += static_cast<char>(std::tolower(c));
      in_run = false;
    }
  }
  return out;
}

std::string make_lang_purl(std::string_view ecosystem, std::string_view name, std::string_view version) {
  // The purl type per OSV ecosystem; the encoding is make_purl's, shared
  // with the OS packages.
  std::string_view type;
  if (ecosystem == "npm") type = "npm";
  else if (ecosystem == "PyPI") type = "pypi";
  else if (ecosystem == "Go") type = "golang";
  else if (ecosystem == "crates.io") type = "cargo";
  else if (ecosystem == "RubyGems") type = "gem";
  else if (ecosystem == "Packagist") type = "composer";
  else if (ecosystem == "Maven") type = "maven";
  else return "";
  std::string full = type == "pypi" ? pep503_normalize(name) : std::string(name);
  // The namespace: npm's "@scope", Go's module path, Composer's vendor (all
  // before the last '/'), Maven's group (before ':').
  size_t cut = type == "maven" ? full.find(':') : (type == "npm" || type == "golang" || type == "composer")
                                                      ? full.rfind('/')
                                                      : std::string::npos;
  if (cut == std::string::npos) return make_purl(type, "", full, version);
  return make_purl(type, std::string_view(full).substr(0, cut), std::string_view(full).substr(cut + 1), version);
}

namespace langpkg_detail {

void PackageSet::add(std::string ecosystem, std::string name, std::string version, std::string license,
                     const std::string& path) {
  if (name.empty()) return;
  std::string key = name + '\0' + version;
  if (!seen_.insert(key).second) return;
  LangPackage p;
  p.purl = make_lang_purl(ecosystem, name, version);
  p.name = std::move(name);
  p.version = std::move(version);
  p.ecosystem = std::move(ecosystem);
  p.license = std::move(license);
  p.path = path;
  packages_.push_back(std::move(p));
}

}  // namespace langpkg_detail

}  // namespace hako::scan
