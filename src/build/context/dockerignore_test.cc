#include "build/context/dockerignore.h"

#include <gtest/gtest.h>

namespace hako::build {
namespace {

IgnoreMatcher must_parse(std::string_view text) {
  auto m = IgnoreMatcher::parse(text);
  EXPECT_TRUE(m) << text << ": " << (m ? "" : m.error().message());
  return m ? std::move(*m) : IgnoreMatcher();
}

struct MatchCase {
  const char* dockerignore;
  const char* path;
  bool excluded;
};

// The rules of Docker's "dockerignore file" docs and patternmatcher's tests.
const MatchCase kCases[] = {
    // */temp*: one level down only
    {"*/temp*", "somedir/temporary.txt", true},
    {"*/temp*", "somedir/temp", true},
    {"*/temp*", "temp", false},
    {"*/temp*", "a/b/temp", false},
    {"*/temp*", "somedir/temp/inner", true},  // through the parent
    // */*/temp*: two levels down
    {"*/*/temp*", "somedir/subdir/temporary.txt", true},
    {"*/*/temp*", "somedir/temporary.txt", false},
    // temp?: one char
    {"temp?", "tempa", true},
    {"temp?", "tempb", true},
    {"temp?", "temp", false},
    {"temp?", "tempab", false},
    {"temp?", "dir/tempa", false},
    // ** matches any number of directories
    {"**/*.go", "main.go", true},
    {"**/*.go", "a/b/c/main.go", true},
    {"**/*.go", "main.gox", false},
    {"**/foo", "foo", true},
    {"**/foo", "a/b/foo", true},
    {"**/foo", "a/xfoo", false},
    {"**/foo", "a/foo/bar", true},  // through the parent
    {"foo/**", "foo/bar", true},
    {"foo/**", "foo/bar/baz", true},
    {"foo/**", "foobar", false},
    {"a/**/b", "a/b", true},
    {"a/**/b", "a/x/b", true},
    {"a/**/b", "a/x/y/b", true},
    {"a/**/b", "a/xb", false},
    {"a/**/b", "x/a/b", false},
    {"**", "anything/at/all", true},
    {"**/", "x", true},
    // directories exclude their contents
    {"build", "build", true},
    {"build", "build/out/app", true},
    {"build", "buildx", false},
    {"build", "src/build", false},
    {"node_modules", "node_modules/x/index.js", true},
    // leading / and ./ mean the context root; cleaning
    {"/foo", "foo", true},
    {"/foo", "a/foo", false},
    {"./foo", "foo/bar", true},
    {"foo/", "foo/x", true},
    {"a//b/./c", "a/b/c", true},
    {"a/../b", "b", true},
    {"foo", "./foo", true},
    {"foo", "/foo", true},
    // *.md and exceptions: the last match wins
    {"*.md\n!README.md", "README.md", false},
    {"*.md\n!README.md", "CHANGES.md", true},
    {"*.md\n!README*.md\nREADME-secret.md", "README-secret.md", true},
    {"*.md\n!README*.md\nREADME-secret.md", "README-public.md", false},
    {"*.md\nREADME-secret.md\n!README*.md", "README-secret.md", false},
    {"!README.md\n*.md", "README.md", true},
    // an exception re-includes one file of an excluded directory
    {"docs\n!docs/keep.txt", "docs/keep.txt", false},
    {"docs\n!docs/keep.txt", "docs/other.txt", true},
    {"docs\n!docs/keep.txt", "docs", true},
    {"docs\n!docs/sub", "docs/sub/deep/file", false},
    {"*\n!src", "src/main.cc", false},
    {"*\n!src", "README", true},
    {"*\n!src\nsrc/*.o", "src/a.o", true},
    // classes and escapes
    {"file[0-9].txt", "file7.txt", true},
    {"file[0-9].txt", "filex.txt", false},
    {"file[^0-9].txt", "filex.txt", true},
    {"file[^0-9].txt", "file7.txt", false},
    {"[ab]*", "apple", true},
    {"[ab]*", "cherry", false},
    {"star\\*", "star*", true},
    {"star\\*", "starx", false},
    {"q\\?", "q?", true},
    {"a.b", "axb", false},  // '.' is literal
    {"a+b(c)", "a+b(c)", true},
    {"*", "x/y", true},  // * matches the parent x
    {"x*y", "x/y", false},
    // comments, blanks, whitespace, BOM, CRLF
    {"# build\n\n  build  \n", "build", true},
    {"#build", "#build", false},
    {" #build", "#build", true},  // not a comment: the '#' is not first
    {"\xEF\xBB\xBF" "foo", "foo", true},
    {"foo\r\nbar\r\n", "bar", true},
    {"! foo\nfoo\n!  foo", "foo", false},
    // nothing excludes the root
    {"*", ".", false},
    {"**", "", false},
};

TEST(DockerignoreTest, MatchTable) {
  for (const auto& c : kCases) {
    auto m = must_parse(c.dockerignore);
    EXPECT_EQ(m.excluded(c.path), c.excluded)
        << "patterns:\n" << c.dockerignore << "\npath: " << c.path;
  }
}

TEST(DockerignoreTest, NormalizedPatterns) {
  auto m = must_parse("# comment\n/foo\n./bar/\n!/baz//x\n  spaced  \n\n**/*.go\n");
  std::vector<std::string> want = {"foo", "bar", "!baz/x", "spaced", "**/*.go"};
  EXPECT_EQ(m.patterns(), want);
  EXPECT_TRUE(m.has_exceptions());
  EXPECT_TRUE(must_parse("").empty());
  EXPECT_TRUE(must_parse("# only\n\n").empty());
  EXPECT_FALSE(must_parse("").excluded("anything"));
}

TEST(DockerignoreTest, InvalidPatterns) {
  for (const char* bad : {"foo[", "[]", "a[b-]", "x\\", "!bad[", "[z-a]"}) {
    auto m = IgnoreMatcher::parse(std::string("ok\n") + bad + "\n");
    ASSERT_FALSE(m) << bad;
    EXPECT_EQ(m.error().kind(), ErrorKind::InvalidArgument);
    EXPECT_NE(m.error().message().find(bad), std::string::npos) << m.error().message();
  }
  auto m = IgnoreMatcher::parse("!\n");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().message(), "illegal exclusion pattern: \"!\"");
  EXPECT_TRUE(IgnoreMatcher::parse("a]b\n[]]x]\n").has_value() == false);  // "[]" starts a bad class
  EXPECT_TRUE(IgnoreMatcher::parse("a]b\n[\\]]x\n"));
}

TEST(DockerignoreTest, FromPatterns) {
  auto m = IgnoreMatcher::from_patterns({" *.log ", "", "!keep.log", "/tmp"});
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_TRUE(m->excluded("x.log"));
  EXPECT_FALSE(m->excluded("keep.log"));
  EXPECT_TRUE(m->excluded("tmp/a"));
  EXPECT_FALSE(m->excluded("a/x.log"));
  EXPECT_FALSE(IgnoreMatcher::from_patterns({"[oops"}));
}

struct SkipCase {
  const char* dockerignore;
  const char* dir;
  bool can_skip;
};

const SkipCase kSkipCases[] = {
    {"build", "build", true},
    {"build", "src", false},  // not excluded at all
    {"build", "build/sub", true},
    {"build\n!build/keep", "build", false},
    {"build\n!build/keep", "build/other", true},
    {"build\n!build/sub/keep", "build/sub", false},
    {"build\n!other/keep", "build", true},
    {"build\n!*/keep", "build", false},  // the '*' could be build
    {"build\n!src/*/keep", "build", true},
    {"build\n!b*/keep", "build", false},
    {"build\n!x*/keep", "build", true},
    {"build\n!**/keep", "build", false},  // ** can reach anywhere
    {"build\n!build/**", "build", false},
    {"build\n!bu**", "build", false},
    {"!build/keep\nbuild", "build", false},  // stays conservative about order
    {"!build\nbuild", "build", true},  // the exception is no deeper than build
    {"*\n!src", "docs", true},
    {"*\n!src", "src", false},  // not excluded
    {"*\n!src/a/b", "src", false},
    {"*\n!src/a/b", "src/a", false},
    {"*\n!src/a/b", "src/c", true},
    {"a/*/c\n!a/b/c/d", "a/b/c", false},
    {"a/*/c\n!a/b/c/d", "a/x/c", true},
};

TEST(DockerignoreTest, CanSkipDir) {
  for (const auto& c : kSkipCases) {
    auto m = must_parse(c.dockerignore);
    EXPECT_EQ(m.can_skip_dir(c.dir), c.can_skip)
        << "patterns:\n" << c.dockerignore << "\ndir: " << c.dir;
  }
}

// Whenever can_skip_dir says yes, nothing below may be re-included.
TEST(DockerignoreTest, SkipIsSafe) {
  const char* files[] = {"build/keep", "build/a/keep", "build/sub/keep", "src/a/b", "a/b/c/d"};
  for (const auto& c : kSkipCases) {
    auto m = must_parse(c.dockerignore);
    if (!m.can_skip_dir(c.dir)) continue;
    std::string prefix = std::string(c.dir) + "/";
    for (const char* f : files) {
      if (std::string_view(f).starts_with(prefix)) {
        EXPECT_TRUE(m.excluded(f)) << c.dockerignore << " dir " << c.dir << " file " << f;
      }
    }
  }
}

TEST(DockerignoreTest, BuildFilesAreAlwaysSent) {
  auto m = must_parse("*\n!src\n");
  EXPECT_TRUE(m.excluded("Dockerfile"));
  EXPECT_TRUE(m.excluded(".dockerignore"));

  auto upload = m.keeping_build_files("Dockerfile");
  EXPECT_FALSE(upload.excluded("Dockerfile"));
  EXPECT_FALSE(upload.excluded(".dockerignore"));
  EXPECT_TRUE(upload.excluded("README"));
  EXPECT_FALSE(upload.excluded("src/x"));
  std::vector<std::string> want = {"*", "!src", "!.dockerignore", "!Dockerfile"};
  EXPECT_EQ(upload.patterns(), want);

  // A Dockerfile from stdin is not in the context: only .dockerignore kept.
  EXPECT_EQ(m.keeping_build_files("").patterns().size(), 3u);
  // Nothing is added when the files are not excluded anyway.
  EXPECT_EQ(must_parse("*.log").keeping_build_files("Dockerfile").patterns().size(), 1u);
  // A name with glob characters is kept literally.
  auto odd = must_parse("docker").keeping_build_files("./docker/[x]*.Dockerfile");
  EXPECT_FALSE(odd.excluded("docker/[x]*.Dockerfile"));
  EXPECT_TRUE(odd.excluded("docker/x.Dockerfile"));
  EXPECT_FALSE(odd.can_skip_dir("docker"));

  EXPECT_TRUE(IgnoreMatcher::is_always_sent(".dockerignore", "Dockerfile"));
  EXPECT_TRUE(IgnoreMatcher::is_always_sent("./build/Dockerfile", "build/Dockerfile"));
  EXPECT_FALSE(IgnoreMatcher::is_always_sent("Dockerfile", "build/Dockerfile"));
  EXPECT_FALSE(IgnoreMatcher::is_always_sent("Dockerfile", ""));
}

}  // namespace
}  // namespace hako::build
