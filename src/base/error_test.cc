#include "base/error.h"

#include <gtest/gtest.h>

namespace hako {

static Result<int> fails() { return fail_sys("mkdir /x", EACCES); }
static Result<int> wraps() {
  TRY_CTX(fails(), "creating cgroup");
  return 1;
}

TEST(Error, ContextIsPrependedAndKindKept) {
  auto r = wraps();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "creating cgroup: mkdir /x: Permission denied");
  EXPECT_EQ(r.error().kind(), ErrorKind::PermissionDenied);
  EXPECT_EQ(r.error().sys_errno(), EACCES);
}

TEST(Error, KindForErrno) {
  EXPECT_EQ(kind_for_errno(ENOENT), ErrorKind::NotFound);
  EXPECT_EQ(kind_for_errno(EEXIST), ErrorKind::AlreadyExists);
  EXPECT_EQ(kind_for_errno(EBUSY), ErrorKind::Conflict);
}

}  // namespace hako
