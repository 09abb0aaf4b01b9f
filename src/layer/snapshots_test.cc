#include "layer/snapshots.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include "layer/copy_tree.h"
#include "base/fd.h"
#include "layer/test_util.h"
#include "layer/tree.h"
#include "store/digest.h"

namespace hako::layer {
using namespace testing;

namespace {

bool root_user() { return ::geteuid() == 0; }

// A two-layer image: the base has etc/a, etc/gone and dir/old; the top
// changes etc/a, deletes etc/gone and makes dir opaque with dir/new.
struct TwoLayers {
  std::string base, top, base_diff, top_diff;
};

TwoLayers make_layers(const TempDir& tmp) {
  Tar base, top;
  base.dir("etc").file("etc/a", "one").file("etc/gone", "x").dir("dir").file("dir/old", "o");
  top.file("etc/a", "two").whiteout("etc/.wh.gone").dir("dir").whiteout("dir/.wh..wh..opq").file("dir/new", "n");
  TwoLayers l;
  l.base_diff = store::sha256_of(base.bytes()).to_string();
  l.top_diff = store::sha256_of(top.bytes()).to_string();
  l.base = base.save(tmp / "base.tar");
  l.top = top.save(tmp / "top.tar");
  return l;
}

void check_rootfs(const std::string& rootfs) {
  EXPECT_EQ(content(rootfs + "/etc/a"), "two");
  EXPECT_FALSE(exists(rootfs + "/etc/gone"));
  EXPECT_FALSE(exists(rootfs + "/dir/old"));
  EXPECT_EQ(content(rootfs + "/dir/new"), "n");
}

void round_trip(Driver d) {
  TempDir tmp;
  auto s = Snapshots::open(tmp / "store", d);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->driver(), d);
  auto l = make_layers(tmp);
  auto a = s->unpack("sha256:aaaa", std::nullopt, l.base, l.base_diff);
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(a->diff_id, l.base_diff);
  auto b = s->unpack("sha256:bbbb", "sha256:aaaa", l.top, l.top_diff);
  ASSERT_TRUE(b) << b.error().message();

  std::vector<std::string> layers = {"sha256:aaaa", "sha256:bbbb"};
  ASSERT_TRUE(s->prepare("c1", layers));
  EXPECT_EQ(s->prepare("c1", layers).error().kind(), ErrorKind::AlreadyExists);
  auto rootfs = s->mount("c1", layers);
  ASSERT_TRUE(rootfs) << rootfs.error().message();
  check_rootfs(*rootfs);
  // Writes land in the container's own layer, never in a shared one.
  ASSERT_TRUE(write_file(*rootfs + "/etc/a", "mine"));
  EXPECT_EQ(content(s->changes_dir("c1") + "/etc/a"), "mine");
  if (d == Driver::Overlay) EXPECT_EQ(content(s->layer_dir("sha256:bbbb") + "/etc/a"), "two");
  ASSERT_TRUE(s->remove("c1"));
  EXPECT_FALSE(exists(s->snapshot_dir("c1")));
  ASSERT_TRUE(s->remove_layer("sha256:bbbb"));
  EXPECT_FALSE(s->has_layer("sha256:bbbb"));
}

}  // namespace

TEST(Snapshots, OverlayStacksLayersUnderAWritableUpper) {
  if (!root_user()) GTEST_SKIP() << "overlay mounts need root";
  if (!overlay_works(TempDir() / "probe")) GTEST_SKIP() << "overlayfs cannot be mounted here";
  round_trip(Driver::Overlay);
}

TEST(Snapshots, VfsCopiesWhereOverlayIsUnavailable) {
  if (!root_user()) GTEST_SKIP() << "unpacking owners and devices needs root";
  round_trip(Driver::Vfs);
}

TEST(Snapshots, TheDriverIsFixedOnceChosen) {
  TempDir tmp;
  ASSERT_TRUE(Snapshots::open(tmp / "store", Driver::Vfs));
  auto again = Snapshots::open(tmp / "store");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->driver(), Driver::Vfs);
  auto other = Snapshots::open(tmp / "store", Driver::Overlay);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind(), ErrorKind::Conflict);
}

TEST(Snapshots, AWrongDiffIdKeepsNothing) {
  TempDir tmp;
  auto s = Snapshots::open(tmp / "store", Driver::Vfs);
  ASSERT_TRUE(s);
  auto l = make_layers(tmp);
  auto r = s->unpack("sha256:aaaa", std::nullopt, l.base, l.top_diff);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("uncompressed content has digest"), std::string::npos) << r.error().message();
  EXPECT_FALSE(s->has_layer("sha256:aaaa"));
  UniqueFd dir(::open((tmp / "store/layers").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  auto left = list_dir(dir.get());
  ASSERT_TRUE(left);
  EXPECT_TRUE(left->empty()) << left->front();
}

TEST(CopyTree, KeepsTypesModesOwnersTimesAndHardlinks) {
  if (!root_user()) GTEST_SKIP() << "owners and devices need root";
  TempDir tmp;
  std::string from = tmp / "from", to = tmp / "to";
  ASSERT_TRUE(make_dirs(from + "/d"));
  ASSERT_TRUE(make_dirs(to));
  ASSERT_TRUE(write_file(from + "/d/f", "data"));
  ASSERT_EQ(::chown((from + "/d/f").c_str(), 123, 456), 0);
  ASSERT_EQ(::chmod((from + "/d/f").c_str(), 04755), 0);
  ASSERT_EQ(::link((from + "/d/f").c_str(), (from + "/hard").c_str()), 0);
  ASSERT_EQ(::symlink("../d/f", (from + "/d/link").c_str()), 0);
  ASSERT_EQ(::mkfifo((from + "/fifo").c_str(), 0600), 0);
  ASSERT_EQ(::lsetxattr((from + "/d/f").c_str(), "user.k", "v", 1, 0), 0);
  struct timespec t[2] = {{1000, 5}, {2000, 7}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (from + "/d").c_str(), t, 0), 0);

  ASSERT_TRUE(copy_tree(from, to));
  struct stat f = lstat_of(to + "/d/f"), h = lstat_of(to + "/hard");
  EXPECT_EQ(f.st_mode, S_IFREG | 04755);
  EXPECT_EQ(f.st_uid, 123u);
  EXPECT_EQ(f.st_gid, 456u);
  EXPECT_EQ(f.st_ino, h.st_ino);
  EXPECT_EQ(content(to + "/hard"), "data");
  char buf[8] = {};
  EXPECT_EQ(::lgetxattr((to + "/d/f").c_str(), "user.k", buf, sizeof buf), 1);
  EXPECT_TRUE(S_ISLNK(lstat_of(to + "/d/link").st_mode));
  EXPECT_TRUE(S_ISFIFO(lstat_of(to + "/fifo").st_mode));
  EXPECT_EQ(lstat_of(to + "/d").st_mtim.tv_sec, 2000);
  EXPECT_EQ(lstat_of(to + "/d").st_mtim.tv_nsec, 7);
}

}  // namespace hako::layer
