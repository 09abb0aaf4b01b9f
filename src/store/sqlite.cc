#include "store/sqlite.h"

#include <sys/stat.h>

#include <sqlite3.h>

namespace hako::store::sql {

static ErrorKind kind_for(int rc) {
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: return ErrorKind::AlreadyExists;
    case SQLITE_CONSTRAINT_FOREIGNKEY: return ErrorKind::Conflict;
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_DATATYPE: return ErrorKind::InvalidArgument;
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_NOMEM: return ErrorKind::Unavailable;
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH: return ErrorKind::PermissionDenied;
    case SQLITE_CONSTRAINT: return ErrorKind::Conflict;
    case SQLITE_CANTOPEN: return ErrorKind::NotFound;
    default: return ErrorKind::Internal;
  }
}

Error sqlite_error(sqlite3* db, int rc, std::string_view sql) {
  const char* msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return Error(kind_for(rc), fmt::format("sqlite: {} (in \"{}\")", msg, sql));
}

// ---- Statement ----

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

static Result<> check_bind(sqlite3* db, sqlite3_stmt* st, int rc) {
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(db, rc, sqlite3_sql(st)));
  return {};
}

Result<> Statement::bind(int index, std::string_view value) {
  return check_bind(db_, stmt_,
                    sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

Result<> Statement::bind(int index, int64_t value) {
  return check_bind(db_, stmt_, sqlite3_bind_int64(stmt_, index, value));
}

Result<> Statement::bind(int index, std::nullopt_t) {
  return check_bind(db_, stmt_, sqlite3_bind_null(stmt_, index));
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(sqlite_error(db_, rc, sqlite3_sql(stmt_)));
}

Result<> Statement::run() {
  for (;;) {
    TRY_ASSIGN(bool row, step());
    if (!row) return {};
  }
}

std::string Statement::text(int column) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}

std::optional<std::string> Statement::opt_text(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return text(column);
}

int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

// ---- Database ----

Database::State::~State() {
  if (!db) return;
  // The WAL is kept across commands (see open), but the next command's
  // first connection reads all of it: past 256 KiB, fold it into the
  // database and empty it, unless someone else is using it right now.
  struct stat st;
  const char* wal = sqlite3_filename_wal(sqlite3_db_filename(db, "main"));
  if (wal && ::stat(wal, &st) == 0 && st.st_size > 256 * 1024) {
    sqlite3_busy_timeout(db, 0);
    (void)sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  }
  // close_v2 defers the close until every statement is finalized.
  sqlite3_close_v2(db);
}

Result<Database> Database::open(const std::string& path, int busy_timeout_ms) {
  auto state = std::make_unique<State>();
  int rc = sqlite3_open_v2(path.c_str(), &state->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(state->db, rc, "open").context(path));
  sqlite3_extended_result_codes(state->db, 1);
  // Every hako command is a short-lived connection, usually the only one.
  // By default the last connection to close checkpoints and deletes the
  // WAL, and the next open re-creates it, syncing the WAL header and the
  // directory: ~9 ms of fsyncs per command. Keep the WAL (and its
  // contents) across connections. The first connection of each command
  // still rebuilds the WAL index by reading the whole WAL, so it is kept
  // short: emptied by the connection that finds it past 256 KiB on close
  // (~State), one fsync pair every few dozen commands.
  sqlite3_db_config(state->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  int persist = 1;
  sqlite3_file_control(state->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
  // The busy timeout first: switching to WAL itself may wait for a lock.
  sqlite3_busy_timeout(state->db, busy_timeout_ms);
  Database db(std::move(state));
  // WAL: readers never block the writer, and a killed writer leaves only an
  // uncommitted WAL tail that the next open discards. synchronous=NORMAL in
  // WAL mode is safe against process crashes (a power cut may lose the last
  // commits, never consistency), and saves an fsync per transaction.
  TRY_ASSIGN(auto mode, db.prepare("PRAGMA journal_mode=WAL"));
  TRY_ASSIGN(bool row, mode.step());
  if (!row || mode.text(0) != "wal")
    return fail(ErrorKind::NotSupported, "{}: cannot enable WAL journal mode (got {})", path, row ? mode.text(0) : "");
  TRY(db.exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"));
  return db;
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(state_->db, sql.data(), static_cast<int>(sql.size()), &st, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(state_->db, rc, sql));
  return Statement(state_->db, st);
}

Result<> Database::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(state_->db, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    sqlite3_free(err);
    return std::unexpected(sqlite_error(state_->db, rc, sql));
  }
  return {};
}

int64_t Database::changes() const { return sqlite3_changes64(state_->db); }

Result<Transaction> Database::transaction() {
  int level = state_->depth + 1;
  // IMMEDIATE takes the write lock up front: a deferred transaction that
  // later upgrades gets SQLITE_BUSY without the busy handler in WAL mode.
  TRY(exec(level == 1 ? std::string("BEGIN IMMEDIATE") : fmt::format("SAVEPOINT sp{}", level)));
  state_->depth = level;
  return Transaction(state_.get(), level);
}

// ---- Transaction ----

void Transaction::finish() {
  db_->depth = level_ - 1;
  db_ = nullptr;
}

Result<> Transaction::commit() {
  if (!db_) return fail(ErrorKind::Internal, "commit of a finished transaction");
  std::string sql = level_ == 1 ? std::string("COMMIT") : fmt::format("RELEASE sp{}", level_);
  char* err = nullptr;
  int rc = sqlite3_exec(db_->db, sql.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);
  // On failure the transaction is still open; the destructor rolls it back.
  if (rc != SQLITE_OK) return std::unexpected(sqlite_error(db_->db, rc, sql));
  finish();
  return {};
}

Transaction::~Transaction() {
  if (!db_) return;
  std::string sql = level_ == 1 ? std::string("ROLLBACK")
                                : fmt::format("ROLLBACK TO sp{0}; RELEASE sp{0}", level_);
  sqlite3_exec(db_->db, sql.c_str(), nullptr, nullptr, nullptr);
  finish();
}

}  // namespace hako::store::sql
