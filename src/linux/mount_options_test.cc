#include "linux/mount_options.h"

#include <gtest/gtest.h>
#include <linux/mount.h>
#include <sys/mount.h>

namespace hako::linux {

TEST(MountOptions, FlagsPropagationAndData) {
  auto m = parse_mount_options({"nosuid", "noexec", "mode=755", "size=65536k", "rslave", "ro"});
  EXPECT_EQ(m.flags, MS_NOSUID | MS_NOEXEC | MS_RDONLY);
  EXPECT_EQ(m.propagation, MS_SLAVE | MS_REC);
  EXPECT_EQ(m.data, "mode=755,size=65536k");
}

TEST(MountOptions, LaterOptionWins) {
  auto m = parse_mount_options({"ro", "rw"});
  EXPECT_EQ(m.flags & MS_RDONLY, 0u);
  EXPECT_TRUE(m.clear & MS_RDONLY);
}

TEST(MountOptions, RecursiveBindAndAttrs) {
  auto m = parse_mount_options({"rbind", "rro", "rnosuid"});
  EXPECT_TRUE(m.recursive_bind());
  EXPECT_EQ(m.attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID);
}

}  // namespace hako::linux
