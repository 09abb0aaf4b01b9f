// Archives built to escape the target directory. Each must either be refused
// with an error naming the entry, or (for symlink tricks, which are legal in
// layers) land inside the root; a sentinel directory beside the root must
// never change.
#include <gtest/gtest.h>

#include "layer/apply.h"
#include "layer/test_util.h"

namespace hako::layer {
using namespace testing;

class Hostile : public ::testing::Test {
 protected:
  void SetUp() override {
    root = tmp / "root";
    sentinel = tmp / "outside";
    ASSERT_TRUE(make_dirs(root + "/deep/er"));
    ASSERT_TRUE(make_dirs(sentinel));
    ASSERT_TRUE(write_file(sentinel + "/keep", "precious"));
    before = describe_tree(tmp.path());
  }
  void TearDown() override {
    // Nothing outside the root changed: same sentinel, nothing new beside it.
    auto after = describe_tree(tmp.path());
    std::erase_if(before, [&](auto& kv) { return kv.first.starts_with("root"); });
    std::erase_if(after, [&](auto& kv) { return kv.first.starts_with("root") || kv.first == "layer.tar"; });
    EXPECT_EQ(before, after);
    EXPECT_EQ(content(sentinel + "/keep"), "precious");
    EXPECT_FALSE(exists("/abs/evil"));
    EXPECT_FALSE(exists("/tmp/evil"));
  }
  Result<ApplyStats> apply(Tar& t) { return apply_layer(t.save(tmp / "layer.tar"), root); }
  void expect_refused(Tar& t, const std::string& message) {
    auto r = apply(t);
    ASSERT_FALSE(r) << "applied a hostile layer";
    EXPECT_EQ(r.error().kind(), ErrorKind::InvalidArgument);
    EXPECT_NE(r.error().message().find(message), std::string::npos) << r.error().message();
  }
  std::string at(const std::string& rel) const { return root + "/" + rel; }

  TempDir tmp;
  std::string root, sentinel;
  std::map<std::string, std::string> before;
};

TEST_F(Hostile, DotDotName) {
  Tar t;
  t.file("../evil", "x");
  expect_refused(t, "layer entry \"../evil\": path escapes the root");
}

TEST_F(Hostile, AbsoluteName) {
  Tar t;
  t.file("/abs/evil", "x");
  expect_refused(t, "layer entry \"/abs/evil\": path escapes the root");
  EXPECT_FALSE(exists(at("abs")));
}

TEST_F(Hostile, DotDotInTheMiddle) {
  Tar t;
  t.file("a/../../evil", "x");
  expect_refused(t, "layer entry \"a/../../evil\": path escapes the root");
}

TEST_F(Hostile, DotDotToTheSentinel) {
  Tar t;
  t.file("deep/er/../../../outside/keep", "overwritten");
  expect_refused(t, "path escapes the root");
}

TEST_F(Hostile, SymlinkOutThenWriteThrough) {
  // Legal in a layer, so not refused: the link is read as if root were "/".
  Tar t;
  t.symlink("link", sentinel).file("link/evil", "x").file("link/keep", "overwritten");
  auto r = apply(t);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(content(at(sentinel.substr(1) + "/evil")), "x");
  EXPECT_FALSE(exists(sentinel + "/evil"));
}

TEST_F(Hostile, SymlinkDotDotChain) {
  Tar t;
  t.symlink("up", "../../../../../..").symlink("deep/er/up2", "../../up/up/..").file("up/evil", "x")
      .file("deep/er/up2/outside/keep", "overwritten").dir("up/outside/").file("up/outside/keep", "mine");
  auto r = apply(t);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(content(at("evil")), "x");
  EXPECT_EQ(content(at("outside/keep")), "mine");
}

TEST_F(Hostile, HardlinkToAbsolutePath) {
  Tar t;
  t.hardlink("pw", "/etc/passwd");
  expect_refused(t, "layer entry \"pw\": hardlink target \"/etc/passwd\": path escapes the root");
  EXPECT_FALSE(exists(at("pw")));
}

TEST_F(Hostile, HardlinkUpwards) {
  Tar t;
  t.hardlink("x", "../../outside/keep");
  expect_refused(t, "layer entry \"x\": hardlink target \"../../outside/keep\": path escapes the root");
}

TEST_F(Hostile, HardlinkThroughSymlink) {
  // "lnk/keep" resolves inside the root, where there is nothing to link to.
  Tar t;
  t.symlink("lnk", sentinel).hardlink("stolen", "lnk/keep");
  auto r = apply(t);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("layer entry \"stolen\": hardlink target \"lnk/keep\""), std::string::npos)
      << r.error().message();
  EXPECT_EQ(lstat_of(sentinel + "/keep").st_nlink, 1u);
}

TEST_F(Hostile, SymlinkPlantedInALowerLayer) {
  ASSERT_EQ(::symlink(sentinel.c_str(), at("etc").c_str()), 0);
  ASSERT_EQ(::symlink("../../../../..", at("deep/er/up").c_str()), 0);
  Tar t;
  t.file("etc/keep", "overwritten").file("etc/passwd", "root::0:0").file("deep/er/up/escaped", "x");
  auto r = apply(t);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(content(at(sentinel.substr(1) + "/passwd")), "root::0:0");
  EXPECT_EQ(content(at("escaped")), "x");
}

TEST_F(Hostile, WhiteoutTricks) {
  Tar t1;
  t1.whiteout(".wh...");
  expect_refused(t1, "layer entry \".wh...\": path escapes the root");
  Tar t2;
  t2.whiteout("deep/.wh..");
  expect_refused(t2, "whiteout names no file");
  // A directory merely named ".wh..." is an ordinary (odd) name.
  Tar t3;
  t3.file(".wh.../outside/keep", "inside");
  ASSERT_TRUE(apply(t3));
  EXPECT_EQ(content(at(".wh.../outside/keep")), "inside");
  Tar t4;
  t4.whiteout("../.wh.outside");
  expect_refused(t4, "path escapes the root");
}

TEST_F(Hostile, WhiteoutsThroughSymlinksStayInside) {
  ASSERT_EQ(::symlink(sentinel.c_str(), at("lnk").c_str()), 0);
  ASSERT_EQ(::symlink("../../..", at("deep/up").c_str()), 0);
  Tar t;
  t.whiteout("lnk/.wh.keep").whiteout("lnk/.wh..wh..opq").whiteout("deep/up/outside/.wh.keep")
      .whiteout("deep/up/.wh..wh..opq");
  auto r = apply(t);
  ASSERT_TRUE(r) << r.error().message();
}

TEST_F(Hostile, WhiteoutOfASymlinkRemovesOnlyTheLink) {
  ASSERT_EQ(::symlink(sentinel.c_str(), at("lnk").c_str()), 0);
  Tar t;
  t.whiteout(".wh.lnk");
  ASSERT_TRUE(apply(t));
  EXPECT_FALSE(exists(at("lnk")));
}

TEST_F(Hostile, ReplacingASymlinkedDirectoryDoesNotFollowIt) {
  // A lower symlink replaced by a file or directory of this layer is
  // removed itself, never the tree it points at.
  ASSERT_EQ(::symlink(sentinel.c_str(), at("a").c_str()), 0);
  ASSERT_EQ(::symlink(sentinel.c_str(), at("b").c_str()), 0);
  Tar t;
  t.file("a", "file now").symlink("c", sentinel).file("c", "replaced link");
  ASSERT_TRUE(apply(t));
  EXPECT_EQ(content(at("a")), "file now");
  EXPECT_EQ(content(at("c")), "replaced link");
}

}  // namespace hako::layer
