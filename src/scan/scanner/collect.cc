// collect_packages: the readers over the merged root, then layer attribution.
#include "scan/scanner/collect.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "base/files.h"
#include "scan/inventory/inventory.h"
#include "scan/inventory/os_release.h"
#include "scan/inventory/rootfs.h"
#include "scan/langpkg/langpkg.h"

namespace hako::scan {

using report::InventoryPackage;
using report::PackageClass;

std::string os_package_type(const std::string& db_path) {
  if (db_path.starts_with("var/lib/dpkg/")) return "dpkg";
  if (db_path.starts_with("lib/apk/")) return "apk";
  return "rpm";
}

std::string lang_package_type(const std::string& file_path) {
  std::string_view name = file_path;
  if (auto slash = name.rfind('/'); slash != std::string_view::npos) name = name.substr(slash + 1);
  if (name == "package-lock.json") return "npm";
  if (name == "yarn.lock") return "yarn";
  if (name == "package.json") return "node-pkg";
  if (name == "METADATA" || name == "PKG-INFO" || name.ends_with(".egg-info")) return "python-pkg";
  if (name.starts_with("requirements") && name.ends_with(".txt")) return "pip";
  if (name == "poetry.lock") return "poetry";
  if (name == "Cargo.lock") return "cargo";
  if (name == "Gemfile.lock") return "bundler";
  if (name == "composer.lock") return "composer";
  if (name.ends_with(".jar") || name.ends_with(".war") || name.ends_with(".ear")) return "jar";
  return "gobinary";
}

namespace {

// The fields OS and language packages share, moved into the report's form.
template <class P>
InventoryPackage inventory_package(PackageClass cls, std::string type, P& p) {
  InventoryPackage ip;
  ip.cls = cls;
  ip.type = std::move(type);
  ip.name = std::move(p.name);
  ip.version = std::move(p.version);
  ip.ecosystem = std::move(p.ecosystem);
  ip.purl = std::move(p.purl);
  ip.license = std::move(p.license);
  ip.path = std::move(p.path);
  return ip;
}

std::string os_key(const Package& p) { return p.path + '\0' + p.name + '\0' + p.version + '\0' + p.arch; }

// OS packages: walk the layers base first; each layer that (re)wrote a
// database file states that file's whole package list at that point, so a
// package keeps the layer it first appeared in for as long as every later
// rewrite still lists it.
Result<std::unordered_map<std::string, std::string>> attribute_os(const LayerTrees& trees) {
  std::unordered_map<std::string, std::string> layer_of;  // os_key -> diff id
  for (const LayerTree& l : trees.layers) {
    TRY_ASSIGN(auto pkgs, os_packages(l.dir));
    std::set<std::string> rewritten;  // database files this layer holds
    std::set<std::string> listed;
    for (const Package& p : pkgs) {
      rewritten.insert(p.path);
      listed.insert(os_key(p));
    }
    for (auto it = layer_of.begin(); it != layer_of.end();) {
      std::string path = it->first.substr(0, it->first.find('\0'));
      // A cumulative (vfs) layer is the whole tree: a file it lacks is gone.
      bool restated = trees.cumulative || rewritten.contains(path);
      if (restated && !listed.contains(it->first)) it = layer_of.erase(it);
      else ++it;
    }
    for (const std::string& k : listed) layer_of.emplace(k, l.diff_id);
  }
  return layer_of;
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  if (::lstat(a.c_str(), &sa) < 0 || ::lstat(b.c_str(), &sb) < 0) return false;
  if (!S_ISREG(sa.st_mode) || !S_ISREG(sb.st_mode) || sa.st_size != sb.st_size) return false;
  auto ca = read_file(a), cb = read_file(b);
  return ca && cb && *ca == *cb;
}

// The layer that last wrote `path` (a regular file in the merged root):
// overlay, the topmost layer holding it; vfs, the lowest layer from which
// on the file is unchanged.
std::string layer_of_file(const LayerTrees& trees, const std::string& path) {
  const auto& ls = trees.layers;
  for (size_t i = ls.size(); i-- > 0;) {
    std::string here = ls[i].dir + "/" + path;
    struct stat st;
    if (!trees.cumulative) {
      if (::lstat(here.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return ls[i].diff_id;
      continue;
    }
    if (i == 0 || !same_file(here, ls[i - 1].dir + "/" + path)) return ls[i].diff_id;
  }
  return "";
}

}  // namespace

Result<> collect_packages(const std::string& rootfs, const LayerTrees* layers, report::Inventory* inv) {
  TRY_ASSIGN(inv->os, read_os_release(rootfs));
  inv->os_ecosystem = osv_ecosystem(inv->os);
  TRY_ASSIGN(auto os_pkgs, os_packages(rootfs));
  std::unordered_map<std::string, std::string> os_layers;
  if (layers && !layers->layers.empty() && !os_pkgs.empty()) {
    TRY_ASSIGN(os_layers, attribute_os(*layers));
  }
  for (Package& p : os_pkgs) {
    auto layer = os_layers.find(os_key(p));
    InventoryPackage ip = inventory_package(PackageClass::Os, os_package_type(p.path), p);
    if (layer != os_layers.end()) ip.layer = layer->second;
    ip.source_name = std::move(p.source_name);
    ip.source_version = std::move(p.source_version);
    ip.arch = std::move(p.arch);
    inv->packages.push_back(std::move(ip));
  }
  TRY_ASSIGN(auto lang, language_packages(rootfs, &inv->warnings));
  // The walk goes in directory order, which differs between two copies of
  // one tree; reports list files by path.
  std::stable_sort(lang.begin(), lang.end(),
                   [](const LangPackage& a, const LangPackage& b) { return a.path < b.path; });
  std::map<std::string, std::string> file_layers;  // path -> diff id, each file looked up once
  for (LangPackage& p : lang) {
    InventoryPackage ip = inventory_package(PackageClass::Lang, lang_package_type(p.path), p);
    if (layers && !layers->layers.empty()) {
      auto [it, added] = file_layers.try_emplace(ip.path);
      if (added) it->second = layer_of_file(*layers, ip.path);
      ip.layer = it->second;
    }
    inv->packages.push_back(std::move(ip));
  }
  return {};
}

}  // namespace hako::scan
