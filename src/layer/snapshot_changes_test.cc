#include "layer/snapshot_changes.h"

#include <gtest/gtest.h>
#include <sys/sysmacros.h>

#include "layer/test_util.h"
#include "store/digest.h"

namespace hako::layer {
using namespace testing;
namespace {

bool root_user() { return ::geteuid() == 0; }

std::string lines(const std::vector<Change>& changes) {
  std::string out;
  for (const auto& c : changes) out += fmt::format("{} {}\n", change_letter(c.kind), c.path);
  return out;
}

// An image of two layers: the base has etc/a, etc/b, etc/gone, bin/sh and
// dir/old; the top deletes etc/gone and makes dir opaque with dir/new.
std::vector<std::string> unpack_image(Snapshots& s, const TempDir& tmp) {
  Tar base, top;
  base.dir("etc").file("etc/a", "one").file("etc/b", "b").file("etc/gone", "x").dir("bin").file("bin/sh", "sh");
  base.dir("dir").file("dir/old", "o");
  top.dir("etc").whiteout("etc/.wh.gone").dir("dir").whiteout("dir/.wh..wh..opq").file("dir/new", "n");
  EXPECT_TRUE(s.unpack("sha256:aaaa", std::nullopt, base.save(tmp / "base.tar"), std::nullopt));
  EXPECT_TRUE(s.unpack("sha256:bbbb", "sha256:aaaa", top.save(tmp / "top.tar"), std::nullopt));
  return {"sha256:aaaa", "sha256:bbbb"};
}

// What a container does: change, delete, add, and bring back what the
// image deleted or hid (so it is new, not changed).
void change_rootfs(const std::string& rootfs) {
  ASSERT_TRUE(write_file(rootfs + "/etc/a", "changed!"));
  ASSERT_EQ(::unlink((rootfs + "/etc/b").c_str()), 0);
  ASSERT_TRUE(write_file(rootfs + "/etc/new", "n"));
  ASSERT_TRUE(write_file(rootfs + "/etc/gone", "back"));
  ASSERT_TRUE(write_file(rootfs + "/dir/old", "back"));
  ASSERT_TRUE(make_dirs(rootfs + "/newdir"));
  ASSERT_TRUE(write_file(rootfs + "/newdir/f", "f"));
}

const char* kExpected =
    "C /dir\n"
    "A /dir/old\n"
    "C /etc\n"
    "C /etc/a\n"
    "D /etc/b\n"
    "A /etc/gone\n"
    "A /etc/new\n"
    "A /newdir\n"
    "A /newdir/f\n";

TEST(DiffChanges, VfsComparesTheCopyWithTheTopLayer) {
  if (!root_user()) GTEST_SKIP() << "unpacking owners needs root";
  TempDir tmp;
  auto s = Snapshots::open(tmp / "store", Driver::Vfs);
  ASSERT_TRUE(s) << s.error().message();
  auto layers = unpack_image(*s, tmp);
  ASSERT_TRUE(s->prepare("c1", layers));
  auto none = snapshot_changes(*s, "c1", layers);
  ASSERT_TRUE(none) << none.error().message();
  EXPECT_EQ(lines(*none), "");
  change_rootfs(s->changes_dir("c1"));
  auto changes = snapshot_changes(*s, "c1", layers);
  ASSERT_TRUE(changes) << changes.error().message();
  EXPECT_EQ(lines(*changes), kExpected);
}

TEST(DiffChanges, OverlayReadsTheUpperDirAgainstTheLayers) {
  if (!root_user()) GTEST_SKIP() << "overlay mounts need root";
  if (!overlay_works(TempDir() / "probe")) GTEST_SKIP() << "overlayfs cannot be mounted here";
  TempDir tmp;
  auto s = Snapshots::open(tmp / "store", Driver::Overlay);
  ASSERT_TRUE(s) << s.error().message();
  auto layers = unpack_image(*s, tmp);
  ASSERT_TRUE(s->prepare("c1", layers));
  auto rootfs = s->mount("c1", layers);
  ASSERT_TRUE(rootfs) << rootfs.error().message();
  change_rootfs(*rootfs);
  ASSERT_TRUE(s->unmount("c1"));
  auto changes = snapshot_changes(*s, "c1", layers);
  ASSERT_TRUE(changes) << changes.error().message();
  EXPECT_EQ(lines(*changes), kExpected);
}

TEST(DiffChanges, VisibilityStacksLikeOverlayfs) {
  if (!root_user()) GTEST_SKIP() << "whiteout devices need root";
  TempDir tmp;
  std::string lower = tmp / "lower", upper = tmp / "upper";
  ASSERT_TRUE(make_dirs(lower + "/d/sub"));
  ASSERT_TRUE(write_file(lower + "/d/sub/x", "x"));
  ASSERT_TRUE(write_file(lower + "/f", "f"));
  ASSERT_TRUE(make_dirs(lower + "/o"));
  ASSERT_TRUE(write_file(lower + "/o/kept", "k"));
  ASSERT_TRUE(make_dirs(upper + "/o"));
  ASSERT_EQ(::mknod((upper + "/f").c_str(), S_IFCHR, makedev(0, 0)), 0);  // deleted above
  ASSERT_TRUE(write_file(upper + "/d", "a file now"));                    // hides d/ below
  ASSERT_EQ(::setxattr((upper + "/o").c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);
  std::vector<std::string> both = {upper, lower};
  auto visible = [&](const std::string& p) { return visible_in_layers(both, p).value_or(true); };
  EXPECT_FALSE(visible("f"));
  EXPECT_FALSE(visible("d/sub/x"));
  EXPECT_FALSE(visible("o/kept"));
  EXPECT_TRUE(visible("o"));
  EXPECT_FALSE(visible("missing"));
  EXPECT_TRUE(visible_in_layers({lower}, "d/sub/x").value_or(false));
}

}  // namespace
}  // namespace hako::layer
