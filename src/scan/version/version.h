// Version ordering for every package ecosystem `hako scan` matches advisories
// against.
//
// An advisory says "fixed in X" (or "introduced in A, fixed in B") in the
// version language of one ecosystem; deciding whether an installed package is
// affected means ordering two version strings exactly as that ecosystem's own
// package manager would. Each Scheme implements the real algorithm:
//
//   Dpkg      Debian policy / dpkg's verrevcmp      (Debian, Ubuntu)
//   Apk       apk-tools version.c                   (Alpine, Wolfi, Chainguard)
//   Rpm       rpmvercmp over epoch:version-release  (Red Hat, Rocky, SUSE, ...)
//   SemVer    SemVer 2.0.0 precedence, strict syntax
//   Npm       SemVer, also accepting a leading "=" and/or "v" (node-semver)
//   Cargo     SemVer, strict (the semver crate's syntax)
//   Go        SemVer with the mandatory "v" and the "v1"/"v1.2" shorthands
//             of golang.org/x/mod/semver
//   Composer  composer/semver normalisation, then PHP's version_compare
//   Pep440    PEP 440 (PyPI)
//   RubyGems  Gem::Version
//   Maven     Maven's ComparableVersion (3.8 behaviour)
//   Generic   dotted numbers compared numerically, then the rest lexically
//
// Contract shared by all schemes:
//   * compare_versions returns <0, 0 or >0 (only the sign is meaningful) and
//     is a total preorder over the versions the scheme accepts;
//   * a version the scheme rejects yields ErrorKind::InvalidArgument naming the
//     offending string; the empty string is rejected by every scheme (an empty
//     version in advisory data is a data error, never "version 0");
//   * build metadata that the ecosystem ignores for precedence is ignored
//     (SemVer "+build"); PEP 440 local versions are not ignored (PEP 440 orders
//     them).
#pragma once

#include <optional>
#include <string_view>

#include "base/error.h"

namespace hako::scan {

enum class Scheme {
  Dpkg,
  Apk,
  Rpm,
  SemVer,
  Pep440,
  RubyGems,
  Maven,
  Go,
  Npm,
  Cargo,
  Composer,
  Generic,
};

// "dpkg", "apk", "rpm", "semver", ... for messages.
std::string_view to_string(Scheme scheme);

// The scheme of an OSV ecosystem name ("Debian", "Debian:12", "Alpine:v3.19",
// "PyPI", "crates.io", "Red Hat", ...). The part after the first ':' (the
// release) does not change the ordering and is ignored. Matching is
// case-insensitive. nullopt for ecosystems whose versions are not ordered
// (GIT commit hashes) or that we do not know.
std::optional<Scheme> scheme_for_ecosystem(std::string_view osv_ecosystem);

// Orders a against b under `scheme`: <0 if a sorts before b, 0 if they are
// equivalent (not necessarily byte-equal: PEP 440 1.0 == 1.0.0, Maven 1 ==
// 1.0), >0 if a sorts after b. InvalidArgument if either cannot be parsed.
Result<int> compare_versions(Scheme scheme, std::string_view a, std::string_view b);

// Whether `scheme` accepts `version` (compare_versions would not fail on it).
bool valid_version(Scheme scheme, std::string_view version);

}  // namespace hako::scan
