#include "cli/flags.h"

#include <gtest/gtest.h>

namespace hako::cli {
namespace {

const std::vector<Flag> kFlags = {{"all", 'a', Flag::Bool},
                                  {"quiet", 'q', Flag::Bool},
                                  {"filter", 'f', Flag::List},
                                  {"format", 0, Flag::String, "table"},
                                  {"output", 'o', Flag::String}};

TEST(Flags, PflagForms) {
  auto p = parse_flags(kFlags, {"-aq", "x", "--filter", "a=1", "-fb=2", "--format={{.ID}}", "-o", "out", "y"});
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_TRUE(p->boolean("all"));
  EXPECT_TRUE(p->boolean("quiet"));
  EXPECT_EQ(p->list("filter"), (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_EQ(p->str("format"), "{{.ID}}");
  EXPECT_EQ(p->str("output"), "out");
  EXPECT_EQ(p->args(), (std::vector<std::string>{"x", "y"}));
}

TEST(Flags, DefaultsAndStopAtPositional) {
  auto p = parse_flags(kFlags, {"img", "-a"}, true);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->set("all"));
  EXPECT_EQ(p->str("format"), "table");
  EXPECT_EQ(p->args(), (std::vector<std::string>{"img", "-a"}));
}

TEST(Flags, ErrorsUsePflagWords) {
  EXPECT_EQ(parse_flags(kFlags, {"--nope"}).error().message(), "unknown flag: --nope");
  EXPECT_EQ(parse_flags(kFlags, {"-ax"}).error().message(), "unknown shorthand flag: 'x' in -ax");
  EXPECT_EQ(parse_flags(kFlags, {"--output"}).error().message(), "flag needs an argument: --output");
  EXPECT_TRUE(parse_flags(kFlags, {"--help"})->help());
}

}  // namespace
}  // namespace hako::cli
