// A thin RAII layer over SQLite: a connection, prepared statements with typed
// binds (values never go into SQL text), and nestable transactions.
//
// Every SQLite failure becomes a hako Error carrying SQLite's message and the
// statement text; constraint failures map to kinds the CLI can act on
// (UNIQUE/PRIMARY KEY -> AlreadyExists, FOREIGN KEY -> Conflict, BUSY ->
// Unavailable). A Database is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hako::store::sql {

// The kind and message for SQLite result code `rc` on `db` while running `sql`.
Error sqlite_error(sqlite3* db, int rc, std::string_view sql);

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite.
  Result<> bind(int index, std::string_view value);
  Result<> bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Result<> bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Result<> bind(int index, int64_t value);
  Result<> bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Result<> bind(int index, std::nullopt_t);
  template <typename T>
  Result<> bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }
  template <typename... Args>
  Result<> bind_all(const Args&... args) {
    int i = 0;
    Result<> r;
    ((r = r ? bind(++i, args) : r), ...);
    return r;
  }

  // Advances; true when a row is available, false when done.
  Result<bool> step();
  // Steps to completion, ignoring rows.
  Result<> run();

  std::string text(int column) const;  // NULL reads as ""
  std::optional<std::string> opt_text(int column) const;
  int64_t int64(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class Transaction;

class Database {
 public:
  // Opens (creating) the file with WAL, synchronous=NORMAL, foreign keys on
  // and a busy timeout, so concurrent hako commands wait instead of failing.
  static Result<Database> open(const std::string& path, int busy_timeout_ms = 10000);

  Result<Statement> prepare(std::string_view sql);
  // Prepares, binds args, and runs to completion.
  template <typename... Args>
  Result<> run(std::string_view sql, const Args&... args) {
    TRY_ASSIGN(auto st, prepare(sql));
    TRY(st.bind_all(args...));
    return st.run();
  }
  // Prepares and binds; the caller steps through the rows.
  template <typename... Args>
  Result<Statement> query(std::string_view sql, const Args&... args) {
    TRY_ASSIGN(auto st, prepare(sql));
    TRY(st.bind_all(args...));
    return st;
  }
  // Runs SQL text with no parameters (schema scripts, pragmas).
  Result<> exec(const std::string& sql);

  // Begins a transaction, or a savepoint inside the current one, so API
  // calls that each use a transaction compose into a caller's larger one.
  Result<Transaction> transaction();

  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t changes() const;
  sqlite3* raw() const { return state_->db; }

 private:
  friend class Transaction;
  struct State {
    sqlite3* db = nullptr;
    int depth = 0;  // open transactions (outermost + savepoints)
    ~State();
  };
  explicit Database(std::unique_ptr<State> s) : state_(std::move(s)) {}
  // Heap state keeps Transaction's pointer valid when the Database moves.
  std::unique_ptr<State> state_;
};

// Rolls back on destruction unless commit() succeeded. Must be destroyed in
// LIFO order with respect to nested transactions of the same Database.
class Transaction {
 public:
  Transaction(Transaction&& other) noexcept
      : db_(std::exchange(other.db_, nullptr)), level_(other.level_) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Result<> commit();

 private:
  friend class Database;
  Transaction(Database::State* db, int level) : db_(db), level_(level) {}
  void finish();
  Database::State* db_;
  int level_;  // 1 = outermost BEGIN; >1 = savepoint
};

}  // namespace hako::store::sql
