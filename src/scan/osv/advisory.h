// One OSV advisory (https://ossf.github.io/osv-schema/), parsed into the parts
// `hako scan` needs to match packages and report findings.
//
// Parsing is strict about structure (a field of the wrong JSON type is an
// error naming the document and the field path, "GHSA-x.json:
// affected[0].ranges[1].events[0].fixed: expected a string") and lenient
// about content the schema lets grow: unknown fields, unknown range types and
// unknown severity types are ignored, so newer OSV exports still import.
//
// Severity: OSV has no single severity field, so it is derived in this order:
//   1. top-level database_specific.severity (GHSA: LOW/MODERATE/HIGH/CRITICAL);
//   2. per affected entry, ecosystem_specific.urgency (Debian: low, medium,
//      high, unimportant) or ecosystem_specific/database_specific.severity;
//      the first such label also becomes the advisory's severity;
//   3. the CVSS v3.x base score of the first CVSS_V3 vector in severity[]
//      (the advisory's, then an affected entry's), with the CVSS 3.1 formula;
//   4. a severity entry of type "Ubuntu" whose score is a label;
//   5. otherwise Unknown.
// Labels that name no level ("not yet assigned", "end-of-life") fall through.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/json.h"

namespace hako::scan::osv {

enum class Severity { Unknown, Low, Medium, High, Critical };

// "UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL".
std::string_view to_string(Severity severity);
// The inverse of to_string, plus the label spellings advisories use
// (case-insensitive): moderate -> Medium, important -> High, unimportant and
// negligible -> Low. nullopt for a label that names no level.
std::optional<Severity> severity_from_label(std::string_view label);

// The CVSS v3.0/v3.1 base score (0.0 to 10.0) of a vector such as
// "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", computed with the CVSS 3.1
// specification's formulas and its Roundup. Temporal and environmental metrics
// in the vector are accepted and ignored. InvalidArgument for a vector that is
// not CVSS 3, lacks a base metric, repeats one or has an unknown value.
Result<double> cvss3_base_score(std::string_view vector);
// The CVSS 3 qualitative rating of a score; 0.0 ("None") reads as Low.
Severity severity_for_score(double score);

struct Event {
  enum class Kind { Introduced, Fixed, LastAffected, Limit };
  Kind kind;
  std::string version;  // "0" for introduced-at-the-beginning, "*" for no limit
};

struct Range {
  enum class Type { Semver, Ecosystem, Git };
  Type type;
  std::vector<Event> events;  // in document order (the evaluator sorts)
};

struct Affected {
  std::string ecosystem;  // as written: "Debian:12", "npm", "Alpine:v3.19"
  std::string name;       // package name; empty when only a purl or repo is given
  std::string purl;
  std::vector<Range> ranges;
  std::vector<std::string> versions;
  // The label from ecosystem_specific/database_specific (step 2 above).
  std::optional<Severity> severity;
};

struct Advisory {
  std::string id;
  std::string modified;  // RFC 3339, as written
  std::string published;
  std::string withdrawn;  // empty when not withdrawn
  std::vector<std::string> aliases;
  std::string summary;
  std::string details;
  std::vector<std::string> cvss_vectors;  // "CVSS:3.1/..." in document order
  Severity severity = Severity::Unknown;
  std::vector<Affected> affected;
};

// Parses one OSV document; `what` (a file or zip entry name) starts every
// error message. id and modified are required, as the schema says.
Result<Advisory> parse_advisory(const Json& doc, std::string_view what);
Result<Advisory> parse_advisory_text(std::string_view text, std::string_view what);

// The ranges array of an affected entry (`path` is its field path for
// messages). GIT ranges are kept (their type says so); ranges of unknown type
// are dropped. An event object must have exactly one known key.
Result<std::vector<Range>> parse_ranges(const Json& ranges, const std::string& path);
// The OSV JSON form of ranges, which parse_ranges reads back.
Json ranges_to_json(const std::vector<Range>& ranges);

// Comparable form of an RFC 3339 timestamp ("2024-01-02T03:04:05.5+01:00"):
// the UTC seconds and nanoseconds, so "…05Z" and "…05.1Z" order correctly
// (a byte comparison gets that wrong). nullopt when it is not a timestamp.
std::optional<std::pair<int64_t, int32_t>> timestamp_key(std::string_view rfc3339);

}  // namespace hako::scan::osv
