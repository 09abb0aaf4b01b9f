#include "image/platform.h"

#include <gtest/gtest.h>

namespace hako::image {
namespace {

std::string parsed(std::string_view s) {
  auto p = parse_platform(s);
  return p ? p->string() : "error: " + p.error().message();
}

TEST(Platform, ParsesLikeContainerd) {
  EXPECT_EQ(parsed("linux/amd64"), "linux/amd64");
  EXPECT_EQ(parsed("linux/x86_64"), "linux/amd64");
  EXPECT_EQ(parsed("Linux/AMD64"), "linux/amd64");
  EXPECT_EQ(parsed("linux/aarch64"), "linux/arm64");
  EXPECT_EQ(parsed("linux/arm64/v8"), "linux/arm64/v8");
  EXPECT_EQ(parsed("linux/aarch64/8"), "linux/arm64/v8");
  EXPECT_EQ(parsed("linux/arm64/v9.0"), "linux/arm64/v9");
  EXPECT_EQ(parsed("linux/arm"), "linux/arm");
  EXPECT_EQ(parsed("linux/arm/v7"), "linux/arm/v7");
  EXPECT_EQ(parsed("linux/arm/6"), "linux/arm/v6");
  EXPECT_EQ(parsed("linux/armhf"), "linux/arm");
  EXPECT_EQ(parsed("linux/armel"), "linux/arm/v6");
  EXPECT_EQ(parsed("linux/i386"), "linux/386");
  EXPECT_EQ(parsed("linux/amd64/v3"), "linux/amd64/v3");
  EXPECT_EQ(parsed("macos/arm64"), "darwin/arm64");
  EXPECT_EQ(parsed("windows/amd64"), "windows/amd64");
  // An explicit pair is taken as given, known or not.
  EXPECT_EQ(parsed("plan10/weird"), "plan10/weird");
}

TEST(Platform, SinglePartIsAnArchitectureOrAnOS) {
  EXPECT_EQ(parsed("amd64"), "linux/amd64");
  EXPECT_EQ(parsed("arm64"), "linux/arm64");
  EXPECT_EQ(parsed("armhf"), "linux/arm");
  EXPECT_EQ(parsed("armel"), "linux/arm/v6");
  EXPECT_EQ(parsed("s390x"), "linux/s390x");
  auto os = parse_platform("linux");
  ASSERT_TRUE(os);
  EXPECT_EQ(os->os, "linux");
  EXPECT_EQ(os->architecture, default_platform().architecture);
}

TEST(Platform, RefusesWhatContainerdRefuses) {
  EXPECT_EQ(parsed("foo"), "error: \"foo\": unknown operating system or architecture: invalid argument");
  EXPECT_EQ(parsed("linux/*"), "error: \"linux/*\": wildcards not yet supported: invalid argument");
  EXPECT_EQ(parsed("a/b/c/d"), "error: \"a/b/c/d\": cannot parse platform specifier: invalid argument");
  EXPECT_EQ(parsed("linux//v7"),
            "error: \"\" is an invalid component of \"linux//v7\": platform specifier component "
            "must match \"^[A-Za-z0-9_.-]+$\": invalid argument");
  EXPECT_FALSE(parse_platform(""));
  EXPECT_FALSE(parse_platform("linux/amd 64"));
  auto e = parse_platform("foo");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind(), ErrorKind::InvalidArgument);
}

TEST(Platform, DefaultPlatformFromUname) {
  EXPECT_EQ(platform_for_machine("x86_64").string(), "linux/amd64");
  EXPECT_EQ(platform_for_machine("aarch64").string(), "linux/arm64");
  EXPECT_EQ(platform_for_machine("armv7l").string(), "linux/arm/v7");
  EXPECT_EQ(platform_for_machine("armv6l").string(), "linux/arm/v6");
  EXPECT_EQ(platform_for_machine("i686").string(), "linux/386");
  EXPECT_EQ(platform_for_machine("ppc64le").string(), "linux/ppc64le");
  Platform host = default_platform();
  EXPECT_EQ(host.os, "linux");
  EXPECT_FALSE(host.architecture.empty());
#if defined(__x86_64__)
  EXPECT_EQ(host.string(), "linux/amd64");
#endif
}

TEST(Platform, MatchingComparesNormalizedForms) {
  EXPECT_TRUE(platform_matches({"linux", "arm64", "v8"}, {"linux", "arm64", ""}));
  EXPECT_TRUE(platform_matches({"linux", "aarch64", ""}, {"linux", "arm64", "v8"}));
  EXPECT_TRUE(platform_matches({"linux", "arm", ""}, {"linux", "arm", "v7"}));
  EXPECT_TRUE(platform_matches({"linux", "x86_64", ""}, {"linux", "amd64", ""}));
  EXPECT_TRUE(platform_matches({"", "amd64", ""}, {"linux", "amd64", ""}));
  EXPECT_FALSE(platform_matches({"linux", "amd64", ""}, {"windows", "amd64", ""}));
  EXPECT_FALSE(platform_matches({"linux", "arm", "v7"}, {"linux", "arm", "v6"}));
  EXPECT_FALSE(platform_matches({"linux", "arm64", ""}, {"linux", "arm64", "v9"}));
}

TEST(Platform, CompatiblePlatformsBestFirst) {
  auto strings = [](const Platform& p) {
    std::vector<std::string> out;
    for (const auto& c : compatible_platforms(p)) out.push_back(c.string());
    return out;
  };
  EXPECT_EQ(strings({"linux", "amd64", ""}), (std::vector<std::string>{"linux/amd64", "linux/386"}));
  EXPECT_EQ(strings({"linux", "amd64", "v3"}),
            (std::vector<std::string>{"linux/amd64/v3", "linux/amd64/v2", "linux/amd64", "linux/386"}));
  EXPECT_EQ(strings({"linux", "arm", "v7"}),
            (std::vector<std::string>{"linux/arm/v7", "linux/arm/v6", "linux/arm/v5"}));
  EXPECT_EQ(strings({"linux", "arm64", "v8"}),
            (std::vector<std::string>{"linux/arm64", "linux/arm/v8", "linux/arm/v7",
                                      "linux/arm/v6", "linux/arm/v5"}));
}

TEST(Platform, SelectFromAnImageIndex) {
  // The shape of busybox's index, attestation manifest included.
  std::vector<Platform> index = {
      {"linux", "amd64", ""},  {"linux", "arm", "v5"}, {"linux", "arm", "v6"},
      {"linux", "arm", "v7"},  {"linux", "arm64", "v8"}, {"linux", "386", ""},
      {"unknown", "unknown", ""},
  };
  EXPECT_EQ(select_platform({"linux", "amd64", ""}, index), 0u);
  EXPECT_EQ(select_platform({"linux", "arm64", ""}, index), 4u);
  EXPECT_EQ(select_platform({"linux", "aarch64", ""}, index), 4u);
  EXPECT_EQ(select_platform({"linux", "arm", ""}, index), 3u);
  EXPECT_EQ(select_platform({"linux", "arm", "v6"}, index), 2u);
  EXPECT_EQ(select_platform({"linux", "386", ""}, index), 5u);
  EXPECT_EQ(select_platform({"linux", "s390x", ""}, index), std::nullopt);
  EXPECT_EQ(select_platform({"windows", "amd64", ""}, index), std::nullopt);

  // Fallbacks: an amd64 host takes 386, an arm64 host takes 32-bit arm.
  std::vector<Platform> only386 = {{"linux", "386", ""}};
  EXPECT_EQ(select_platform({"linux", "amd64", ""}, only386), 0u);
  std::vector<Platform> arm32 = {{"linux", "arm", "v6"}, {"linux", "arm", "v7"}};
  EXPECT_EQ(select_platform({"linux", "arm64", ""}, arm32), 1u);
  // An exact match wins over an earlier compatible one.
  std::vector<Platform> mixed = {{"linux", "386", ""}, {"linux", "amd64", ""}};
  EXPECT_EQ(select_platform({"linux", "amd64", ""}, mixed), 1u);
  // A newer CPU level never runs on an older host.
  std::vector<Platform> v3 = {{"linux", "amd64", "v3"}};
  EXPECT_EQ(select_platform({"linux", "amd64", ""}, v3), std::nullopt);
}

}  // namespace
}  // namespace hako::image
