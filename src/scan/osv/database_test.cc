#include "scan/osv/database.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "base/files.h"

namespace hako::scan::osv {
namespace {

class OsvDatabase : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hako-osv-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto db = Database::open(dir_ + "/vuln.db");
    ASSERT_TRUE(db) << db.error().message();
    db_.emplace(std::move(*db));
  }
  void TearDown() override {
    db_.reset();
    (void)remove_tree(dir_);
  }

  // Writes `json` to dir_/name (creating subdirectories) and returns the path.
  std::string write(const std::string& name, const std::string& json) {
    std::string path = dir_ + "/" + name;
    EXPECT_TRUE(make_dirs(path.substr(0, path.rfind('/'))));
    EXPECT_TRUE(write_file(path, json));
    return path;
  }

  ImportStats import(const std::string& path) {
    auto s = db_->import_path(path);
    EXPECT_TRUE(s) << s.error().message();
    return s.value_or(ImportStats{});
  }

  std::vector<std::string> ids(std::string_view eco, std::string_view pkg, std::string_view version) {
    auto m = db_->match(eco, pkg, version);
    EXPECT_TRUE(m) << m.error().message();
    std::vector<std::string> out;
    for (const Match& x : m.value_or(std::vector<Match>{})) out.push_back(x.id);
    return out;
  }

  std::string dir_;
  std::optional<Database> db_;
};

// An advisory for one package with one ECOSYSTEM/SEMVER range.
std::string advisory(const std::string& id, const std::string& ecosystem, const std::string& package,
                     const std::string& fixed, const std::string& modified = "2024-01-01T00:00:00Z",
                     const std::string& extra = "") {
  std::string type = ecosystem == "npm" ? "SEMVER" : "ECOSYSTEM";
  std::string fix = fixed.empty() ? "" : R"(, {"fixed": ")" + fixed + R"("})";
  return R"({"id": ")" + id + R"(", "modified": ")" + modified + R"(", "summary": "summary of )" + id + "\"" +
         extra + R"(, "affected": [{"package": {"ecosystem": ")" + ecosystem + R"(", "name": ")" + package +
         R"("}, "ranges": [{"type": ")" + type + R"(", "events": [{"introduced": "0"})" + fix + "]}]}]}";
}

TEST_F(OsvDatabase, DebianReleasesAreSeparate) {
  write("d/a.json", advisory("DEBIAN-CVE-2024-1", "Debian:12", "openssl", "3.0.13-1~deb12u1"));
  write("d/b.json", advisory("DEBIAN-CVE-2024-2", "Debian:11", "openssl", "1.1.1w-0+deb11u2"));
  write("d/c.json", advisory("DEBIAN-CVE-2024-3", "Debian", "openssl", "", "2024-01-01T00:00:00Z",
                             R"(, "database_specific": {"severity": "HIGH"})"));
  write("d/readme.txt", "not an advisory");
  ImportStats s = import(dir_ + "/d");
  EXPECT_EQ(s.files, 3u);
  EXPECT_EQ(s.imported, 3u);
  EXPECT_EQ(s.affected_rows, 3u);

  EXPECT_EQ(ids("Debian:12", "openssl", "3.0.11-1~deb12u2"),
            (std::vector<std::string>{"DEBIAN-CVE-2024-1", "DEBIAN-CVE-2024-3"}));
  EXPECT_EQ(ids("Debian:12", "openssl", "3.0.13-1~deb12u1"), std::vector<std::string>{"DEBIAN-CVE-2024-3"});
  EXPECT_EQ(ids("Debian:11", "openssl", "1.1.1w-0+deb11u1"),
            (std::vector<std::string>{"DEBIAN-CVE-2024-2", "DEBIAN-CVE-2024-3"}));
  EXPECT_EQ(ids("debian:12", "libssl3", "3.0.11-1"), std::vector<std::string>{});

  auto m = db_->match("Debian:12", "openssl", "3.0.11-1~deb12u2");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[0].fixed_version, "3.0.13-1~deb12u1");
  EXPECT_EQ((*m)[0].summary, "summary of DEBIAN-CVE-2024-1");
  EXPECT_EQ((*m)[1].fixed_version, "");  // no fix
  EXPECT_EQ((*m)[1].severity, Severity::High);
}

