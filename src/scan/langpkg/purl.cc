// Package URLs for language packages (github.com/package-url/purl-spec) and
// the per-file package collector the readers share.
#include <cctype>

#include "scan/langpkg/langpkg.h"

namespace hako::scan {

namespace {

// Percent-encodes one purl segment: everything but unreserved characters,
// so "@", "/", "+" and spaces in names or versions cannot break the URL.
std::string encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Each '/'-separated segment encoded, the separators kept (Go module paths,
// Composer vendor/name).
std::string encode_path(std::string_view s) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t slash = s.find('/', start);
    out += encode(s.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    out += '/';
    start = slash + 1;
  }
  return out;
}

}  // namespace

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
  std::string type;
  std::string body;
  if (ecosystem == "npm") {
    type = "npm";
    // "@scope/name": the scope is the namespace, its "@" encoded as %40.
    body = encode_path(name);
  } else if (ecosystem == "PyPI") {
    type = "pypi";
    body = encode(pep503_normalize(name));
  } else if (ecosystem == "Go") {
    type = "golang";
    body = encode_path(name);
  } else if (ecosystem == "crates.io") {
    type = "cargo";
    body = encode(name);
  } else if (ecosystem == "RubyGems") {
    type = "gem";
    body = encode(name);
  } else if (ecosystem == "Packagist") {
    type = "composer";
    body = encode_path(name);
  } else if (ecosystem == "Maven") {
    type = "maven";
    size_t colon = name.find(':');
    body = colon == std::string_view::npos ? encode(name)
                                           : encode(name.substr(0, colon)) + "/" + encode(name.substr(colon + 1));
  } else {
    return "";
  }
  std::string purl = "pkg:" + type + "/" + body;
  if (!version.empty()) purl += "@" + encode(version);
  return purl;
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
