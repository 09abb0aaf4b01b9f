// From an unpacked image root to the report's inventory and findings: the
// OS and language package readers run over the root, each package is
// attributed to the layer that brought it, and the local OSV database is
// asked about every package.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "scan/osv/database.h"
#include "scan/report/model.h"

namespace hako::scan {

// One unpacked layer of the image, for attribution.
struct LayerTree {
  std::string dir;      // the layer's directory in the snapshot store
  std::string diff_id;  // "sha256:..."
};

struct LayerTrees {
  std::vector<LayerTree> layers;  // base first
  // vfs: each directory is the whole tree up to its layer. overlay: each
  // holds only its own changes (a file absent there is unchanged).
  bool cumulative = false;
};

// Fills inv->os, os_ecosystem, packages (OS first, then language packages)
// and appends reader warnings, reading the merged root `rootfs`. With
// `layers`, InventoryPackage::layer is the diff id of the layer that
// brought each package: for an OS package the lowest layer from which on
// its database file lists it (same name, version and arch) in every layer
// that rewrote the file, so a package installed in layer 1 stays there
// when layer 3 installs others; for a language package the layer that last
// wrote its file.
Result<> collect_packages(const std::string& rootfs, const LayerTrees* layers, report::Inventory* inv);

// The advisories affecting each package, in the order report::ScanResult
// documents. Debian and other distributions' advisories are keyed by the
// source package and its version; language packages by name. Packages
// whose ecosystem is unknown or cannot be ordered are skipped with a
// warning appended to `warnings` (once per ecosystem).
Result<std::vector<report::Vulnerability>> find_vulnerabilities(const report::Inventory& inv, osv::Database& db,
                                                               std::vector<std::string>* warnings);

// The type name of an OS package database file ("dpkg", "apk", "rpm") and
// of a language manifest ("npm", "yarn", "node-pkg", "python-pkg", "pip",
// "poetry", "cargo", "bundler", "composer", "jar", "gobinary").
std::string os_package_type(const std::string& db_path);
std::string lang_package_type(const std::string& file_path);

}  // namespace hako::scan
