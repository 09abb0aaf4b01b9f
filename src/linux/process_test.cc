#include "linux/process.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace hako::linux {

TEST(Process, FindExecutableUsesPathFromEnv) {
  auto p = find_executable("sh", {"PATH=/nonexistent:/bin"});
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, "/bin/sh");
  auto missing = find_executable("no-such-binary-hako", {"PATH=/bin"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "exec: \"no-such-binary-hako\": executable file not found in $PATH");
}

TEST(Process, StartTimeOfSelf) {
  EXPECT_TRUE(process_start_time(getpid()));
  EXPECT_TRUE(process_alive(getpid()));
  EXPECT_FALSE(process_alive(999999999));
}

TEST(Process, RlimitNames) {
  EXPECT_TRUE(rlimit_from_name("RLIMIT_NOFILE"));
  EXPECT_FALSE(rlimit_from_name("RLIMIT_BOGUS"));
}

}  // namespace hako::linux
