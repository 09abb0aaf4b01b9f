// npm ecosystem readers: package-lock.json, yarn.lock, installed package.json.
#include <functional>

#include "base/json.h"
#include "base/strings.h"
#include "scan/langpkg/langpkg.h"

namespace hako::scan {

using langpkg_detail::PackageSet;

namespace {

std::string string_field(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "MIT", {"type": "MIT"}, or the legacy "licenses": [{"type": ...}, ...].
std::string npm_license(const Json& obj) {
  auto it = obj.find("license");
  if (it != obj.end()) {
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object()) return string_field(*it, "type");
  }
  it = obj.find("licenses");
  if (it != obj.end() && it->is_array()) {
    std::vector<std::string> parts;
    for (const Json& l : *it) {
      if (l.is_string()) parts.push_back(l.get<std::string>());
      else if (l.is_object() && !string_field(l, "type").empty()) parts.push_back(string_field(l, "type"));
    }
    return join(parts, ", ");
  }
  return "";
}

// Versions of registry packages; v1 lockfiles put git URLs, tarball URLs and
// "file:" paths in "version" for other sources, which no advisory names.
bool registry_version(std::string_view v) {
  return !v.empty() && v.find(':') == std::string_view::npos && v.find('/') == std::string_view::npos;
}

void walk_v1(const Json& deps, PackageSet& out, const std::string& path, int depth) {
  if (!deps.is_object() || depth > 64) return;
  for (auto it = deps.begin(); it != deps.end(); ++it) {
    if (!it->is_object()) continue;
    std::string version = string_field(*it, "version");
    // An alias ("x": {"version": "npm:real@1.0.0"}) is the real package.
    std::string name = it.key();
    if (version.starts_with("npm:")) {
      std::string_view spec = std::string_view(version).substr(4);
      size_t at = spec.rfind('@');
      if (at != std::string_view::npos && at > 0) {
        name = std::string(spec.substr(0, at));
        version = std::string(spec.substr(at + 1));
      }
    }
    if (registry_version(version)) out.add("npm", name, version, npm_license(*it), path);
    auto nested = it->find("dependencies");
    if (nested != it->end()) walk_v1(*nested, out, path, depth + 1);
  }
}

}  // namespace

Result<LangPackages> parse_package_lock(std::string_view content, const std::string& path) {
  TRY_ASSIGN(Json doc, parse_json(content, path));
  if (!doc.is_object()) return fail(ErrorKind::InvalidArgument, "{}: not a JSON object", path);
  PackageSet out;
  auto packages = doc.find("packages");
  if (packages != doc.end() && packages->is_object()) {
    for (auto it = packages->begin(); it != packages->end(); ++it) {
      const std::string& key = it.key();
      // "" is the project itself; keys outside node_modules are workspace
      // folders, and "link" entries point at them.
      size_t nm = key.rfind("node_modules/");
      if (nm == std::string::npos || !it->is_object()) continue;
      if (auto link = it->find("link"); link != it->end() && link->is_boolean() && link->get<bool>()) continue;
      std::string name = string_field(*it, "name");  // set when installed under an alias
      if (name.empty()) name = key.substr(nm + 13);
      std::string version = string_field(*it, "version");
      if (registry_version(version)) out.add("npm", name, version, npm_license(*it), path);
    }
    return out.take();
  }
  auto deps = doc.find("dependencies");
  if (deps != doc.end()) walk_v1(*deps, out, path, 0);
  return out.take();
}

Result<LangPackages> parse_package_json(std::string_view content, const std::string& path) {
  TRY_ASSIGN(Json doc, parse_json(content, path));
  if (!doc.is_object()) return fail(ErrorKind::InvalidArgument, "{}: not a JSON object", path);
  PackageSet out;
  std::string name = string_field(doc, "name");
  std::string version = string_field(doc, "version");
  if (!name.empty() && !version.empty()) out.add("npm", name, version, npm_license(doc), path);
  return out.take();
}

namespace {

std::string_view unquote(std::string_view s) {
  // Each end on its own: a berry header quotes its whole descriptor list,
  // so the first descriptor has only an opening quote.
  s = trim(s);
  if (!s.empty() && s.front() == '"') s.remove_prefix(1);
  if (!s.empty() && s.back() == '"') s.remove_suffix(1);
  return s;
}

// The package a yarn descriptor ("@s/a@^1", "a@npm:^1", "b@npm:a@^1")
// names; "" for descriptors of non-registry sources.
std::string descriptor_name(std::string_view d) {
  d = unquote(d);
  size_t at = d.find('@', 1);  // a leading '@' starts a scope
  if (at == std::string_view::npos) return "";
  std::string_view name = d.substr(0, at);
  std::string_view range = d.substr(at + 1);
  for (std::string_view proto : {"workspace:", "link:", "portal:", "file:", "patch:", "exec:", "git"}) {
    if (range.starts_with(proto)) return "";
  }
  if (range.starts_with("npm:")) {
    std::string_view rest = range.substr(4);
    size_t alias_at = rest.find('@', 1);
    if (alias_at != std::string_view::npos) name = rest.substr(0, alias_at);  // an alias of another package
  }
  return std::string(name);
}

}  // namespace

Result<LangPackages> parse_yarn_lock(std::string_view content, const std::string& path) {
  PackageSet out;
  std::string current;  // the name of the entry being read, "" to ignore it
  for (const std::string& raw : split(content, '\n')) {
    std::string_view line = raw;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() != ' ') {
      // An entry header: every descriptor resolving to this entry, e.g.
      // `"a@^1", a@~1.2:` (v1) or `"a@npm:^1, a@npm:~1.2":` (berry).
      current.clear();
      if (line.back() != ':' || line.starts_with("__metadata")) continue;
      std::string_view specs = line.substr(0, line.size() - 1);
      std::string first(unquote(specs.substr(0, specs.find(','))));
      current = descriptor_name(first);
      continue;
    }
    if (current.empty() || line.starts_with("    ")) continue;
    std::string_view field = trim(line);
    std::string_view value;
    if (field.starts_with("version:")) {
      value = field.substr(8);  // berry: `version: 1.2.3`
    } else if (field.starts_with("version ")) {
      value = field.substr(8);  // v1: `version "1.2.3"`
    } else {
      continue;
    }
    std::string version(unquote(value));
    if (registry_version(version) && version.find("use.local") == std::string::npos) {
      out.add("npm", current, version, "", path);
    }
    current.clear();
  }
  return out.take();
}

}  // namespace hako::scan
