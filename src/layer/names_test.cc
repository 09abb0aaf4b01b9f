#include "layer/names.h"

#include <gtest/gtest.h>

namespace hako::layer {

TEST(Names, CleansHarmlessForms) {
  EXPECT_EQ(clean_member_name("./etc/passwd").value(), "etc/passwd");
  EXPECT_EQ(clean_member_name("etc//x/./y/").value(), "etc/x/y");
  EXPECT_EQ(clean_member_name("./").value(), "");
  EXPECT_EQ(clean_member_name("a/..b/c..").value(), "a/..b/c..");
}

TEST(Names, RefusesEscapes) {
  for (const char* n : {"../x", "/etc/passwd", "a/../../x", "a/..", "..", "//x"}) {
    auto r = clean_member_name(n);
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().kind(), ErrorKind::InvalidArgument);
    EXPECT_EQ(r.error().message(), "path escapes the root");
  }
}

TEST(Names, SplitAndJoin) {
  EXPECT_EQ(split_parent("a/b/c"), (std::pair<std::string, std::string>{"a/b", "c"}));
  EXPECT_EQ(split_parent("c"), (std::pair<std::string, std::string>{"", "c"}));
  EXPECT_EQ(join("", "c"), "c");
  EXPECT_EQ(join("a/b", "c"), "a/b/c");
}

}  // namespace hako::layer