TEST_F(OsvDatabase, SeveralEntriesOfOneAdvisoryMerge) {
  // Fixed in the release entry, unfixed in the bare-ecosystem one: no fix,
  // since upgrading to the release's fix leaves the other entry matching.
  import(write("m.json", R"({"id": "DSA-1", "modified": "2024-01-01T00:00:00Z",
    "database_specific": {"severity": "LOW"},
    "affected": [
      {"package": {"ecosystem": "Debian:12", "name": "curl"}, "ecosystem_specific": {"urgency": "high"},
       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "7.88.1-10+deb12u5"}]}]},
      {"package": {"ecosystem": "Debian", "name": "curl"},
       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "7.80.0-1"}]}]},
      {"package": {"ecosystem": "Debian:12", "name": "libcurl4"}, "versions": ["7.88.1-10"]}]})"));
  auto m = db_->match("Debian:12", "curl", "7.88.1-10");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].fixed_version, "");
  EXPECT_EQ((*m)[0].severity, Severity::High);  // the entry's urgency beats the advisory's label
  m = db_->match("Debian:12", "curl", "7.70.0-1");  // only the release entry matches
  ASSERT_TRUE(m);
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].fixed_version, "7.88.1-10+deb12u5");
  EXPECT_EQ(ids("Debian:12", "libcurl4", "7.88.1-10"), std::vector<std::string>{"DSA-1"});
  EXPECT_EQ(ids("Debian:12", "libcurl4", "7.88.1-11"), std::vector<std::string>{});
}

TEST_F(OsvDatabase, NpmSemverAndPypiNames) {
  import(write("npm.json", advisory("GHSA-1", "npm", "lodash", "4.17.21", "2024-01-01T00:00:00Z",
                                    R"(, "aliases": ["CVE-2021-23337"], "severity": [{"type": "CVSS_V3",
                                       "score": "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"}])")));
  import(write("pypi.json", advisory("PYSEC-1", "PyPI", "Foo_Bar.baz", "2.0")));
  auto m = db_->match("npm", "lodash", "4.17.20");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].fixed_version, "4.17.21");
  EXPECT_EQ((*m)[0].severity, Severity::High);  // 7.2
  EXPECT_EQ((*m)[0].aliases, std::vector<std::string>{"CVE-2021-23337"});
  EXPECT_EQ(ids("npm", "lodash", "4.17.21"), std::vector<std::string>{});
  EXPECT_EQ(ids("npm", "lodash", "4.17.21-rc.1"), std::vector<std::string>{"GHSA-1"});
  EXPECT_EQ(ids("npm", "Lodash", "4.17.20"), std::vector<std::string>{});  // npm names are exact
  EXPECT_EQ(ids("PyPI", "foo-bar-baz", "1.9"), std::vector<std::string>{"PYSEC-1"});
  EXPECT_EQ(ids("PyPI", "FOO__bar-Baz", "2.0"), std::vector<std::string>{});

  EXPECT_EQ(db_->match("GIT", "x", "1").error().kind(), ErrorKind::NotSupported);
}

TEST_F(OsvDatabase, WithdrawnNeverMatches) {
  ImportStats s = import(write("w.json", advisory("GHSA-W", "npm", "left-pad", "", "2024-01-01T00:00:00Z",
                                                  R"(, "withdrawn": "2024-02-01T00:00:00Z")")));
  EXPECT_EQ(s.withdrawn, 1u);
  EXPECT_EQ(ids("npm", "left-pad", "1.0.0"), std::vector<std::string>{});
  auto meta = db_->metadata();
  ASSERT_TRUE(meta);
  EXPECT_EQ(meta->advisories, 1);  // kept, for `hako scan db` to count
}

TEST_F(OsvDatabase, ReimportReplacesUnlessOlder) {
  import(write("v1.json", advisory("GHSA-R", "npm", "a", "1.0.0", "2024-01-01T00:00:00Z")));
  EXPECT_EQ(ids("npm", "a", "1.5.0"), std::vector<std::string>{});
  // Newer modified (by a fraction of a second): replaces, old rows gone.
  import(write("v2.json", advisory("GHSA-R", "npm", "b", "2.0.0", "2024-01-01T00:00:00.5Z")));
  EXPECT_EQ(ids("npm", "a", "0.5.0"), std::vector<std::string>{});
  EXPECT_EQ(ids("npm", "b", "1.5.0"), std::vector<std::string>{"GHSA-R"});
  // Older modified: ignored.
  ImportStats s = import(write("v0.json", advisory("GHSA-R", "npm", "c", "1.0.0", "2023-06-01T00:00:00Z")));
  EXPECT_EQ(s.skipped_older, 1u);
  EXPECT_EQ(ids("npm", "c", "0.5.0"), std::vector<std::string>{});
  EXPECT_EQ(ids("npm", "b", "1.5.0"), std::vector<std::string>{"GHSA-R"});
  auto meta = db_->metadata();
  ASSERT_TRUE(meta);
  EXPECT_EQ(meta->advisories, 1);
}

TEST_F(OsvDatabase, FailedImportChangesNothingAndNamesTheFile) {
  write("bad/a.json", advisory("GHSA-OK", "npm", "a", "1.0.0"));
  write("bad/b.json", R"({"id": "GHSA-BAD", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": 1}]})");
  auto s = db_->import_path(dir_ + "/bad");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message(), dir_ + "/bad/b.json: affected[0].package: expected an object, got number");
  EXPECT_EQ(ids("npm", "a", "0.1.0"), std::vector<std::string>{});
  EXPECT_FALSE(db_->import_path(dir_ + "/missing"));
}

