// Whether an installed version falls inside an OSV affected entry, evaluated
// as the OSV schema's "Evaluation" pseudo-code specifies:
//
//   * the version is affected if it is in `versions` or inside any range
//     (ranges and the list are OR'd);
//   * in a range, events are sorted by version ("introduced: 0" first); a walk
//     over them sets "vulnerable" at introduced (v >= introduced), clears it
//     at fixed (v >= fixed) and after last_affected (v > last_affected);
//   * if the range has limit events, v must also be below one of them
//     (limit "*" is no limit);
//   * GIT ranges order commits, not versions, and are ignored.
//
// Versions compare with `scheme` (the ecosystem's), except in SEMVER ranges,
// which the schema defines as SemVer 2.0: those use Scheme::Npm, whose SemVer
// tolerates the optional "v" (Go advisories write "1.2.3" for "v1.2.3").
// An event whose version the scheme rejects is skipped, and an installed
// version the scheme rejects matches only a byte-equal `versions` entry: bad
// advisory data never aborts a scan.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "scan/osv/advisory.h"
#include "scan/version/version.h"

namespace hako::scan::osv {

bool is_affected(const Affected& affected, std::string_view version, Scheme scheme);

// The version to upgrade to: the lowest fixed event above `version` among the
// ranges that contain it. nullopt when there is none ("no fix"), e.g. Debian's
// unfixed "introduced: 0" ranges, or when only the versions list matched.
std::optional<std::string> fixed_version(const Affected& affected, std::string_view version, Scheme scheme);

}  // namespace hako::scan::osv
