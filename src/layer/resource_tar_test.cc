#include "layer/resource_tar.h"

#include <gtest/gtest.h>

#include <memory>

#include "base/fd.h"
#include "layer/apply.h"
#include "layer/test_util.h"

namespace hako::layer {
using namespace testing;
namespace {

struct Member {
  std::string name, hardlink;
  bool operator==(const Member&) const = default;
};

// The member names (and hardlink targets) of a tar file, in order.
std::vector<Member> members(const std::string& path) {
  std::vector<Member> out;
  std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 4096) != ARCHIVE_OK) return out;
  archive_entry* e;
  while (archive_read_next_header(a.get(), &e) == ARCHIVE_OK) {
    const char* h = archive_entry_hardlink(e);
    out.push_back({archive_entry_pathname(e), h ? h : ""});
  }
  return out;
}

// Archives `name` of directory `dir` as `top` into `out`; returns the bytes.
uint64_t archive_to(const std::string& dir, const std::string& name, const std::string& top, const std::string& out) {
  UniqueFd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  UniqueFd f(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  auto r = write_resource_tar(d.get(), name, top, f.get());
  EXPECT_TRUE(r) << r.error().message();
  return r.value_or(0);
}

class CopyTar : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(make_dirs(tmp_ / "src/d/sub"));
    ASSERT_TRUE(write_file(tmp_ / "src/d/f", "data"));
    ASSERT_TRUE(write_file(tmp_ / "src/d/sub/g", "g"));
    ASSERT_EQ(::symlink("/etc", (tmp_ / "src/d/link").c_str()), 0);
    ASSERT_EQ(::link((tmp_ / "src/d/f").c_str(), (tmp_ / "src/d/hard").c_str()), 0);
  }
  TempDir tmp_;
};

TEST_F(CopyTar, ATreeGoesUnderItsTopNameAndLinksAreNotFollowed) {
  archive_to(tmp_ / "src", "d", "renamed", tmp_ / "out.tar");
  std::vector<Member> want = {{"renamed/", ""},     {"renamed/f", ""},    {"renamed/hard", "renamed/f"},
                              {"renamed/link", ""}, {"renamed/sub/", ""}, {"renamed/sub/g", ""}};
  EXPECT_EQ(members(tmp_ / "out.tar"), want);
}

TEST_F(CopyTar, DotMeansTheDirectoryItself) {
  archive_to(tmp_ / "src/d", ".", ".", tmp_ / "out.tar");
  auto m = members(tmp_ / "out.tar");
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m.front().name, "./");
  EXPECT_EQ(m[1].name, "./f");
}

TEST_F(CopyTar, OneSmallFileIsTwoKilobytesAsDockerCounts) {
  // A header, one data block and the two end blocks, with no record padding.
  EXPECT_EQ(archive_to(tmp_ / "src/d", "f", "f", tmp_ / "out.tar"), 2048u);
  EXPECT_EQ(lstat_of(tmp_ / "out.tar").st_size, 2048);
}

TEST_F(CopyTar, ExtractingBelowABaseFollowsSymlinksInsideTheRoot) {
  archive_to(tmp_ / "src", "d", "d", tmp_ / "out.tar");
  std::string root = tmp_ / "root";
  ASSERT_TRUE(make_dirs(root + "/target"));
  ASSERT_EQ(::symlink("/target", (root + "/in").c_str()), 0);  // absolute: the root's /target
  ApplyOptions o;
  o.base = "in";
  o.whiteouts = false;
  o.replace_dirs = false;
  auto r = apply_layer(tmp_ / "out.tar", root, o);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(content(root + "/target/d/f"), "data");
  EXPECT_EQ(lstat_of(root + "/target/d/hard").st_ino, lstat_of(root + "/target/d/f").st_ino);
  EXPECT_TRUE(S_ISLNK(lstat_of(root + "/target/d/link").st_mode));
}

TEST_F(CopyTar, APlainCopyKeepsWhiteoutNamesAndNeverReplacesADirectory) {
  ASSERT_TRUE(write_file(tmp_ / "src/d/.wh.f", "not a whiteout"));
  archive_to(tmp_ / "src", "d", "d", tmp_ / "out.tar");
  std::string root = tmp_ / "root";
  ASSERT_TRUE(make_dirs(root + "/d/f"));  // a directory where the tar has a file
  ApplyOptions o;
  o.whiteouts = false;
  o.replace_dirs = false;
  auto r = apply_layer(tmp_ / "out.tar", root, o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("cannot overwrite directory \"/d/f\" with non-directory"), std::string::npos)
      << r.error().message();
  EXPECT_TRUE(S_ISDIR(lstat_of(root + "/d/f").st_mode));
  EXPECT_EQ(content(root + "/d/.wh.f"), "not a whiteout");  // it came before "f"
}

}  // namespace
}  // namespace hako::layer
