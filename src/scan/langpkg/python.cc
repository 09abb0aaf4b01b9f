// Python readers: core metadata (dist-info/egg-info), requirements.txt pins,
// poetry.lock.
#include <cctype>

#include "base/strings.h"
#include "scan/langpkg/langpkg.h"
#include "scan/langpkg/toml_subset.h"

namespace hako::scan {

using langpkg_detail::PackageSet;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool valid_name(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

}  // namespace

Result<LangPackages> parse_python_metadata(std::string_view content, const std::string& path) {
  // RFC 822-style headers up to the first blank line (the description may
  // follow); a line starting with whitespace continues the previous header.
  std::vector<std::pair<std::string, std::string>> headers;
  for (const std::string& raw : split(content, '\n')) {
    std::string_view line = raw;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      if (!headers.empty()) headers.back().second += "\n" + std::string(trim(line));
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    headers.emplace_back(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
  std::string name, version, expression, license;
  std::vector<std::string> classifiers;
  for (const auto& [key, value] : headers) {
    if (iequals(key, "Name")) {
      name = value;
    } else if (iequals(key, "Version")) {
      version = value;
    } else if (iequals(key, "License-Expression")) {
      expression = value;
    } else if (iequals(key, "License")) {
      license = value;
    } else if (iequals(key, "Classifier") && value.starts_with("License ::")) {
      // "License :: OSI Approved :: MIT License": the last part names it.
      std::string_view last = std::string_view(value).substr(value.rfind("::") + 2);
      last = trim(last);
      if (last != "OSI Approved" && !last.empty()) classifiers.emplace_back(last);
    }
  }
  // License often holds the whole license text, or "UNKNOWN"; the
  // classifiers say it better then.
  if (!expression.empty()) {
    license = expression;
  } else if (license.empty() || iequals(license, "UNKNOWN") || license.find('\n') != std::string::npos) {
    license = join(classifiers, ", ");
  }
  PackageSet out;
  if (!name.empty() && !version.empty()) out.add("PyPI", name, version, license, path);
  return out.take();
}

Result<LangPackages> parse_requirements_txt(std::string_view content, const std::string& path) {
  PackageSet out;
  std::string logical;
  std::vector<std::string> lines = split(content, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // A trailing backslash joins the next line (long --hash lists).
    if (!line.empty() && line.back() == '\\' && i + 1 < lines.size()) {
      logical += std::string(line.substr(0, line.size() - 1)) + " ";
      continue;
    }
    logical += line;
    std::string_view req = logical;
    // Comments: a '#' at the start or after whitespace (not in URLs' #egg=).
    for (size_t p = req.find('#'); p != std::string_view::npos; p = req.find('#', p + 1)) {
      if (p == 0 || req[p - 1] == ' ' || req[p - 1] == '\t') {
        req = req.substr(0, p);
        break;
      }
    }
    req = trim(req);
    req = req.substr(0, req.find(';'));  // environment markers
    size_t eq = req.find("==");
    // Options (-r, -e, --index-url) and anything but an exact pin are skipped.
    if (!req.empty() && req.front() != '-' && eq != std::string_view::npos) {
      std::string_view name = trim(req.substr(0, eq));
      name = name.substr(0, name.find('['));  // extras: name[security]==1.0
      name = trim(name);
      std::string_view version = req.substr(eq + 2);
      if (version.starts_with('=')) version.remove_prefix(1);  // === arbitrary equality
      version = trim(version);
      version = version.substr(0, version.find_first_of(" \t"));  // then --hash=...
      bool exact = !version.empty() && version.find_first_of(",*<>!=~") == std::string_view::npos;
      if (valid_name(name) && exact) out.add("PyPI", std::string(name), std::string(version), "", path);
    }
    logical.clear();
  }
  return out.take();
}

Result<LangPackages> parse_poetry_lock(std::string_view content, const std::string& path) {
  PackageSet out;
  for (const auto& table : langpkg_detail::toml_array_tables(content, "package")) {
    auto name = table.find("name");
    auto version = table.find("version");
    if (name == table.end() || version == table.end()) continue;
    out.add("PyPI", name->second, version->second, "", path);
  }
  return out.take();
}

}  // namespace hako::scan
