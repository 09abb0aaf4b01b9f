#include "layer/apply.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cstring>

#include "layer/test_util.h"

namespace hako::layer {
using namespace testing;

class Apply : public ::testing::Test {
 protected:
  void SetUp() override {
    root = tmp / "root";
    ASSERT_TRUE(make_dirs(root));
  }
  Result<ApplyStats> apply(Tar& t, const ApplyOptions& o = {}) { return apply_layer(t.save(tmp / "layer.tar"), root, o); }
  std::string at(const std::string& rel) const { return root + "/" + rel; }
  static bool root_user() { return ::geteuid() == 0; }

  TempDir tmp;
  std::string root;
};

TEST_F(Apply, BasicTree) {
  Tar t;
  t.dir("./", 0755).dir("etc/", 0750, 1234).file("etc/hosts", "127.0.0.1 localhost\n", 0640, 0, 0, {}, 4242)
      .dir("usr/").dir("usr/bin/").file("usr/bin/tool", "#!/bin/sh\n", 0755).file("implicit/parent/file", "x");
  auto s = apply(t);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->entries, 7u);
  EXPECT_EQ(s->bytes, 20u + 10u + 1u);
  EXPECT_EQ(content(at("etc/hosts")), "127.0.0.1 localhost\n");
  EXPECT_EQ(lstat_of(at("etc/hosts")).st_mode, S_IFREG | 0640);
  EXPECT_EQ(lstat_of(at("etc/hosts")).st_mtim.tv_sec, 4242);
  // The directory's mtime is the archive's even though files went in later.
  EXPECT_EQ(lstat_of(at("etc")).st_mtim.tv_sec, 1234);
  EXPECT_EQ(lstat_of(at("etc")).st_mode, S_IFDIR | 0750);
  EXPECT_EQ(content(at("implicit/parent/file")), "x");
}

TEST_F(Apply, ReplacesFilesAndMergesDirectories) {
  ASSERT_TRUE(make_dirs(at("d")));
  ASSERT_TRUE(write_file(at("d/lower"), "lower"));
  ASSERT_TRUE(write_file(at("f"), "old"));
  ASSERT_TRUE(make_dirs(at("was_dir/x")));
  Tar t;
  t.dir("d/").file("d/new", "n").file("f", "new").file("was_dir", "now a file");
  ASSERT_TRUE(apply(t));
  EXPECT_EQ(content(at("d/lower")), "lower");
  EXPECT_EQ(content(at("d/new")), "n");
  EXPECT_EQ(content(at("f")), "new");
  EXPECT_EQ(content(at("was_dir")), "now a file");
}

TEST_F(Apply, WhiteoutRemovesLowerFileAndDirectory) {
  ASSERT_TRUE(make_dirs(at("a")));
  ASSERT_TRUE(write_file(at("a/f"), "x"));
  ASSERT_TRUE(write_file(at("a/keep"), "x"));
  ASSERT_TRUE(make_dirs(at("d/x/y")));
  ASSERT_TRUE(write_file(at("d/x/y/z"), "x"));
  Tar t;
  t.whiteout("a/.wh.f").whiteout(".wh.d").whiteout(".wh.never-existed").whiteout("missing/.wh.x");
  auto s = apply(t);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->whiteouts, 4u);
  EXPECT_FALSE(exists(at("a/f")));
  EXPECT_TRUE(exists(at("a/keep")));
  EXPECT_FALSE(exists(at("d")));
  EXPECT_FALSE(exists(at("missing")));
}

TEST_F(Apply, WhiteoutDoesNotHideItsOwnLayer) {
  Tar t;
  t.file("f", "this layer").whiteout(".wh.f");
  ASSERT_TRUE(apply(t));
  EXPECT_EQ(content(at("f")), "this layer");
}

TEST_F(Apply, OpaqueDirectoryKeepsOnlyThisLayer) {
  ASSERT_TRUE(make_dirs(at("o/sub")));
  ASSERT_TRUE(write_file(at("o/old"), "x"));
  ASSERT_TRUE(write_file(at("o/sub/old2"), "x"));
  ASSERT_TRUE(write_file(at("o/sub/kept-name"), "lower"));
  ASSERT_TRUE(write_file(at("sibling"), "x"));
  Tar t;
  // Entries before and after the marker both survive; lower content under
  // a directory this layer re-declares ("o/sub/") is still hidden.
  t.dir("o/").file("o/before", "b").dir("o/sub/").whiteout("o/.wh..wh..opq").file("o/after", "a")
      .file("o/sub/kept-name", "upper");
  auto s = apply(t);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->whiteouts, 1u);
  EXPECT_FALSE(exists(at("o/old")));
  EXPECT_FALSE(exists(at("o/sub/old2")));
  EXPECT_EQ(content(at("o/before")), "b");
  EXPECT_EQ(content(at("o/after")), "a");
  EXPECT_EQ(content(at("o/sub/kept-name")), "upper");
  EXPECT_TRUE(exists(at("sibling")));
}

