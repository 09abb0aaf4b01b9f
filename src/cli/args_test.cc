#include "cli/args.h"

#include <gtest/gtest.h>

#include "cli/table.h"

namespace hako::cli {

TEST(Args, FlagsValuesAndPositionals) {
  auto a = Args::parse({"-b", "/x", "--pid-file=/p", "--no-pivot", "id1", "--not-a-flag"}, 0,
                       {{"bundle", "b", true}, {"pid-file", "", true}, {"no-pivot", "", false}});
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(a->get("bundle"), "/x");
  EXPECT_EQ(a->get("pid-file"), "/p");
  EXPECT_TRUE(a->has("no-pivot"));
  EXPECT_EQ(a->positional(), (std::vector<std::string>{"id1", "--not-a-flag"}));
}

TEST(Args, UnknownFlagAndMissingValue) {
  auto a = Args::parse({"--bogus"}, 0, {});
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message(), "flag provided but not defined: -bogus");
  auto b = Args::parse({"--bundle"}, 0, {{"bundle", "b", true}});
  ASSERT_FALSE(b);
}

TEST(Args, RepeatedFlags) {
  auto a = Args::parse({"-e", "A=1", "--env", "B=2", "x"}, 0, {{"env", "e", true}});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->all("env"), (std::vector<std::string>{"A=1", "B=2"}));
}

TEST(Table, PadsColumns) {
  Table t({"ID", "PID"});
  t.add({"longer-id", "1"});
  EXPECT_EQ(t.render(), "ID          PID\nlonger-id   1\n");
}

}  // namespace hako::cli
