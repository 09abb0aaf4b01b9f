#include "base/duration.h"

#include <gtest/gtest.h>

namespace hako {
namespace {

std::string err(const Result<int64_t>& r) { return r ? "" : r.error().message(); }

TEST(GoDuration, Parses) {
  EXPECT_EQ(*parse_go_duration("30s"), 30'000'000'000);
  EXPECT_EQ(*parse_go_duration("1m30s"), 90'000'000'000);
  EXPECT_EQ(*parse_go_duration("500ms"), 500'000'000);
  EXPECT_EQ(*parse_go_duration("1.5h"), 5400'000'000'000);
  EXPECT_EQ(*parse_go_duration("0"), 0);
  EXPECT_EQ(*parse_go_duration("-2s"), -2'000'000'000);
  EXPECT_EQ(*parse_go_duration("10us"), 10'000);
  EXPECT_EQ(*parse_go_duration("10\u00b5s"), 10'000);
  EXPECT_EQ(*parse_go_duration(".5s"), 500'000'000);
  EXPECT_EQ(*parse_go_duration("1h2m3s4ms5us6ns"), 3723'004'005'006);
}

TEST(GoDuration, Errors) {
  EXPECT_EQ(err(parse_go_duration("")), "time: invalid duration \"\"");
  EXPECT_EQ(err(parse_go_duration("abc")), "time: invalid duration \"abc\"");
  EXPECT_EQ(err(parse_go_duration("1")), "time: missing unit in duration \"1\"");
  EXPECT_EQ(err(parse_go_duration("1x")), "time: unknown unit \"x\" in duration \"1x\"");
  EXPECT_EQ(err(parse_go_duration(".s")), "time: invalid duration \".s\"");
  EXPECT_EQ(err(parse_go_duration("9999999999h")), "time: invalid duration \"9999999999h\"");
}

TEST(GoDuration, MoreForms) {
  EXPECT_EQ(parse_go_duration("42s"), 42 * 1'000'000'000LL);
  EXPECT_EQ(parse_go_duration("10m"), 10 * 60'000'000'000LL);
  EXPECT_EQ(parse_go_duration("1h30m"), 90 * 60'000'000'000LL);
  EXPECT_EQ(parse_go_duration("1.5h"), 90 * 60'000'000'000LL);
  EXPECT_EQ(parse_go_duration(".5s"), 1'000'000'000LL / 2);
  EXPECT_EQ(parse_go_duration("-2m3s"), -123 * 1'000'000'000LL);
  EXPECT_EQ(parse_go_duration("+300ms"), 300000000);
  EXPECT_EQ(parse_go_duration("1us2ns"), 1002);
  EXPECT_EQ(parse_go_duration("7\xC2\xB5s"), 7000);
  EXPECT_EQ(parse_go_duration("0"), 0);
  EXPECT_EQ(err(parse_go_duration("10")), "time: missing unit in duration \"10\"");
  EXPECT_EQ(err(parse_go_duration("3d")), "time: unknown unit \"d\" in duration \"3d\"");
  for (const char* bad : {"", "-", "h", ".s", "1.2.3s", "9999999999999h", "abc"})
    EXPECT_FALSE(parse_go_duration(bad)) << bad;
}

}  // namespace
}  // namespace hako
