#include "engine/spec/users.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "base/files.h"

namespace hako::engine {
namespace {

using Gids = std::vector<uint32_t>;

const char* kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "  \n"
    "app:x:1000:1001:App:/home/app:/bin/sh\n"
    "dup:x:2000:2000::/a:/bin/sh\n"
    "dup:x:2001:2001::/b:/bin/sh\n"
    "broken:x:notanumber\n";
const char* kGroup =
    "root:x:0:root\n"
    "# a comment\n"
    "wheel:x:10:root,app\n"
    "appgrp:x:1001:\n"
    "docker:x:999:app\n"
    "staff:x:50:\n";

class RootfsUsers : public ::testing::Test {
 protected:
  void SetUp() override {
    char t[] = "/tmp/hako-users-XXXXXX";
    root_ = mkdtemp(t);
    ASSERT_TRUE(make_dirs(root_ + "/etc"));
    ASSERT_TRUE(write_file(root_ + "/etc/passwd", kPasswd));
    ASSERT_TRUE(write_file(root_ + "/etc/group", kGroup));
  }
  void TearDown() override { (void)remove_tree(root_); }
  Result<ExecUser> lookup(const std::string& spec) { return lookup_user_in_rootfs(root_, spec); }
  std::string root_;
};

TEST_F(RootfsUsers, ByName) {
  auto u = lookup("app");
  ASSERT_TRUE(u) << u.error().message();
  EXPECT_EQ(u->uid, 1000u);
  EXPECT_EQ(u->gid, 1001u);
  EXPECT_EQ(u->sgids, (Gids{10, 999}));
  EXPECT_EQ(u->home, "/home/app");
}

TEST_F(RootfsUsers, EmptyIsRoot) {
  auto u = lookup("");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->uid, 0u);
  EXPECT_EQ(u->gid, 0u);
  EXPECT_EQ(u->sgids, (Gids{0, 10}));
  EXPECT_EQ(u->home, "/root");
}

TEST_F(RootfsUsers, NumericUsesPasswdWhenPresent) {
  auto u = lookup("1000");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->gid, 1001u);  // from passwd
  EXPECT_EQ(u->sgids, (Gids{10, 999}));
  auto unknown = lookup("4242");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->uid, 4242u);
  EXPECT_EQ(unknown->gid, 0u);
  EXPECT_TRUE(unknown->sgids.empty());
}

TEST_F(RootfsUsers, ExplicitGroup) {
  auto u = lookup("app:staff");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->uid, 1000u);
  EXPECT_EQ(u->gid, 50u);
  EXPECT_TRUE(u->sgids.empty());  // an explicit group drops the supplementary ones
  u = lookup("app:777");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->gid, 777u);
  u = lookup("1234:999");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->uid, 1234u);
  EXPECT_EQ(u->gid, 999u);
}

TEST_F(RootfsUsers, FirstMatchWins) {
  auto u = lookup("dup");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->uid, 2000u);
}

TEST_F(RootfsUsers, Missing) {
  EXPECT_EQ(lookup("nobody").error().message(), "unable to find user nobody: no matching entries in passwd file");
  EXPECT_EQ(lookup("app:nogroup").error().message(),
            "unable to find group nogroup: no matching entries in group file");
  EXPECT_EQ(lookup("-1").error().message(), "uids and gids must be in range 0-2147483647");
  EXPECT_EQ(lookup("0:3000000000").error().message(), "uids and gids must be in range 0-2147483647");
}

TEST_F(RootfsUsers, SymlinksStayInsideTheRootfs) {
  // /etc/passwd -> /etc/host-passwd must resolve inside the rootfs.
  ASSERT_TRUE(write_file(root_ + "/etc/host-passwd", "evil:x:4444:4444::/:/bin/sh\n"));
  ::unlink((root_ + "/etc/passwd").c_str());
  ASSERT_EQ(::symlink("/etc/host-passwd", (root_ + "/etc/passwd").c_str()), 0);
  auto u = lookup("evil");
  ASSERT_TRUE(u) << u.error().message();
  EXPECT_EQ(u->uid, 4444u);
  EXPECT_FALSE(lookup("root"));  // the host's root entry is not visible
}

TEST(Users, NoFiles) {
  char t[] = "/tmp/hako-users-empty-XXXXXX";
  std::string root = mkdtemp(t);
  auto u = lookup_user_in_rootfs(root, "1000:1000");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->uid, 1000u);
  EXPECT_EQ(u->gid, 1000u);
  auto r = lookup_user_in_rootfs(root, "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->uid, 0u);
  EXPECT_EQ(lookup_user_in_rootfs(root, "app").error().message(),
            "unable to find user app: no matching entries in passwd file");
  EXPECT_EQ(lookup_user_in_rootfs(root, "0:wheel").error().message(),
            "unable to find group wheel: no matching entries in group file");
  ::rmdir(root.c_str());
  EXPECT_FALSE(lookup_user_in_rootfs(root, "0"));  // the rootfs itself must exist
}

TEST(Users, PureLookup) {
  auto u = lookup_exec_user("app", std::string_view(kPasswd), std::nullopt);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->gid, 1001u);
  EXPECT_TRUE(u->sgids.empty());  // no group file
}

}  // namespace
}  // namespace hako::engine
