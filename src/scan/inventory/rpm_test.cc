#include "scan/inventory/rpm.h"

#include <sqlite3.h>

#include <gtest/gtest.h>

#include "scan/inventory/inventory.h"
#include "scan/inventory/test_root.h"

namespace hako::scan {
namespace {

// Builds an rpmdb header blob by hand: il, dl, index entries, data store,
// all big-endian, exactly as rpm's headerExport writes it minus the magic.
struct Entry {
  int32_t tag;
  uint32_t type;
  std::string data;  // already encoded: strings with their NUL, ints big-endian
  uint32_t count = 1;
};

void put32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}
Entry str(int32_t tag, std::string_view s) { return {tag, 6, std::string(s) + '\0'}; }
Entry i32(int32_t tag, uint32_t v) {
  std::string d;
  put32(d, v);
  return {tag, 4, d};
}

std::string blob(const std::vector<Entry>& entries) {
  std::string index, data;
  for (const Entry& e : entries) {
    if (e.type == 4)
      while (data.size() % 4) data += '\0';  // rpm aligns INT32 data
    put32(index, static_cast<uint32_t>(e.tag));
    put32(index, e.type);
    put32(index, static_cast<uint32_t>(data.size()));
    put32(index, e.count);
    data += e.data;
  }
  std::string out;
  put32(out, static_cast<uint32_t>(entries.size()));
  put32(out, static_cast<uint32_t>(data.size()));
  return out + index + data;
}

std::string bash_blob() {
  return blob({{63, 7, std::string(16, '\x01'), 16},  // HEADERIMMUTABLE region: ignored
               str(1000, "bash"), str(1001, "5.1.8"), str(1002, "6.el9"), str(1014, "GPLv3+"),
               str(1022, "x86_64"), str(1044, "bash-5.1.8-6.el9.src.rpm")});
}

void make_rpmdb(const std::string& path, const std::vector<std::string>& blobs) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)", -1, &st, nullptr), SQLITE_OK);
  for (const std::string& b : blobs) {
    sqlite3_bind_blob(st, 1, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST(Rpm, ParsesHandBuiltHeader) {
  auto h = parse_rpm_header(bash_blob());
  ASSERT_TRUE(h.has_value()) << h.error().message();
  EXPECT_EQ(h->name, "bash");
  EXPECT_EQ(h->release, "6.el9");
  EXPECT_FALSE(h->epoch.has_value());
  Package p = rpm_package(*h);
  EXPECT_EQ(p.version, "5.1.8-6.el9");
  EXPECT_EQ(p.source_name, "bash");
  EXPECT_EQ(p.source_version, "5.1.8-6.el9");
  EXPECT_EQ(p.license, "GPLv3+");
}

TEST(Rpm, EpochAndDashedSourceName) {
  auto h = parse_rpm_header(blob({str(1000, "python3-libs"), i32(1003, 2), str(1001, "3.9.18"),
                                  str(1002, "1.el9_3"), str(1044, "python3.9-3.9.18-1.el9_3.src.rpm")}));
  ASSERT_TRUE(h.has_value()) << h.error().message();
  Package p = rpm_package(*h);
  EXPECT_EQ(p.version, "2:3.9.18-1.el9_3");
  EXPECT_EQ(p.source_name, "python3.9");
  EXPECT_EQ(p.source_version, "2:3.9.18-1.el9_3");
}

TEST(Rpm, RejectsMalformedBlobs) {
  std::string good = bash_blob();
  EXPECT_FALSE(parse_rpm_header("").has_value());
  EXPECT_FALSE(parse_rpm_header(good.substr(0, good.size() - 1)).has_value());  // size mismatch
  EXPECT_FALSE(parse_rpm_header(good + "x").has_value());
  std::string unterminated = blob({{1000, 6, "bash"}});  // no NUL
  EXPECT_FALSE(parse_rpm_header(unterminated).has_value());
  std::string past = blob({str(1000, "bash"), str(1001, "1")});
  past[8 + 16 + 8 + 3] = 100;  // NAME's offset beyond the data
  EXPECT_FALSE(parse_rpm_header(past).has_value());
  EXPECT_FALSE(parse_rpm_header(blob({str(1000, "bash")})).has_value());  // no VERSION
  EXPECT_FALSE(parse_rpm_header(blob({str(1000, "a"), str(1001, "1"), str(1003, "x")})).has_value());
}

TEST(Rpm, ReadsSqliteDatabaseOnceThroughLinks) {
  TestRoot r;
  r.write("etc/os-release", "ID=\"rhel\"\nVERSION_ID=\"9.3\"\n");
  std::string epoch_blob = blob({str(1000, "openssl-libs"), i32(1003, 1), str(1001, "3.0.7"), str(1002, "25.el9_3"),
                                 str(1022, "x86_64"), str(1044, "openssl-3.0.7-25.el9_3.src.rpm")});
  std::string key = blob({str(1000, "gpg-pubkey"), str(1001, "fd431d51"), str(1002, "4ae0493b")});
  r.write("usr/lib/sysimage/rpm/.keep", "");
  make_rpmdb(r.path() + "/usr/lib/sysimage/rpm/rpmdb.sqlite", {bash_blob(), key, epoch_blob});
  r.symlink("../../usr/lib/sysimage/rpm", "var/lib/rpm");
  auto pkgs = os_packages(r.path());
  ASSERT_TRUE(pkgs.has_value()) << pkgs.error().message();
  ASSERT_EQ(pkgs->size(), 2u);
  EXPECT_EQ((*pkgs)[0].name, "bash");
  EXPECT_EQ((*pkgs)[0].ecosystem, "Red Hat");
  EXPECT_EQ((*pkgs)[0].path, "var/lib/rpm/rpmdb.sqlite");
  EXPECT_EQ((*pkgs)[0].purl, "pkg:rpm/redhat/bash@5.1.8-6.el9?arch=x86_64&distro=rhel-9.3");
  EXPECT_EQ((*pkgs)[1].version, "1:3.0.7-25.el9_3");
  EXPECT_EQ((*pkgs)[1].purl, "pkg:rpm/redhat/openssl-libs@3.0.7-25.el9_3?arch=x86_64&distro=rhel-9.3&epoch=1");
  // No -wal/-shm/-journal files were left in the image.
  EXPECT_FALSE(path_exists(r.path() + "/usr/lib/sysimage/rpm/rpmdb.sqlite-shm"));
  EXPECT_FALSE(path_exists(r.path() + "/usr/lib/sysimage/rpm/rpmdb.sqlite-journal"));
}

TEST(Rpm, CorruptRowAndForeignFormats) {
  {
    TestRoot r;
    r.write("var/lib/rpm/.keep", "");
    make_rpmdb(r.path() + "/var/lib/rpm/rpmdb.sqlite", {bash_blob(), "garbage"});
    auto err = os_packages(r.path());
    ASSERT_FALSE(err.has_value());
    EXPECT_NE(err.error().message().find("var/lib/rpm/rpmdb.sqlite: Packages row hnum=2"), std::string::npos)
        << err.error().message();
  }
  {
    TestRoot r;
    r.write("var/lib/rpm/rpmdb.sqlite", "this is not sqlite at all, just text that is long enough");
    auto err = os_packages(r.path());
    ASSERT_FALSE(err.has_value());
    EXPECT_EQ(err.error().kind(), ErrorKind::InvalidArgument);
    EXPECT_NE(err.error().message().find("var/lib/rpm/rpmdb.sqlite"), std::string::npos);
  }
  {
    TestRoot r;
    r.write("var/lib/rpm/Packages", "berkeley db bytes");
    auto err = os_packages(r.path());
    ASSERT_FALSE(err.has_value());
    EXPECT_EQ(err.error().kind(), ErrorKind::NotSupported);
  }
}

}  // namespace
}  // namespace hako::scan
