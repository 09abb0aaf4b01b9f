#include "volume/volume_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <optional>

#include "base/files.h"
#include "store/test_util.h"

namespace hako::volume {
namespace {

class VolumeStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto md = store::Metadata::open(tmp_.path() + "/metadata.db");
    ASSERT_TRUE(md) << md.error().message();
    md_.emplace(std::move(*md));
    vols_.emplace(*md_, root());
  }
  std::string root() const { return tmp_.path() + "/root"; }
  VolumeRecord named(const std::string& name) {
    VolumeRecord v;
    v.name = name;
    return v;
  }
  store::testing::TempDir tmp_;
  std::optional<store::Metadata> md_;
  std::optional<VolumeStore> vols_;
};

TEST_F(VolumeStoreTest, SchemaVersion) { EXPECT_EQ(*md_->schema_version(), store::Metadata::kSchemaVersion); }

TEST_F(VolumeStoreTest, MigratesAVersion3Database) {
  // A database as hako with schema 3 left it: no volumes table (nor the
  // build cache of schema 5).
  ASSERT_TRUE(md_->db().exec(
      "DROP TABLE volumes; DROP INDEX build_cache_by_image; DROP TABLE build_cache; UPDATE schema_version SET version = 3;"));
  vols_.reset();
  md_.reset();
  auto md = store::Metadata::open(tmp_.path() + "/metadata.db");
  ASSERT_TRUE(md) << md.error().message();
  md_.emplace(std::move(*md));
  vols_.emplace(*md_, root());
  EXPECT_EQ(*md_->schema_version(), store::Metadata::kSchemaVersion);
  EXPECT_TRUE(md_->db().exec("SELECT count(*) FROM build_cache"));
  ASSERT_TRUE(vols_->create(named("after")));
  EXPECT_TRUE(vols_->get("after"));
}

TEST_F(VolumeStoreTest, CreateAndGet) {
  VolumeRecord v = named("data");
  v.labels = {{"env", "prod"}};
  auto made = vols_->create(v);
  ASSERT_TRUE(made) << made.error().message();
  EXPECT_EQ(made->name, "data");
  EXPECT_EQ(made->driver, "local");
  EXPECT_FALSE(made->created.empty());
  EXPECT_FALSE(made->anonymous);
  EXPECT_EQ(vols_->data_dir("data"), root() + "/volumes/data/_data");
  struct stat st;
  ASSERT_EQ(::stat(vols_->data_dir("data").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  auto got = vols_->get("data");
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(*got, *made);
  EXPECT_EQ(got->labels.at("env"), "prod");
}

TEST_F(VolumeStoreTest, CreateIsIdempotent) {
  VolumeRecord v = named("db");
  v.options = {{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "size=10m"}};
  v.labels = {{"a", "1"}};
  auto first = vols_->create(v);
  ASSERT_TRUE(first) << first.error().message();
  // Same request again, or one without options (as -v db:/x makes): the
  // existing record, labels untouched.
  v.labels = {{"b", "2"}};
  auto again = vols_->create(v);
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(*again, *first);
  auto plain = vols_->create(named("db"));
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, *first);
  auto all = vols_->list();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 1u);
}

TEST_F(VolumeStoreTest, CreateConflicts) {
  VolumeRecord v = named("db");
  v.options = {{"type", "tmpfs"}, {"device", "tmpfs"}};
  ASSERT_TRUE(vols_->create(v));
  v.options = {{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "size=1m"}};
  auto differ = vols_->create(v);
  ASSERT_FALSE(differ);
  EXPECT_EQ(differ.error().kind(), ErrorKind::Conflict);
  EXPECT_EQ(differ.error().message(), "volume 'db' already exists with different options: volume name must be unique");
  // A driver mismatch: only reachable through the database (create only
  // makes local volumes), as a volume left by another driver would be.
  ASSERT_TRUE(md_->db().run("INSERT INTO volumes (name, created, driver, options, labels, anonymous) "
                            "VALUES ('plug', 'x', 'other', '{}', '{}', 0)"));
  auto driver = vols_->create(named("plug"));
  ASSERT_FALSE(driver);
  EXPECT_EQ(driver.error().kind(), ErrorKind::Conflict);
  EXPECT_EQ(driver.error().message(), "driver 'other' already has volume 'plug': volume name must be unique");
  VolumeRecord other = named("new");
  other.driver = "nfsplugin";
  auto missing = vols_->create(other);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind(), ErrorKind::NotFound);
  EXPECT_EQ(missing.error().message(), "error looking up volume plugin nfsplugin: plugin \"nfsplugin\" not found");
}

TEST_F(VolumeStoreTest, Anonymous) {
  auto a = vols_->create(VolumeRecord{});
  auto b = vols_->create(VolumeRecord{});
  ASSERT_TRUE(a) << a.error().message();
  ASSERT_TRUE(b);
  EXPECT_EQ(a->name.size(), 64u);
  EXPECT_EQ(a->name.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a->name, b->name);
  EXPECT_TRUE(a->anonymous);
  EXPECT_TRUE(a->labels.contains("com.docker.volume.anonymous"));
  EXPECT_TRUE(path_exists(vols_->data_dir(a->name)));
  auto got = vols_->get(a->name);
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->anonymous);
}

