#include "linux/safe_path.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/files.h"

namespace hako::linux {
namespace {

struct Root {
  std::string dir;
  UniqueFd fd;
  Root() {
    char tmpl[] = "/tmp/hako-saferoot-XXXXXX";
    dir = mkdtemp(tmpl);
    fd.reset(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  }
  ~Root() { (void)remove_tree(dir); }
};

TEST(SafePath, CreatesMissingParentsInside) {
  Root r;
  auto fd = open_in_root(r.fd.get(), "/a/b/c", Create::Directory);
  ASSERT_TRUE(fd) << fd.error().message();
  EXPECT_TRUE(path_exists(r.dir + "/a/b/c"));
  ASSERT_TRUE(open_in_root(r.fd.get(), "/a/file", Create::File));
  struct stat st;
  ASSERT_EQ(::stat((r.dir + "/a/file").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
}

TEST(SafePath, AbsoluteSymlinkStaysInsideAndIsCreatedThere) {
  Root r;
  std::string outside = fmt::format("/tmp/hako-outside-{}", getpid());
  ASSERT_EQ(::symlink(outside.c_str(), (r.dir + "/evil").c_str()), 0);
  auto fd = open_in_root(r.fd.get(), "/evil", Create::Directory);
  ASSERT_TRUE(fd) << fd.error().message();
  EXPECT_FALSE(path_exists(outside));                 // never on the host
  EXPECT_TRUE(path_exists(r.dir + outside));          // but inside the root
}

TEST(SafePath, DotDotCannotClimbOut) {
  Root r;
  ASSERT_EQ(::symlink("../../../../etc", (r.dir + "/up").c_str()), 0);
  auto fd = open_in_root(r.fd.get(), "/up/passwd", Create::Nothing);
  // /etc/passwd exists on the host; inside this empty root it does not.
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().kind(), ErrorKind::NotFound);
}

}  // namespace
}  // namespace hako::linux
