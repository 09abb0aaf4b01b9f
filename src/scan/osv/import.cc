// Database::import_path: reading OSV files, directories and zip exports, and
// writing them in one transaction with statements prepared once.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "base/files.h"
#include "scan/osv/database.h"
#include "scan/osv/sqlite_util.h"

namespace hako::scan::osv::detail {

namespace {

bool ends_with_nocase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = s[s.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

class Importer {
 public:
  explicit Importer(sqlite3* db) : db_(db) {}

  Result<> prepare() {
    TRY_ASSIGN(select_modified_, Stmt::prepare(db_, "SELECT modified FROM advisories WHERE id = ?"));
    TRY_ASSIGN(delete_affected_, Stmt::prepare(db_, "DELETE FROM affected WHERE advisory_id = ?"));
    TRY_ASSIGN(insert_advisory_, Stmt::prepare(db_,
        "INSERT OR REPLACE INTO advisories (id, summary, severity, modified, withdrawn, aliases) "
        "VALUES (?, ?, ?, ?, ?, ?)"));
    TRY_ASSIGN(insert_affected_, Stmt::prepare(db_,
        "INSERT INTO affected (ecosystem, release, package, advisory_id, ranges, versions, severity) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    return {};
  }

  // A path given by the caller, or found in a directory walk.
  Result<> path(const std::string& p) {
    std::error_code ec;
    auto status = std::filesystem::status(p, ec);
    if (ec) return fail(kind_for_errno(ec.value()), "{}: {}", p, ec.message());
    if (std::filesystem::is_directory(status)) return directory(p);
    if (ends_with_nocase(p, ".zip")) return zip(p);
    TRY_ASSIGN(std::string text, read_file(p));
    return document(text, p);
  }

  ImportStats stats;

 private:
  Result<> directory(const std::string& dir) {
    std::vector<std::string> files;
    std::error_code ec;
    std::filesystem::recursive_directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string name = it->path().string();
      if (ends_with_nocase(name, ".json") || ends_with_nocase(name, ".zip")) files.push_back(std::move(name));
    }
    if (ec) return fail(kind_for_errno(ec.value()), "reading directory {}: {}", dir, ec.message());
    // Sorted so two imports of the same tree resolve equal `modified` ties alike.
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) TRY(path(f));
    return {};
  }

  Result<> zip(const std::string& file) {
    struct Free {
      void operator()(struct archive* a) const { archive_read_free(a); }
    };
    std::unique_ptr<struct archive, Free> a(archive_read_new());
    if (!a) return fail(ErrorKind::Internal, "{}: cannot allocate an archive reader", file);
    archive_read_support_format_zip(a.get());
    if (archive_read_open_filename(a.get(), file.c_str(), 1 << 16) != ARCHIVE_OK)
      return fail(ErrorKind::InvalidArgument, "{}: not a readable zip: {}", file, archive_error_string(a.get()));
    std::string text;
    for (;;) {
      struct archive_entry* entry;
      int r = archive_read_next_header(a.get(), &entry);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN)
        return fail(ErrorKind::InvalidArgument, "{}: {}", file, archive_error_string(a.get()));
      const char* name_c = archive_entry_pathname(entry);
      std::string name = name_c ? name_c : "";
      if (archive_entry_filetype(entry) != AE_IFREG || !ends_with_nocase(name, ".json")) continue;
      text.clear();
      char buf[1 << 16];
      for (;;) {
        la_ssize_t n = archive_read_data(a.get(), buf, sizeof buf);
        if (n < 0)
          return fail(ErrorKind::InvalidArgument, "{}: {}: {}", file, name, archive_error_string(a.get()));
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
      }
      TRY(document(text, fmt::format("{}: {}", file, name)));
    }
    return {};
  }

  // One .json: an advisory, or an array of advisories.
  Result<> document(std::string_view text, const std::string& what) {
    ++stats.files;
    TRY_ASSIGN(Json doc, parse_json(text, what));
    if (!doc.is_array()) return advisory(doc, what);
    for (size_t i = 0; i < doc.size(); ++i) TRY(advisory(doc[i], fmt::format("{}[{}]", what, i)));
    return {};
  }

  Result<> advisory(const Json& doc, const std::string& what) {
    TRY_ASSIGN(Advisory a, parse_advisory(doc, what));
    select_modified_.reset();
    select_modified_.bind(1, a.id);
    TRY_ASSIGN(bool exists, select_modified_.step());
    if (exists) {
      auto stored = timestamp_key(select_modified_.text(0));
      auto incoming = timestamp_key(a.modified);  // parse_advisory validated it
      select_modified_.reset();
      if (stored && *stored > *incoming) {
        ++stats.skipped_older;
        return {};
      }
      delete_affected_.bind(1, a.id);
      TRY(delete_affected_.run());
    }
    select_modified_.reset();

    insert_advisory_.bind(1, a.id);
    insert_advisory_.bind(2, a.summary);
    insert_advisory_.bind(3, to_string(a.severity));
    insert_advisory_.bind(4, a.modified);
    insert_advisory_.bind_opt(5, a.withdrawn);
    insert_advisory_.bind(6, Json(a.aliases).dump());
    TRY(insert_advisory_.run());
    ++stats.imported;
    if (!a.withdrawn.empty()) ++stats.withdrawn;

    for (const Affected& entry : a.affected) {
      // Entries without a package name (purl-only or repository-only) cannot
      // be looked up by name.
      if (entry.name.empty() || entry.ecosystem.empty()) continue;
      std::vector<Range> ranges;
      for (const Range& r : entry.ranges)
        if (r.type != Range::Type::Git) ranges.push_back(r);
      // An entry left with nothing to evaluate would never match.
      if (ranges.empty() && entry.versions.empty()) continue;
      auto [base, release] = split_ecosystem(entry.ecosystem);
      insert_affected_.bind(1, base);
      insert_affected_.bind(2, release);
      insert_affected_.bind(3, normalize_package(base, entry.name));
      insert_affected_.bind(4, a.id);
      insert_affected_.bind(5, ranges_to_json(ranges).dump());
      insert_affected_.bind(6, Json(entry.versions).dump());
      if (entry.severity) insert_affected_.bind(7, to_string(*entry.severity));
      else insert_affected_.bind_null(7);
      TRY(insert_affected_.run());
      ++stats.affected_rows;
    }
    return {};
  }

  sqlite3* db_;
  Stmt select_modified_, delete_affected_, insert_advisory_, insert_affected_;
};

}  // namespace

Result<ImportStats> import_into(sqlite3* db, const std::string& file_or_dir) {
  TRY(exec(db, "BEGIN IMMEDIATE"));
  auto body = [&]() -> Result<ImportStats> {
    Importer importer(db);
    TRY(importer.prepare());
    TRY(importer.path(file_or_dir));
    return importer.stats;  // statements finalize here, before COMMIT
  };
  Result<ImportStats> stats = body();
  if (!stats) {
    (void)exec(db, "ROLLBACK");
    return stats;
  }
  TRY(exec(db, "COMMIT"));
  return stats;
}

}  // namespace hako::scan::osv::detail
