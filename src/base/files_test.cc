#include "base/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hako {

TEST(Files, AtomicWriteThenRead) {
  char tmpl[] = "/tmp/hako-files-XXXXXX";
  ASSERT_TRUE(mkdtemp(tmpl));
  std::string dir = tmpl;
  ASSERT_TRUE(write_file_atomic(dir + "/f", "hello"));
  EXPECT_EQ(*read_file(dir + "/f"), "hello");
  EXPECT_FALSE(path_exists(dir + "/f.tmp"));
  ASSERT_TRUE(make_dirs(dir + "/a/b/c"));
  ASSERT_TRUE(write_file(dir + "/a/b/c/g", "x"));
  ASSERT_EQ(symlink("/etc", (dir + "/a/link").c_str()), 0);
  ASSERT_TRUE(remove_tree(dir));
  EXPECT_FALSE(path_exists(dir));
  EXPECT_TRUE(path_exists("/etc/hostname"));  // the symlink was not followed
}

TEST(Files, ReadMissingNamesThePath) {
  auto r = read_file("/nonexistent/hako");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("/nonexistent/hako"), std::string::npos);
  EXPECT_EQ(r.error().kind(), ErrorKind::NotFound);
}

}  // namespace hako

TEST(Files, TreeSizeCountsHardlinksOnce) {
  char tmpl[] = "/tmp/hako-tree-size-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  ASSERT_TRUE(hako::make_dirs(dir + "/sub"));
  ASSERT_TRUE(hako::write_file(dir + "/a", std::string(1000, 'a')));
  ASSERT_TRUE(hako::write_file(dir + "/sub/b", std::string(24, 'b')));
  ASSERT_EQ(::link((dir + "/a").c_str(), (dir + "/sub/a-again").c_str()), 0);
  EXPECT_EQ(*hako::tree_size(dir), 1024);
  EXPECT_EQ(*hako::tree_size(dir + "/missing"), 0);
  ASSERT_TRUE(hako::remove_tree(dir));
}
