#include "engine/logs/log_options.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

namespace hako::engine::logs {
namespace {

constexpr int64_t kSec = 1000000000;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kNow = 1796175869LL * kSec + 123456789;  // 2026-12-02T01:44:29.123456789Z

// Runs the test body with TZ set, restoring it afterwards.
class WithTz {
 public:
  explicit WithTz(const char* tz) {
    const char* old = getenv("TZ");
    if (old) old_ = old;
    had_ = old != nullptr;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~WithTz() {
    if (had_) setenv("TZ", old_.c_str(), 1);
    else unsetenv("TZ");
    tzset();
  }

 private:
  std::string old_;
  bool had_ = false;
};

std::string error_of(const Result<int64_t>& r) { return r ? "" : r.error().message(); }

TEST(LogOptions, SinceRelativeDurationsAreWholeSeconds) {
  int64_t now_secs = kNow / kSec * kSec;
  EXPECT_EQ(parse_log_time("10m", "since", kNow), now_secs - 10 * kMin);
  EXPECT_EQ(parse_log_time("1h30m", "since", kNow), now_secs - 90 * kMin);
  EXPECT_EQ(parse_log_time("42s", "until", kNow), now_secs - 42 * kSec);
  EXPECT_EQ(parse_log_time("0s", "since", kNow), now_secs);
  EXPECT_EQ(parse_log_time("0", "since", kNow), 0);  // Docker: no filter
}

TEST(LogOptions, SinceUnixTimestamps) {
  EXPECT_EQ(parse_log_time("1700000000", "since", kNow), 1700000000 * kSec);
  EXPECT_EQ(parse_log_time("1700000000.123", "since", kNow), 1700000000 * kSec + 123000000);
  EXPECT_EQ(parse_log_time("1700000000.000000001", "since", kNow), 1700000000 * kSec + 1);
  EXPECT_EQ(error_of(parse_log_time("yesterday", "since", kNow)),
            "invalid value for \"since\": failed to parse value as time or duration: \"yesterday\"");
  EXPECT_FALSE(parse_log_time("1700000000.abc", "until", kNow));
  EXPECT_FALSE(parse_log_time("1700000000.-5", "until", kNow));
}

TEST(LogOptions, SinceRfc3339WithZones) {
  int64_t at = 1796175869LL * kSec;  // 2026-12-02T01:44:29Z
  EXPECT_EQ(parse_log_time("2026-12-02T01:44:29Z", "since", kNow), at);
  EXPECT_EQ(parse_log_time("2026-12-02T01:44:29.5Z", "since", kNow), at + kSec / 2);
  EXPECT_EQ(parse_log_time("2026-12-02T03:44:29+02:00", "since", kNow), at);
  EXPECT_EQ(parse_log_time("2026-12-01T22:44:29.000000001-03:00", "since", kNow), at + 1);
  EXPECT_EQ(parse_log_time("2026-12-02T01:44Z", "since", kNow), at - 29 * kSec);
  EXPECT_EQ(parse_log_time("2026-12-02T01Z", "since", kNow), at - 44 * kMin - 29 * kSec);
  EXPECT_EQ(parse_log_time("2026-12-02Z", "since", kNow), at - (60 + 44) * kMin - 29 * kSec);
  EXPECT_EQ(error_of(parse_log_time("2026-13-02T01:44:29Z", "since", kNow)),
            "invalid value for \"since\": parsing time \"2026-13-02T01:44:29Z\": month out of range");
  EXPECT_FALSE(parse_log_time("2026-02-30", "since", kNow));
  EXPECT_FALSE(parse_log_time("2026-12-02T01:44:29.Z", "since", kNow));
  EXPECT_FALSE(parse_log_time("2026-12-02 01:44:29", "since", kNow));
}

TEST(LogOptions, SinceWithoutAZoneIsLocalTime) {
  int64_t at = 1796175869LL * kSec;  // 2026-12-02T01:44:29Z
  {
    WithTz tz("UTC0");
    EXPECT_EQ(parse_log_time("2026-12-02T01:44:29", "since", kNow), at);
    EXPECT_EQ(parse_log_time("2026-12-02", "since", kNow), at - (60 + 44) * kMin - 29 * kSec);
  }
  {
    WithTz tz("XYZ-5");  // UTC+5: local 06:44:29 is 01:44:29Z
    EXPECT_EQ(parse_log_time("2026-12-02T06:44:29", "since", kNow), at);
    EXPECT_EQ(parse_log_time("2026-12-02T06:44:29.25", "since", kNow), at + kSec / 4);
    EXPECT_EQ(parse_log_time("2026-12-02T06:44", "since", kNow), at - 29 * kSec);
    EXPECT_EQ(parse_log_time("2026-12-02T06", "since", kNow), at - 44 * kMin - 29 * kSec);
  }
}

TEST(LogOptions, HumanSizesAreDecimal) {
  EXPECT_EQ(parse_human_size("10m"), 10000000);
  EXPECT_EQ(parse_human_size("1g"), 1000000000);
  EXPECT_EQ(parse_human_size("500k"), 500000);
  EXPECT_EQ(parse_human_size("500KB"), 500000);
  EXPECT_EQ(parse_human_size("2MiB"), 2000000);  // FromHumanSize ignores the "i"
  EXPECT_EQ(parse_human_size("1.5k"), 1500);
  EXPECT_EQ(parse_human_size("10 mb"), 10000000);
  EXPECT_EQ(parse_human_size("4096"), 4096);
  EXPECT_EQ(parse_human_size("42b"), 42);
  EXPECT_EQ(error_of(parse_human_size("10x")), "invalid size: '10x'");
  EXPECT_EQ(error_of(parse_human_size("1.2.3m")), "strconv.ParseFloat: parsing \"1.2.3\": invalid syntax");
  for (const char* bad : {"", "-1", "m", "1.m", "10  m", "1e3", "99999999999p"})
    EXPECT_FALSE(parse_human_size(bad)) << bad;
}

std::string opts_error(std::map<std::string, std::string> opts) {
  auto r = parse_json_file_log_opts(opts);
  return r ? "" : r.error().message();
}

TEST(LogOptions, JsonFileLogOpts) {
  auto none = parse_json_file_log_opts({});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->max_size, 0);
  EXPECT_EQ(none->max_file, 1);
  auto both = parse_json_file_log_opts({{"max-size", "10m"}, {"max-file", "3"}, {"tag", "x"}});
  ASSERT_TRUE(both);
  EXPECT_EQ(both->max_size, 10000000);
  EXPECT_EQ(both->max_file, 3);
  EXPECT_TRUE(parse_json_file_log_opts({{"compress", "false"}, {"labels", "a"}, {"mode", "blocking"}}));