TEST_F(OsvDatabase, MetadataRecordsSource) {
  auto empty = db_->metadata();
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->updated_at, "");
  std::string path = write("one.json", advisory("GHSA-M", "npm", "a", "1.0.0"));
  ASSERT_TRUE(db_->import_path(path, "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip"));
  auto meta = db_->metadata();
  ASSERT_TRUE(meta);
  EXPECT_EQ(meta->source, "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip");
  EXPECT_EQ(meta->updated_at.size(), 30u);  // RFC 3339 with nanoseconds
  // Reopening reads the same file.
  db_.reset();
  auto again = Database::open(dir_ + "/vuln.db");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->metadata()->source, meta->source);
}

TEST_F(OsvDatabase, RefusesOtherSchemaVersion) {
  std::string path = dir_ + "/other.db";
  ASSERT_TRUE(Database::open(path));
  {
    sqlite3* raw;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
  }
  auto db = Database::open(path);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().kind(), ErrorKind::Conflict);
  // Not SQLite at all: the error names the file.
  std::string junk = write("junk.db", std::string(4096, 'x'));
  auto bad = Database::open(junk);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find(junk), std::string::npos) << bad.error().message();
}

// Writes a zip of (name, content) pairs with libarchive.
void write_zip(const std::string& path, const std::vector<std::pair<std::string, std::string>>& files) {
  struct archive* a = archive_write_new();
  ASSERT_EQ(archive_write_set_format_zip(a), ARCHIVE_OK);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(archive_write_open_fd(a, fd), ARCHIVE_OK);
  for (const auto& [name, content] : files) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    ASSERT_EQ(archive_write_header(a, e), ARCHIVE_OK);
    ASSERT_EQ(archive_write_data(a, content.data(), content.size()), static_cast<la_ssize_t>(content.size()));
    archive_entry_free(e);
  }
  ASSERT_EQ(archive_write_close(a), ARCHIVE_OK);
  archive_write_free(a);
  ::close(fd);
}

TEST_F(OsvDatabase, ImportsZipExports) {
  std::string zip = dir_ + "/all.zip";
  write_zip(zip, {{"ALPINE-1.json", advisory("ALPINE-CVE-1", "Alpine:v3.19", "musl", "1.2.4_git20230717-r5")},
                  {"ALPINE-2.json", advisory("ALPINE-CVE-2", "Alpine:v3.18", "musl", "1.2.4-r3")},
                  {"notes.txt", "skipped"}});
  ImportStats s = import(zip);
  EXPECT_EQ(s.files, 2u);
  EXPECT_EQ(ids("Alpine:v3.19", "musl", "1.2.4_git20230717-r4"), std::vector<std::string>{"ALPINE-CVE-1"});
  EXPECT_EQ(ids("Alpine:v3.18", "musl", "1.2.4-r2"), std::vector<std::string>{"ALPINE-CVE-2"});

  // A zip entry's error names the zip and the entry.
  std::string bad = dir_ + "/bad.zip";
  write_zip(bad, {{"X.json", R"({"id": "X"})"}});
  auto r = db_->import_path(bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), bad + ": X.json: modified: required field is missing");
  std::string junk = write("junk.zip", "this is not a zip");
  EXPECT_FALSE(db_->import_path(junk));
}

TEST_F(OsvDatabase, ManyAdvisoriesImportAndMatch) {
  // 20,000 advisories over 2,000 packages, as one JSON array per 1,000 to keep
  // the fixture quick to write; correctness only (timing is for benchmarks).
  constexpr int kCount = 20000;
  for (int file = 0; file < kCount / 1000; ++file) {
    std::string doc = "[";
    for (int i = file * 1000; i < (file + 1) * 1000; ++i) {
      if (i != file * 1000) doc += ",";
      doc += advisory(fmt::format("GHSA-{:05}", i), "npm", fmt::format("pkg-{}", i % 2000),
                      fmt::format("{}.0.0", i / 2000 + 1));
    }
    write(fmt::format("bulk/{:02}.json", file), doc + "]");
  }
  ImportStats s = import(dir_ + "/bulk");
  EXPECT_EQ(s.imported, static_cast<size_t>(kCount));
  EXPECT_EQ(s.affected_rows, static_cast<size_t>(kCount));
  // pkg-7 has advisories i = 7, 2007, ..., 18007, fixed in 1.0.0 ... 10.0.0.
  auto m = db_->match("npm", "pkg-7", "4.5.0");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->size(), 6u);  // fixed in 5.0.0 through 10.0.0
  EXPECT_EQ((*m)[0].id, "GHSA-08007");
  EXPECT_EQ((*m)[0].fixed_version, "5.0.0");
  EXPECT_EQ(ids("npm", "pkg-1999", "10.0.0").size(), 0u);
  EXPECT_EQ(ids("npm", "pkg-1999", "9.9.9").size(), 1u);
}

}  // namespace
}  // namespace hako::scan::osv
