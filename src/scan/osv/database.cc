#include "scan/osv/database.h"

#include <algorithm>

#include "base/clock.h"
#include "scan/osv/affected.h"
#include "scan/osv/sqlite_util.h"

namespace hako::scan::osv {

using detail::exec;
using detail::Stmt;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE advisories (
  id TEXT PRIMARY KEY,
  summary TEXT NOT NULL,
  severity TEXT NOT NULL,
  modified TEXT NOT NULL,
  withdrawn TEXT,
  aliases TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE affected (
  ecosystem TEXT NOT NULL COLLATE NOCASE,
  release TEXT NOT NULL,
  package TEXT NOT NULL,
  advisory_id TEXT NOT NULL,
  ranges TEXT NOT NULL,
  versions TEXT NOT NULL,
  severity TEXT
);
CREATE INDEX affected_package ON affected (ecosystem, release, package);
CREATE INDEX affected_advisory ON affected (advisory_id);
CREATE TABLE metadata (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  updated_at TEXT NOT NULL,
  source TEXT NOT NULL
);
PRAGMA user_version = 1;
)sql";

Severity parse_severity(const std::string& s) {
  auto v = severity_from_label(s);
  return v.value_or(Severity::Unknown);
}

}  // namespace

namespace detail {

std::string normalize_package(std::string_view ecosystem_base, std::string_view name) {
  if (ecosystem_base.size() != 4 || (ecosystem_base != "PyPI" && ecosystem_base != "pypi"))
    return std::string(name);
  std::string out;
  bool in_sep = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_sep) out.push_back('-');
      in_sep = true;
      continue;
    }
    in_sep = false;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

}  // namespace detail

struct Database::Impl {
  sqlite3* db = nullptr;
  Stmt match;  // prepared on first use, then kept: a scan looks up every package
  ~Impl() {
    match = Stmt();  // finalize before closing
    sqlite3_close(db);
  }
};

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

Result<Database> Database::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  if (sqlite3_open_v2(path.c_str(), &impl->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    Error e = impl->db ? detail::sqlite_error(impl->db, "opening " + path)
                       : Error(ErrorKind::Internal, "vulnerability database: opening " + path + ": out of memory");
    return std::unexpected(e);
  }
  sqlite3_busy_timeout(impl->db, 5000);
  // A file that is not SQLite fails here ("file is not a database").
  auto version_stmt = Stmt::prepare(impl->db, "PRAGMA user_version");
  if (!version_stmt) return std::unexpected(version_stmt.error().context(path));
  Stmt version = std::move(*version_stmt);
  if (auto r = version.step(); !r) return std::unexpected(r.error().context(path));
  int64_t found = version.int64(0);
  version = Stmt();
  if (found == 0) {
    // New file (or one that is not ours and empty): create the schema.
    TRY(exec(impl->db, "BEGIN IMMEDIATE"));
    if (auto r = exec(impl->db, kSchema); !r) {
      (void)exec(impl->db, "ROLLBACK");
      return std::unexpected(r.error().context(path));
    }
    TRY(exec(impl->db, "COMMIT"));
  } else if (found != kSchemaVersion) {
    return fail(ErrorKind::Conflict,
                "vulnerability database {} has schema version {}, this hako uses {}: remove it and update again",
                path, found, kSchemaVersion);
  }
  return Database(std::move(impl));
}

Result<ImportStats> Database::import_path(const std::string& file_or_dir, std::string_view source) {
  TRY_ASSIGN(ImportStats stats, detail::import_into(impl_->db, file_or_dir));
  TRY(set_metadata(now_rfc3339(), source.empty() ? std::string_view(file_or_dir) : source));
  return stats;
}

Result<> Database::set_metadata(std::string_view updated_at, std::string_view source) {
  TRY_ASSIGN(Stmt st, Stmt::prepare(impl_->db,
                                    "INSERT OR REPLACE INTO metadata (one, updated_at, source) VALUES (1, ?, ?)"));
  st.bind(1, updated_at);
  st.bind(2, source);
  return st.run();
}

