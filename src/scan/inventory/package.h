// The inventory's data model: one installed package, the distribution it was
// installed on, and the package URL (purl) that names it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hako::scan {

struct Package {
  std::string name;
  std::string version;  // the package manager's full version: dpkg/rpm "[epoch:]upstream-release"
  // OSV ecosystem name. For OS packages it carries the release when one is
  // known ("Debian:12", "Alpine:v3.19", "Ubuntu:22.04:LTS"), as OSV's
  // affected[].package.ecosystem does; scheme_for_ecosystem ignores it.
  std::string ecosystem;
  std::string purl;
  std::string license;  // as the package declares it; empty when unknown
  // The source package advisories are filed under (dpkg Source:, rpm
  // SOURCERPM, apk origin); the binary's own name/version when it has none.
  std::string source_name;
  std::string source_version;
  std::string arch;
  std::string path;   // database file it was found in, relative to the root, no leading '/'
  std::string layer;  // filled by the caller: digest of the layer that brought `path`
};

struct OsRelease {
  std::string id;          // os-release ID: debian, ubuntu, alpine, rhel, ...; empty when unknown
  std::string version_id;  // "12", "22.04", "3.19.1"; empty for rolling/testing releases
  std::string pretty_name;
};

using PurlQualifiers = std::vector<std::pair<std::string, std::string>>;

// Builds a canonical package URL (github.com/package-url/purl-spec):
// pkg:type/namespace/name@version?qualifiers#subpath. The type and qualifier
// keys are lowercased; namespace segments, name, version, qualifier values
// and subpath segments are percent-encoded (UTF-8 octets, uppercase hex)
// except for A-Z a-z 0-9 . - _ ~ and ':'; qualifiers with empty values are
// dropped and the rest sorted by key; empty namespace, version and subpath
// are omitted. Type-specific normalisation for the types hako emits: deb,
// apk, alpm lowercase namespace and name; rpm lowercases the namespace;
// pypi lowercases the name and turns '_' into '-'.
std::string make_purl(std::string_view type, std::string_view ns, std::string_view name,
                      std::string_view version, const PurlQualifiers& qualifiers = {},
                      std::string_view subpath = {});

}  // namespace hako::scan
