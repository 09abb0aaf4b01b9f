// Internal to hako_scan_osv (not installed for other libraries): the few SQLite wrappers database.cc and
// import.cc share (hako_store has a fuller layer, but this library must not
// depend on the image store). Values are always bound, never formatted into
// SQL.
#pragma once

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "scan/osv/database.h"

namespace hako::scan::osv::detail {

inline Error sqlite_error(sqlite3* db, std::string_view what) {
  int rc = sqlite3_errcode(db);
  ErrorKind kind = rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? ErrorKind::Unavailable
                   : rc == SQLITE_CANTOPEN || rc == SQLITE_PERM || rc == SQLITE_READONLY
                       ? ErrorKind::PermissionDenied
                       : ErrorKind::Internal;
  return Error(kind, fmt::format("vulnerability database: {}: {}", what, sqlite3_errmsg(db)));
}

// Runs SQL without parameters (schema, PRAGMA, BEGIN/COMMIT).
inline Result<> exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
    return std::unexpected(sqlite_error(db, sql));
  return {};
}

// A prepared statement, reset after each use so it can be kept and reused.
class Stmt {
 public:
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& o) noexcept : db_(o.db_), s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept {
    if (this != &o) {
      sqlite3_finalize(s_);
      db_ = o.db_;
      s_ = o.s_;
      o.s_ = nullptr;
    }
    return *this;
  }
  ~Stmt() { sqlite3_finalize(s_); }

  static Result<Stmt> prepare(sqlite3* db, const char* sql) {
    Stmt st;
    st.db_ = db;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st.s_, nullptr) != SQLITE_OK)
      return std::unexpected(sqlite_error(db, sql));
    return st;
  }

  bool is_prepared() const { return s_ != nullptr; }

  // Clears the previous run's bindings and cursor.
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  // 1-based like SQLite. SQLITE_TRANSIENT: the value is copied, so callers
  // may pass temporaries.
  // An empty view may have a null data(), which SQLite would store as NULL.
  void bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.empty() ? "" : v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind_null(int i) { sqlite3_bind_null(s_, i); }
  void bind_opt(int i, std::string_view v) { v.empty() ? bind_null(i) : bind(i, v); }

  // true: a row is available; false: done.
  Result<bool> step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return std::unexpected(sqlite_error(db_, sqlite3_sql(s_)));
  }
  Result<> run() {
    TRY_ASSIGN(bool row, step());
    (void)row;
    reset();
    return {};
  }

  std::string text(int col) const {
    const unsigned char* t = sqlite3_column_text(s_, col);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s_, col)))
             : std::string();
  }
  bool is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  int64_t int64(int col) const { return sqlite3_column_int64(s_, col); }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* s_ = nullptr;
};

// "Debian:12" -> {"Debian", "12"}; "npm" -> {"npm", ""}; "Ubuntu:22.04:LTS"
// -> {"Ubuntu", "22.04:LTS"}.
inline std::pair<std::string_view, std::string_view> split_ecosystem(std::string_view e) {
  size_t colon = e.find(':');
  if (colon == std::string_view::npos) return {e, {}};
  return {e.substr(0, colon), e.substr(colon + 1)};
}

// The name as stored and looked up: PyPI names compare after PEP 503
// normalisation (case-insensitive, runs of "-", "_", "." are one "-");
// every other ecosystem's names are exact.
std::string normalize_package(std::string_view ecosystem_base, std::string_view name);

// Defined in import.cc: imports into an open database inside one transaction
// (Database::import_path documents the behaviour).
Result<ImportStats> import_into(sqlite3* db, const std::string& file_or_dir);

}  // namespace hako::scan::osv::detail