TEST_F(Apply, OpaqueMarkerFirstAndImplicitParents) {
  ASSERT_TRUE(make_dirs(at("o/deep")));
  ASSERT_TRUE(write_file(at("o/deep/old"), "x"));
  Tar t;
  t.whiteout("o/.wh..wh..opq").file("o/deep/new", "n");
  ASSERT_TRUE(apply(t));
  EXPECT_FALSE(exists(at("o/deep/old")));
  EXPECT_EQ(content(at("o/deep/new")), "n");
}

TEST_F(Apply, Hardlinks) {
  ASSERT_TRUE(make_dirs(at("lower")));
  ASSERT_TRUE(write_file(at("lower/f"), "from below"));
  Tar t;
  t.file("a", "shared").hardlink("b", "a").hardlink("./c", "./lower/f").symlink("s", "a").hardlink("s2", "s");
  auto s = apply(t);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(lstat_of(at("a")).st_ino, lstat_of(at("b")).st_ino);
  EXPECT_EQ(lstat_of(at("a")).st_nlink, 2u);
  EXPECT_EQ(lstat_of(at("c")).st_ino, lstat_of(at("lower/f")).st_ino);
  EXPECT_TRUE(S_ISLNK(lstat_of(at("s2")).st_mode));  // links the symlink, not its target
  EXPECT_EQ(lstat_of(at("s2")).st_ino, lstat_of(at("s")).st_ino);
}

TEST_F(Apply, HardlinkToMissingOrDirectoryNamesTheEntry) {
  ASSERT_TRUE(make_dirs(at("d")));
  Tar t;
  t.hardlink("x", "nope");
  auto r = apply(t);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("layer entry \"x\": hardlink target \"nope\""), std::string::npos)
      << r.error().message();
  Tar t2;
  t2.hardlink("y", "d");
  r = apply(t2);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("is a directory"), std::string::npos);
}

TEST_F(Apply, Symlinks) {
  Tar t;
  t.symlink("abs", "/etc/passwd").symlink("rel", "../x/y");
  ASSERT_TRUE(apply(t));
  char buf[64];
  ssize_t n = ::readlink(at("abs").c_str(), buf, sizeof buf);
  EXPECT_EQ(std::string(buf, n), "/etc/passwd");
  n = ::readlink(at("rel").c_str(), buf, sizeof buf);
  EXPECT_EQ(std::string(buf, n), "../x/y");
}

TEST_F(Apply, OwnersAndSetuidSurviveChown) {
  if (!root_user()) GTEST_SKIP() << "needs root for chown";
  Tar t;
  t.file("suid", "x", 04755, 1000, 1000).file("sgid", "x", 02750, 0, 50).dir("sticky/", 01777);
  ASSERT_TRUE(apply(t));
  EXPECT_EQ(lstat_of(at("suid")).st_mode, S_IFREG | 04755);
  EXPECT_EQ(lstat_of(at("suid")).st_uid, 1000u);
  EXPECT_EQ(lstat_of(at("sgid")).st_mode, S_IFREG | 02750);
  EXPECT_EQ(lstat_of(at("sgid")).st_gid, 50u);
  EXPECT_EQ(lstat_of(at("sticky")).st_mode, S_IFDIR | 01777);
}

TEST_F(Apply, IdOffsetForUserNamespaces) {
  if (!root_user()) GTEST_SKIP() << "needs root for chown";
  Tar t;
  t.file("f", "x", 04755, 1000, 7).symlink("l", "f");
  ApplyOptions o;
  o.uid_offset = 100000;
  o.gid_offset = 200000;
  ASSERT_TRUE(apply(t, o));
  EXPECT_EQ(lstat_of(at("f")).st_uid, 101000u);
  EXPECT_EQ(lstat_of(at("f")).st_gid, 200007u);
  EXPECT_EQ(lstat_of(at("f")).st_mode, S_IFREG | 04755);
  EXPECT_EQ(lstat_of(at("l")).st_uid, 100000u);
}