TEST_F(VolumeStoreTest, GetNotFound) {
  auto r = vols_->get("nope");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::NotFound);
  EXPECT_EQ(r.error().message(), "get nope: no such volume");
  auto rm = vols_->remove("nope");
  ASSERT_FALSE(rm);
  EXPECT_EQ(rm.error().kind(), ErrorKind::NotFound);
  EXPECT_EQ(rm.error().message(), "get nope: no such volume");
}

TEST_F(VolumeStoreTest, ListIsByName) {
  for (const char* n : {"zeta", "alpha", "Mid", "beta"}) ASSERT_TRUE(vols_->create(named(n)));
  auto all = vols_->list();
  ASSERT_TRUE(all);
  std::vector<std::string> names;
  for (const auto& v : *all) names.push_back(v.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Mid", "alpha", "beta", "zeta"}));
}

TEST_F(VolumeStoreTest, RemoveRemovesTheDirectory) {
  ASSERT_TRUE(vols_->create(named("gone")));
  ASSERT_TRUE(make_dirs(vols_->data_dir("gone") + "/sub/deeper"));
  ASSERT_TRUE(write_file(vols_->data_dir("gone") + "/sub/file", "x"));
  ASSERT_TRUE(vols_->create(named("kept")));
  auto rm = vols_->remove("gone");
  ASSERT_TRUE(rm) << rm.error().message();
  EXPECT_FALSE(path_exists(root() + "/volumes/gone"));
  EXPECT_TRUE(path_exists(vols_->data_dir("kept")));
  EXPECT_FALSE(vols_->get("gone"));
  EXPECT_TRUE(vols_->get("kept"));
  // Gone for good: the name can be made again, empty.
  ASSERT_TRUE(vols_->create(named("gone")));
  EXPECT_FALSE(path_exists(vols_->data_dir("gone") + "/sub"));
}

TEST_F(VolumeStoreTest, BadNamesRejected) {
  for (const char* n : {"a", "../etc", "a/b", ".hidden", "-x", "with space", "x:y"}) {
    auto r = vols_->create(named(n));
    EXPECT_FALSE(r) << n;
    if (!r) {
      EXPECT_EQ(r.error().kind(), ErrorKind::InvalidArgument) << n;
    }
  }
  auto msg = vols_->create(named("a/b"));
  ASSERT_FALSE(msg);
  EXPECT_EQ(msg.error().message(),
            "\"a/b\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are "
            "allowed. If you intended to pass a host directory, use absolute path");
  auto all = vols_->list();
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
}

TEST_F(VolumeStoreTest, CreateFailureLeavesNoRow) {
  // ROOT/volumes is a file: the directory cannot be made.
  ASSERT_TRUE(make_dirs(root()));
  ASSERT_TRUE(write_file(root() + "/volumes", "not a dir"));
  auto r = vols_->create(named("data"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("create data: "), std::string::npos) << r.error().message();
  EXPECT_FALSE(vols_->get("data"));
}

TEST_F(VolumeStoreTest, BadOptionsRejected) {
  VolumeRecord v = named("opt");
  v.options = {{"colour", "blue"}};
  auto r = vols_->create(v);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "invalid option: \"colour\"");
  EXPECT_FALSE(vols_->get("opt"));
}

TEST(LocalOptionsTest, Validation) {
  using Opts = std::map<std::string, std::string>;
  auto msg = [](const Opts& o) {
    auto r = validate_local_options(o);
    return r ? std::string("ok") : r.error().message();
  };
  EXPECT_EQ(msg({}), "ok");
  EXPECT_EQ(msg({{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "size=100m,uid=1000"}}), "ok");
  EXPECT_EQ(msg({{"type", "nfs"}, {"device", ":/export"}, {"o", "addr=10.0.0.1,rw"}}), "ok");
  EXPECT_EQ(msg({{"colour", "blue"}}), "invalid option: \"colour\"");
  EXPECT_EQ(msg({{"device", "tmpfs"}}), "missing required option: \"type\"");
  EXPECT_EQ(msg({{"type", "tmpfs"}}), "missing required option: \"device\"");
  EXPECT_EQ(msg({{"o", "size=1m"}}), "missing required option: \"device\"");
  EXPECT_EQ(msg({{"o", "size=1m"}, {"device", "tmpfs"}}), "missing required option: \"type\"");
  EXPECT_EQ(msg({{"size", "0"}}), "ok");
  EXPECT_EQ(msg({{"size", "10m"}}), "quota size requested but no quota support");
  EXPECT_EQ(msg({{"size", "lots"}}), "invalid size: 'lots'");

  store::testing::TempDir tmp;
  EXPECT_EQ(msg({{"type", "none"}, {"device", tmp.path()}, {"o", "bind"}}), "ok");
  EXPECT_EQ(msg({{"type", "none"}, {"device", tmp.path()}, {"o", "rbind,ro"}}), "ok");
  EXPECT_EQ(msg({{"type", "none"}, {"device", tmp.path() + "/missing"}, {"o", "bind"}}),
            "bind source path does not exist: " + tmp.path() + "/missing");
  ASSERT_TRUE(write_file(tmp.path() + "/file", "x"));
  EXPECT_EQ(msg({{"type", "none"}, {"device", tmp.path() + "/file"}, {"o", "bind"}}),
            "bind source path is not a directory: " + tmp.path() + "/file");
  // Not a bind: the device is not looked at (it is mounted later).
  EXPECT_EQ(msg({{"type", "none"}, {"device", tmp.path() + "/missing"}, {"o", "ro"}}), "ok");
}

}  // namespace
}  // namespace hako::volume
