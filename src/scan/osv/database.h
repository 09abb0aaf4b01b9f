// The local vulnerability database: OSV advisories imported into SQLite and
// looked up per installed package.
//
// Layout (schema version 1, kept in PRAGMA user_version):
//   advisories(id PRIMARY KEY, summary, severity, modified, withdrawn, aliases)
//   affected(ecosystem, release, package, advisory_id, ranges, versions, severity)
//     one row per OSV affected[] entry with a package; "Debian:12" is stored
//     as ecosystem "Debian" (compared case-insensitively) and release "12",
//     "npm" as release ""; ranges (GIT ranges dropped) and versions are
//     compact OSV JSON, evaluated at match time by affected.h; severity is the
//     entry's own label (Debian urgency) or NULL. Indexed on
//     (ecosystem, release, package) and on advisory_id.
//   metadata(one row: updated_at, source)
// A file with another schema version is refused (Conflict) rather than
// migrated: it is a cache, rebuilt by importing again.
//
// A Database is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "scan/osv/advisory.h"

struct sqlite3;

namespace hako::scan::osv {

inline constexpr int kSchemaVersion = 1;

struct ImportStats {
  size_t files = 0;          // .json files and zip entries read
  size_t imported = 0;       // advisories inserted or replaced
  size_t skipped_older = 0;  // already stored with a newer `modified`
  size_t withdrawn = 0;      // of `imported`, those with `withdrawn` set
  size_t affected_rows = 0;  // affected rows written
};

struct Match {
  std::string id;
  std::string summary;
  Severity severity = Severity::Unknown;
  std::string fixed_version;  // empty: no fix is available
  std::vector<std::string> aliases;
};

struct Metadata {
  std::string updated_at;  // RFC 3339 of the last import; empty if never
  std::string source;      // what was imported (a path or URL)
  int64_t advisories = 0;
};

class Database {
 public:
  // Opens or creates the database file (its directory must exist).
  static Result<Database> open(const std::string& path);
  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  // Imports an OSV .json file (one advisory, or an array of them), a .zip of
  // them (OSV's per-ecosystem all.zip), or a directory searched recursively
  // for both; other files are ignored. Everything happens in one
  // transaction: on any error (the message names the file or zip entry and
  // the field) nothing is changed. An id already stored is replaced unless
  // the stored `modified` is newer. Afterwards metadata records now and
  // `source` (default: file_or_dir).
  Result<ImportStats> import_path(const std::string& file_or_dir, std::string_view source = {});

  // The advisories affecting `package` at `version` in `ecosystem_with_release`
  // ("Debian:12", "Alpine:v3.19", "npm", "PyPI"): rows of exactly that
  // release plus rows with no release; withdrawn advisories never match.
  // Sorted by id, one Match per advisory. When several affected entries of
  // one advisory match, the highest of their fixes is reported and no fix if
  // any of them has none; the severity is the highest entry label, else the
  // advisory's. NotSupported for an ecosystem whose versions cannot be
  // ordered (scheme_for_ecosystem is nullopt).
  Result<std::vector<Match>> match(std::string_view ecosystem_with_release, std::string_view package,
                                   std::string_view version);

  Result<Metadata> metadata();
  // Records an update done elsewhere (import_path calls this itself).
  Result<> set_metadata(std::string_view updated_at, std::string_view source);

 private:
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hako::scan::osv
