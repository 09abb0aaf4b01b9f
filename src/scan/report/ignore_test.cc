#include <gtest/gtest.h>

#include "scan/report/ignore.h"

namespace hako::scan::report {
namespace {

TEST(IgnoreFile, IdsCommentsAndExpiry) {
  auto list = parse_ignore_file(
      "# accepted risks\nCVE-2023-0001\n\n  GHSA-aaaa-bbbb-cccc  # lodash\r\nCVE-2024-9 exp:2026-12-31\n"
      "CVE-2020-1 exp:2025-01-01\n",
      ".hakoignore", "2026-12-06");
  ASSERT_TRUE(list.has_value()) << list.error().message();
  EXPECT_EQ(list->ids, (std::set<std::string>{"CVE-2023-0001", "GHSA-aaaa-bbbb-cccc", "CVE-2024-9"}));
  EXPECT_EQ(list->expired, 1u);
}

TEST(IgnoreFile, MatchesAliases) {
  auto list = parse_ignore_file("CVE-2021-23337\n", "f", "2026-01-01");
  ASSERT_TRUE(list.has_value());
  Vulnerability v;
  v.id = "GHSA-35jh-r3h4-6jhm";
  EXPECT_FALSE(list->matches(v));
  v.aliases = {"CVE-2021-23337"};
  EXPECT_TRUE(list->matches(v));
}

TEST(IgnoreFile, BadLinesNameFileAndLine) {
  auto bad_date = parse_ignore_file("CVE-1\nCVE-2 exp:2026-13-01\n", ".hakoignore", "2026-01-01");
  ASSERT_FALSE(bad_date.has_value());
  EXPECT_NE(bad_date.error().message().find(".hakoignore:2: bad expiry date \"2026-13-01\""), std::string::npos)
      << bad_date.error().message();
  auto junk = parse_ignore_file("CVE-1 whatever\n", "x", "2026-01-01");
  ASSERT_FALSE(junk.has_value());
  EXPECT_NE(junk.error().message().find("x:1:"), std::string::npos);
}

}  // namespace
}  // namespace hako::scan::report