  EXPECT_EQ(opts_error({{"max-sise", "1m"}}), "unknown log opt 'max-sise' for json-file log driver");
  EXPECT_EQ(opts_error({{"max-size", "big"}}), "invalid size: 'big'");
  EXPECT_EQ(opts_error({{"max-size", "0"}}), "max-size must be a positive number");
  EXPECT_EQ(opts_error({{"max-file", "three"}}), "strconv.Atoi: parsing \"three\": invalid syntax");
  EXPECT_EQ(opts_error({{"max-file", "99999999999999999999"}}),
            "strconv.Atoi: parsing \"99999999999999999999\": value out of range");
  EXPECT_EQ(opts_error({{"max-file", "0"}}), "max-file cannot be less than 1");
  EXPECT_EQ(opts_error({{"compress", "maybe"}}), "strconv.ParseBool: parsing \"maybe\": invalid syntax");
  EXPECT_EQ(opts_error({{"compress", "true"}, {"max-file", "3"}}),
            "compress cannot be true when max-file is less than 2 or max-size is not set");
  auto compress = parse_json_file_log_opts({{"compress", "1"}, {"max-file", "3"}, {"max-size", "1m"}});
  ASSERT_FALSE(compress);
  EXPECT_EQ(compress.error().kind(), ErrorKind::NotSupported);
  EXPECT_EQ(parse_json_file_log_opts({{"max-size", "big"}}).error().kind(), ErrorKind::InvalidArgument);
}

}  // namespace
}  // namespace hako::engine::logs
