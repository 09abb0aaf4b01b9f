// What `hako scan` and `hako sbom` report: the inventory of one artifact (an
// image, a directory or an archive) and the vulnerabilities found in it.
// Built by src/scan/scanner; rendered by the writers in this directory, which
// are pure functions of these structs (no I/O, no clock: the caller passes
// the time and tool version), so their output is testable byte for byte.
#pragma once

#include <string>
#include <vector>

#include "scan/inventory/package.h"
#include "scan/osv/advisory.h"

namespace hako::scan::report {

// Where a package was recorded.
enum class PackageClass { Os, Lang };

struct Layer {
  std::string diff_id;  // "sha256:..." of the uncompressed layer tar
  std::string created_by;  // the image history's command, when known
};

struct InventoryPackage {
  PackageClass cls = PackageClass::Os;
  // The package manager or file type that recorded it: "dpkg", "apk", "rpm",
  // "npm", "yarn", "node-pkg", "python-pkg", "pip", "poetry", "gobinary",
  // "cargo", "bundler", "composer", "jar".
  std::string type;
  std::string name;
  std::string version;
  std::string ecosystem;  // OSV ecosystem, with release for OS packages ("Debian:12")
  std::string purl;
  std::string license;    // as declared; "" unknown
  std::string source_name;     // OS packages: the source package ("" = same as name)
  std::string source_version;
  std::string arch;
  std::string path;      // the file it was read from, relative to the root, no leading '/'
  std::string layer;     // diff id of the layer that brought it; "" when not an image
};

struct Inventory {
  std::string artifact_name;  // what the user named: "debian:12", "/srv/root", "img.tar"
  std::string artifact_type;  // "container_image", "filesystem", "archive"
  std::string image_id;       // "sha256:..." (images and archives), else ""
  std::vector<std::string> repo_tags;
  std::vector<std::string> repo_digests;
  OsRelease os;               // id empty when unknown
  std::string os_ecosystem;   // "Debian:12", "" when unknown
  std::vector<Layer> layers;  // base first
  std::vector<InventoryPackage> packages;  // OS packages first, then language packages by path
  std::vector<std::string> warnings;       // files that could not be read, and why
};

struct Vulnerability {
  std::string id;          // "CVE-2023-1234", "GHSA-...", "DSA-..."
  size_t package = 0;      // index into Inventory::packages
  std::string installed;   // the installed version (source version for Debian source matches)
  std::string fixed;       // "" when no fix is available
  osv::Severity severity = osv::Severity::Unknown;
  std::string title;       // the advisory summary
  std::vector<std::string> aliases;
  std::string primary_url; // "https://osv.dev/vulnerability/<id>"
};

struct ScanResult {
  Inventory inventory;
  std::vector<Vulnerability> vulnerabilities;  // sorted by package index, then severity (highest first), then id
};

// A group of findings as Trivy shows them: one target per OS (named
// "ARTIFACT (debian 12.4)") and one per language file ("app/package-lock.json").
struct Target {
  std::string name;
  PackageClass cls = PackageClass::Os;
  std::string type;  // "debian", "alpine", ... for OS; the package type for language files
  std::vector<size_t> packages;         // indexes into Inventory::packages
  std::vector<size_t> vulnerabilities;  // indexes into ScanResult::vulnerabilities
};

// The targets of a result, in inventory order: the OS target first (when
// there are OS packages), then one per language file path. Every package is
// in exactly one target; a vulnerability is in its package's target.
std::vector<Target> targets_of(const ScanResult& result);

// A target's heading: the OS target's name already says the OS
// ("debian:12 (debian 12)"); a file's adds its type ("app/package-lock.json (npm)").
std::string target_heading(const Target& target);

}  // namespace hako::scan::report
