#include "engine/copy_paths.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/fd.h"
#include "base/files.h"

namespace hako::engine::cp {
namespace {

using Pair = std::pair<std::string, std::string>;

TEST(CopyPaths, AContainerIsNamedBeforeAColonUnlessThePathIsExplicitlyLocal) {
  EXPECT_EQ(split_arg("web:/etc"), Pair("web", "/etc"));
  EXPECT_EQ(split_arg("web:etc/x"), Pair("web", "etc/x"));
  EXPECT_EQ(split_arg("web:"), Pair("web", ""));
  EXPECT_EQ(split_arg("/abs/a:b"), Pair("", "/abs/a:b"));
  EXPECT_EQ(split_arg("./a:b"), Pair("", "./a:b"));
  EXPECT_EQ(split_arg("plain"), Pair("", "plain"));
  EXPECT_EQ(split_arg("-"), Pair("", "-"));
}

TEST(CopyPaths, CleanBaseAndDirAreGos) {
  EXPECT_EQ(clean(""), ".");
  EXPECT_EQ(clean("/"), "/");
  EXPECT_EQ(clean("/../../x"), "/x");
  EXPECT_EQ(clean("a/../.."), "..");
  EXPECT_EQ(clean("//a//b/./c/.."), "/a/b");
  EXPECT_EQ(base_name("/etc/"), "etc");
  EXPECT_EQ(base_name("/etc/."), ".");
  EXPECT_EQ(base_name("/"), "/");
  EXPECT_EQ(base_name(""), ".");
  EXPECT_EQ(dir_name("/a/b/"), "/a/b");
  EXPECT_EQ(dir_name("/a"), "/");
  EXPECT_EQ(dir_name("a"), ".");
  EXPECT_EQ(split("/a/b"), Pair("/a/", "b"));
  EXPECT_EQ(split("/a/b/"), Pair("/a/b/", ""));
  EXPECT_EQ(split("/a/."), Pair("/a/", "."));
}

TEST(CopyPaths, TrailingSlashAndDotSurviveCleaning) {
  EXPECT_EQ(container_abs("etc/"), "/etc/");
  EXPECT_EQ(container_abs("../../etc/."), "/etc/.");
  EXPECT_EQ(container_abs("a/../../../b"), "/b");
  EXPECT_EQ(container_abs("/"), "/");
  EXPECT_EQ(container_abs("."), "/.");
  EXPECT_EQ(container_abs("/etc//passwd"), "/etc/passwd");
  EXPECT_TRUE(asserts_directory("/x/"));
  EXPECT_TRUE(asserts_directory("/x/."));
  EXPECT_FALSE(asserts_directory("/x"));
  EXPECT_EQ(split_dir_entry("/a/b"), Pair("/a", "b"));
  EXPECT_EQ(split_dir_entry("/a/b/"), Pair("/a", "b"));
  EXPECT_EQ(split_dir_entry("/a/b/."), Pair("/a/b", "."));
}

TEST(CopyPaths, AFollowedLinkKeepsItsNameAndTrailingMarks) {
  EXPECT_EQ(rebase_name("/link", "/etc"), Pair("/etc", "link"));
  EXPECT_EQ(rebase_name("/link/", "/etc"), Pair("/etc/", "link"));
  EXPECT_EQ(rebase_name("/link/.", "/etc"), Pair("/etc/.", ""));
  EXPECT_EQ(rebase_name("/etc", "/etc"), Pair("/etc", ""));
}

Placement placed(const Info& src, const Info& dst) {
  auto p = place(src, dst);
  EXPECT_TRUE(p) << p.error().message();
  return p.value_or(Placement{"<error>", ""});
}

TEST(CopyPaths, WhereASourceLandsFollowsDockersTable) {
  Info file{"/src/f", true, false, ""}, dir{"/src/d", true, true, ""};
  Info missing{"/x/new", false, false, ""}, missing_dir{"/x/new/", false, false, ""};
  Info existing_file{"/x/f", true, false, ""}, existing_dir{"/x/e", true, true, ""};

  auto eq = [](const Placement& p, const std::string& dir, const std::string& top) {
    EXPECT_EQ(p.dir, dir);
    EXPECT_EQ(p.top, top);
  };
  eq(placed(file, missing), "/x", "new");       // a file created at DEST
  eq(placed(file, existing_file), "/x", "f");   // overwritten
  eq(placed(file, existing_dir), "/x/e", "f");  // copied into it under its own name
  eq(placed(dir, missing), "/x", "new");        // DEST made, with SRC's contents
  eq(placed(dir, missing_dir), "/x", "new");
  eq(placed(dir, existing_dir), "/x/e", "d");                                  // SRC copied into DEST
  eq(placed(Info{"/src/d/.", true, true, ""}, existing_dir), "/x/e", ".");     // SRC's contents into DEST
  eq(placed(Info{"/etc", true, true, "link"}, existing_dir), "/x/e", "link");  // -L keeps the link's name
  eq(placed(Info{"/", true, true, ""}, existing_dir), "/x/e", ".");

  auto no_dir = place(file, missing_dir);
  ASSERT_FALSE(no_dir);
  EXPECT_EQ(no_dir.error().message(), "no such directory");
  auto onto_file = place(dir, existing_file);
  ASSERT_FALSE(onto_file);
  EXPECT_EQ(onto_file.error().message(), "cannot copy directory");
}

class CopyRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hako-copy-XXXXXX";
    path_ = ::mkdtemp(tmpl);
    ASSERT_TRUE(make_dirs(path_ + "/etc"));
    ASSERT_TRUE(make_dirs(path_ + "/a/b"));
    ASSERT_TRUE(write_file(path_ + "/etc/hostname", "inside\n"));
    ASSERT_EQ(::symlink("/etc", (path_ + "/link").c_str()), 0);
    ASSERT_EQ(::symlink("../../../etc", (path_ + "/a/b/rel").c_str()), 0);
    ASSERT_EQ(::symlink("../../../../../../..", (path_ + "/up").c_str()), 0);
    ASSERT_EQ(::symlink("loop", (path_ + "/loop").c_str()), 0);
    ASSERT_EQ(::symlink("/nowhere/file", (path_ + "/dangling").c_str()), 0);
    fd_.reset(::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  }
  void TearDown() override { (void)remove_tree(path_); }
  std::string follow(const std::string& p) {
    auto r = follow_in_root(fd_.get(), p);
    return r ? *r : "error: " + r.error().message();
  }
  std::string path_;
  UniqueFd fd_;
};

TEST_F(CopyRoot, SymlinksResolveInsideTheRoot) {
  EXPECT_EQ(follow("/link/hostname"), "/etc/hostname");
  EXPECT_EQ(follow("/link"), "/etc");
  EXPECT_EQ(follow("/a/b/rel/hostname"), "/etc/hostname");  // ".." past the root stops there
  EXPECT_EQ(follow("/up/etc"), "/etc");
  EXPECT_EQ(follow("/up/tmp"), "/tmp");  // the host's /tmp is never meant
  EXPECT_EQ(follow("/dangling"), "/nowhere/file");
  EXPECT_EQ(follow("/missing/x/.."), "/missing");
  EXPECT_EQ(follow("/etc/../link/.."), "/");
  EXPECT_EQ(follow("/"), "/");
  EXPECT_EQ(follow("/loop").rfind("error: too many links", 0), 0u) << follow("/loop");
}

}  // namespace
}  // namespace hako::engine::cp
