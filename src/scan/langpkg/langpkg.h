// Language package inventory for `hako scan`: the packages that language
// package managers (npm/yarn, pip/poetry, Go, Cargo, Bundler, Composer,
// Maven) record inside an image's root filesystem.
//
// Each reader is a pure function over one file's content. `path` is copied
// into every package it returns (the file, relative to the rootfs) and is
// otherwise unused. Readers fail only when the file is not of its format at
// all (JSON that does not parse, a jar that is not a zip); entries they cannot
// use (no version, git/file/workspace dependencies) are skipped silently. A
// file's output holds each (name, version) once, in first-seen order.
//
// `name` is the ecosystem's own spelling: "@scope/pkg" for npm, the declared
// Name for PyPI (not normalised; `purl` is), the module path for Go,
// "vendor/pkg" for Packagist, "group:artifact" for Maven.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/error.h"

namespace hako::scan {

struct LangPackage {
  std::string name;
  std::string version;
  // OSV ecosystem name: "npm", "PyPI", "Go", "crates.io", "RubyGems",
  // "Packagist", "Maven".
  std::string ecosystem;
  std::string purl;
  std::string license;  // "" when the file does not say
  std::string path;     // the file read, relative to the rootfs, no leading '/'
};

using LangPackages = std::vector<LangPackage>;

// PEP 503: lowercase, runs of '-', '_' and '.' become one '-'.
std::string pep503_normalize(std::string_view name);
// The package URL for a package of an OSV ecosystem above (purl spec: npm
// scopes as %40scope, PyPI names PEP 503-normalised, Go and Composer and
// Maven names split into namespace/name); "" for an unknown ecosystem.
// The version part is left out when `version` is empty.
std::string make_lang_purl(std::string_view ecosystem, std::string_view name, std::string_view version);

// npm. package-lock.json: lockfileVersion 2/3 "packages" (keyed by
// node_modules paths; the root "" and workspace links skipped), else the v1
// nested "dependencies" tree. yarn.lock: classic v1 and berry (v2+) formats.
// package.json: name, version, license ("MIT" or {"type": "MIT"}).
Result<LangPackages> parse_package_lock(std::string_view content, const std::string& path);
Result<LangPackages> parse_yarn_lock(std::string_view content, const std::string& path);
Result<LangPackages> parse_package_json(std::string_view content, const std::string& path);

// Python. Core metadata (dist-info METADATA, egg-info PKG-INFO): Name,
// Version, and License-Expression, else License, else the License ::
// classifiers. requirements*.txt: only exact `name==version` pins. poetry.lock:
// every [[package]].
Result<LangPackages> parse_python_metadata(std::string_view content, const std::string& path);
Result<LangPackages> parse_requirements_txt(std::string_view content, const std::string& path);
Result<LangPackages> parse_poetry_lock(std::string_view content, const std::string& path);

// Cargo.lock: every [[package]] that has a `source` (registry or git); those
// without one are the workspace's own crates. Gemfile.lock: the GEM
// section's specs, platform suffixes ("-x86_64-linux") removed. composer.lock:
// "packages" and "packages-dev", a leading "v" removed from versions.
Result<LangPackages> parse_cargo_lock(std::string_view content, const std::string& path);
Result<LangPackages> parse_gemfile_lock(std::string_view content, const std::string& path);
Result<LangPackages> parse_composer_lock(std::string_view content, const std::string& path);

// Go binaries (Go 1.18+ build info, the inline-strings form): the main module
// (version "" when "(devel)") then each dependency, replaced modules reported
// under their replacement. `data` is the whole binary, or any blob holding
// the 16-byte-aligned "\xff Go buildinf:" header. No build info: empty, not
// an error; pre-1.18 (pointer form) build info: NotSupported.
Result<LangPackages> parse_go_buildinfo(std::string_view data, const std::string& path);

// Java archives (.jar/.war/.ear, zip): each META-INF/maven/**/pom.properties,
// else META-INF/MANIFEST.MF (Implementation-Title/-Version, else
// Bundle-SymbolicName/Bundle-Version; group from Implementation-Vendor-Id).
// Jars nested inside (WEB-INF/lib, BOOT-INF/lib) are read too, a few levels.
Result<LangPackages> parse_java_archive(std::string_view data, const std::string& path);

// Walks `rootfs` (not /proc, /sys, /dev; symlinks never followed; at most
// kMaxWalkDepth directories deep) and runs the reader each file's name
// selects. A file a reader rejects is skipped with a line in `warnings`
// (when given); only an unreadable rootfs fails.
inline constexpr int kMaxWalkDepth = 40;
Result<LangPackages> language_packages(const std::string& rootfs, std::vector<std::string>* warnings = nullptr);

namespace langpkg_detail {
// Collects one file's packages, each (name, version) once: a lockfile lists
// one package at several tree positions.
class PackageSet {
 public:
  void add(std::string ecosystem, std::string name, std::string version, std::string license,
           const std::string& path);
  LangPackages take() { return std::move(packages_); }

 private:
  LangPackages packages_;
  std::unordered_set<std::string> seen_;
};
}  // namespace langpkg_detail

}  // namespace hako::scan
