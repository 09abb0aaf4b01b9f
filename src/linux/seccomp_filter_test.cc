#include "linux/seccomp_filter.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "base/files.h"

namespace hako::linux {
namespace {

// A profile that allows everything but getppid, which fails with EPERM.
Json deny_getppid() {
  return Json::parse(R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
    "syscalls":[{"names":["getppid"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]})");
}

// Loads `f` in a child (with no_new_privs, as the runtime's process has
// or CAP_SYS_ADMIN) and returns what getppid() then gives: -EPERM or a pid.
int getppid_under(const SeccompFilter& f) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (!f.load()) ::_exit(100);
    long r = ::syscall(SYS_getppid);
    ::_exit(r < 0 && errno == EPERM ? 1 : 0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WEXITSTATUS(status);
}

class SeccompCache : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hako-seccomp-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { (void)remove_tree(dir_); }
  std::string dir_;
};

TEST_F(SeccompCache, AHitLoadsTheSameFilter) {
  auto first = SeccompFilter::compile_cached(deny_getppid(), dir_ + "/cache");
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(getppid_under(**first), 1);
  // Now served from the file the first call wrote.
  auto second = SeccompFilter::compile_cached(deny_getppid(), dir_ + "/cache");
  ASSERT_TRUE(second);
  EXPECT_EQ(getppid_under(**second), 1);
  // A different profile is compiled anew, not taken from the cache.
  Json allow = deny_getppid();
  allow["syscalls"][0]["names"] = {"getpgid"};
  auto other = SeccompFilter::compile_cached(allow, dir_ + "/cache");
  ASSERT_TRUE(other);
  EXPECT_EQ(getppid_under(**other), 0);
  EXPECT_FALSE(SeccompFilter::compile_cached(Json(), dir_ + "/cache").value());
}

TEST_F(SeccompCache, ACorruptEntryIsIgnored) {
  ASSERT_TRUE(SeccompFilter::compile_cached(deny_getppid(), dir_));
  // Truncate every entry: the next call must compile again, correctly.
  std::string cmd = "for f in " + dir_ + "/*.bpf; do head -c 20 $f > $f.t && mv $f.t $f; done";
  ASSERT_EQ(::system(cmd.c_str()), 0);
  auto again = SeccompFilter::compile_cached(deny_getppid(), dir_);
  ASSERT_TRUE(again);
  EXPECT_EQ(getppid_under(**again), 1);
}

}  // namespace
}  // namespace hako::linux