Result<Metadata> Database::metadata() {
  Metadata m;
  TRY_ASSIGN(Stmt st, Stmt::prepare(impl_->db, "SELECT updated_at, source FROM metadata WHERE one = 1"));
  TRY_ASSIGN(bool row, st.step());
  if (row) {
    m.updated_at = st.text(0);
    m.source = st.text(1);
  }
  TRY_ASSIGN(Stmt count, Stmt::prepare(impl_->db, "SELECT count(*) FROM advisories"));
  TRY(count.step());
  m.advisories = count.int64(0);
  return m;
}

Result<std::vector<Match>> Database::match(std::string_view ecosystem_with_release, std::string_view package,
                                           std::string_view version) {
  std::optional<Scheme> scheme = scheme_for_ecosystem(ecosystem_with_release);
  if (!scheme)
    return fail(ErrorKind::NotSupported, "ecosystem {:?}: versions cannot be compared",
                std::string(ecosystem_with_release));
  auto [base, release] = detail::split_ecosystem(ecosystem_with_release);
  if (!impl_->match.is_prepared()) {
    TRY_ASSIGN(impl_->match, Stmt::prepare(impl_->db, R"sql(
      SELECT a.id, a.summary, a.severity, a.aliases, f.ranges, f.versions, f.severity
      FROM affected f JOIN advisories a ON a.id = f.advisory_id
      WHERE f.ecosystem = ?1 AND f.release IN (?2, '') AND f.package = ?3 AND a.withdrawn IS NULL
      ORDER BY a.id)sql"));
  }
  Stmt& st = impl_->match;
  st.reset();
  st.bind(1, base);
  st.bind(2, release);
  st.bind(3, detail::normalize_package(base, package));

  std::vector<Match> out;
  bool last_no_fix = false;  // the current (last) Match had an entry without a fix
  for (;;) {
    auto row = st.step();
    if (!row) {
      st.reset();
      return std::unexpected(row.error());
    }
    if (!*row) break;
    std::string id = st.text(0);
    std::string what = fmt::format("stored advisory {}", id);
    Affected entry;
    auto ranges = parse_json(st.text(4), what);
    auto versions = parse_json(st.text(5), what);
    if (!ranges || !versions || !versions->is_array()) {
      st.reset();
      return fail(ErrorKind::Internal, "{}: corrupt ranges or versions", what);
    }
    auto parsed = parse_ranges(*ranges, what + " ranges");
    if (!parsed) {
      st.reset();
      return std::unexpected(parsed.error());
    }
    entry.ranges = std::move(*parsed);
    for (const Json& v : *versions)
      if (v.is_string()) entry.versions.push_back(v.get<std::string>());
    if (!is_affected(entry, version, *scheme)) continue;

    std::optional<std::string> fix = fixed_version(entry, version, *scheme);
    Severity entry_severity = st.is_null(6) ? Severity::Unknown : parse_severity(st.text(6));
    if (out.empty() || out.back().id != id) {
      Match m;
      m.id = id;
      m.summary = st.text(1);
      m.severity = entry_severity != Severity::Unknown ? entry_severity : parse_severity(st.text(2));
      auto aliases = parse_json(st.text(3), what);
      if (aliases && aliases->is_array())
        for (const Json& a : *aliases)
          if (a.is_string()) m.aliases.push_back(a.get<std::string>());
      m.fixed_version = fix.value_or("");
      last_no_fix = !fix;
      out.push_back(std::move(m));
      continue;
    }
    // Another matching entry of the same advisory (see the header's rule).
    Match& m = out.back();
    if (entry_severity > m.severity) m.severity = entry_severity;
    if (!fix || last_no_fix) {
      last_no_fix = true;
      m.fixed_version.clear();
    } else {
      auto c = compare_versions(*scheme, *fix, m.fixed_version);
      if (c && *c > 0) m.fixed_version = *fix;
    }
  }
  st.reset();
  return out;
}

}  // namespace hako::scan::osv