TEST_F(Apply, Xattrs) {
  if (!root_user()) GTEST_SKIP() << "needs root for trusted.* xattrs";
  Tar t;
  // Capabilities are dropped by chown, so they must be set after it.
  std::string cap("\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 20);
  t.file("f", "x", 0755, 1000, 1000, {{"user.note", "hello"}, {"security.capability", cap}});
  auto s = apply(t);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(xattr(at("f"), "user.note"), "hello");
  EXPECT_EQ(xattr(at("f"), "security.capability"), cap);
}

TEST_F(Apply, DeviceNodesAndFifos) {
  if (!root_user()) GTEST_SKIP() << "needs CAP_MKNOD";
  Tar t;
  t.node("dev/null", AE_IFCHR, 1, 3).node("dev/loop0", AE_IFBLK, 7, 0).node("fifo", AE_IFIFO, 0, 0);
  ASSERT_TRUE(apply(t));
  EXPECT_TRUE(S_ISCHR(lstat_of(at("dev/null")).st_mode));
  EXPECT_EQ(lstat_of(at("dev/null")).st_rdev, makedev(1, 3));
  EXPECT_TRUE(S_ISBLK(lstat_of(at("dev/loop0")).st_mode));
  EXPECT_EQ(lstat_of(at("fifo")).st_mode, S_IFIFO | 0640);
}

TEST_F(Apply, SkipDevicesWhenAsked) {
  Tar t;
  t.node("dev/null", AE_IFCHR, 1, 3).node("fifo", AE_IFIFO, 0, 0);
  ApplyOptions o;
  o.skip_devices = true;
  auto s = apply(t, o);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->skipped, 1u);
  EXPECT_FALSE(exists(at("dev/null")));
  EXPECT_TRUE(exists(at("fifo")));
}

TEST_F(Apply, GzipAndZstd) {
  for (auto c : {Compression::Gzip, Compression::Zstd}) {
    Tar t(c);
    std::string big(300000, 'z');
    t.file("big", big);
    auto s = apply(t);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(content(at("big")), big);
    EXPECT_EQ(s->bytes, big.size());
  }
}

TEST_F(Apply, FromAPipe) {
  Tar t(Compression::Gzip);
  t.file("f", "piped");
  const std::string& bytes = t.bytes();
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  ASSERT_EQ(::write(p[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(p[1]);
  auto s = apply_layer(p[0], root);
  ::close(p[0]);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(content(at("f")), "piped");
}

TEST_F(Apply, OverlayNativeWhiteouts) {
  if (!root_user()) GTEST_SKIP() << "needs root for mknod and trusted.* xattrs";
  Tar t;
  t.dir("o/").whiteout("o/.wh..wh..opq").file("o/new", "n").whiteout("etc/.wh.gone");
  ApplyOptions o;
  o.overlay_whiteouts = true;
  auto s = apply(t, o);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->whiteouts, 2u);
  EXPECT_EQ(xattr(at("o"), "trusted.overlay.opaque"), "y");
  EXPECT_EQ(content(at("o/new")), "n");
  struct stat st = lstat_of(at("etc/gone"));
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(st.st_rdev, makedev(0, 0));
}

TEST_F(Apply, OverlayNativeOutputStacksUnderOverlayfs) {
  if (!root_user()) GTEST_SKIP() << "needs root to mount overlayfs";
  std::string lower = tmp / "lower", merged = tmp / "merged";
  ASSERT_TRUE(make_dirs(lower + "/o"));
  ASSERT_TRUE(make_dirs(lower + "/etc"));
  ASSERT_TRUE(make_dirs(merged));
  ASSERT_TRUE(write_file(lower + "/o/old", "x"));
  ASSERT_TRUE(write_file(lower + "/etc/gone", "x"));
  ASSERT_TRUE(write_file(lower + "/etc/stays", "x"));
  Tar t;
  t.dir("o/").whiteout("o/.wh..wh..opq").file("o/new", "n").dir("etc/").whiteout("etc/.wh.gone");
  ApplyOptions o;
  o.overlay_whiteouts = true;
  ASSERT_TRUE(apply(t, o));
  std::string opts = "lowerdir=" + root + ":" + lower;
  if (::mount("overlay", merged.c_str(), "overlay", MS_RDONLY, opts.c_str()) < 0)
    GTEST_SKIP() << "overlayfs mount failed: " << strerror(errno);
  bool old = exists(merged + "/o/old"), gone = exists(merged + "/etc/gone");
  std::string fresh = content(merged + "/o/new");
  bool stays = exists(merged + "/etc/stays");
  ::umount2(merged.c_str(), MNT_DETACH);
  EXPECT_FALSE(old);
  EXPECT_FALSE(gone);
  EXPECT_TRUE(stays);
  EXPECT_EQ(fresh, "n");
}

TEST_F(Apply, TruncatedArchiveNamesTheEntry) {
  Tar t;
  t.file("first", "ok").file("second", std::string(100000, 'x'));
  std::string bytes = t.bytes();
  bytes.resize(bytes.size() / 2);
  ASSERT_TRUE(write_file(tmp / "cut.tar", bytes));
  auto r = apply_layer(tmp / "cut.tar", root);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::InvalidArgument);
  EXPECT_NE(r.error().message().find("layer entry \"second\": reading data"), std::string::npos)
      << r.error().message();
}

TEST_F(Apply, GarbageIsRefused) {
  ASSERT_TRUE(write_file(tmp / "junk", std::string(4096, '\x7f')));
  auto r = apply_layer(tmp / "junk", root);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("reading layer"), std::string::npos) << r.error().message();
}

}  // namespace hako::layer
