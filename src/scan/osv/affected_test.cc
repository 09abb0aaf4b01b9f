#include "scan/osv/affected.h"

#include <gtest/gtest.h>

namespace hako::scan::osv {
namespace {

// An affected entry from the JSON of its ranges and versions.
Affected entry(std::string_view ranges, std::vector<std::string> versions = {}) {
  auto r = parse_ranges(Json::parse(ranges), "ranges");
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  Affected a;
  a.ranges = r.value_or(std::vector<Range>{});
  a.versions = std::move(versions);
  return a;
}

TEST(OsvAffected, IntroducedFixed) {
  Affected a = entry(R"([{"type":"ECOSYSTEM","events":[{"introduced":"1.2-1"},{"fixed":"1.4-2"}]}])");
  EXPECT_FALSE(is_affected(a, "1.1-5", Scheme::Dpkg));
  EXPECT_TRUE(is_affected(a, "1.2-1", Scheme::Dpkg));  // introduced is inclusive
  EXPECT_TRUE(is_affected(a, "1.4-1", Scheme::Dpkg));
  EXPECT_TRUE(is_affected(a, "1.4~rc1-1", Scheme::Dpkg));  // dpkg: ~ sorts before
  EXPECT_FALSE(is_affected(a, "1.4-2", Scheme::Dpkg));  // fixed is exclusive
  EXPECT_FALSE(is_affected(a, "1:1.0-1", Scheme::Dpkg));  // epoch 1 sorts after
  EXPECT_EQ(fixed_version(a, "1.3-1", Scheme::Dpkg), "1.4-2");
  EXPECT_EQ(fixed_version(a, "1.5-1", Scheme::Dpkg), std::nullopt);
}

TEST(OsvAffected, IntroducedZeroAndNoFix) {
  Affected a = entry(R"([{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}])");
  EXPECT_TRUE(is_affected(a, "0.0.1", Scheme::Pep440));
  EXPECT_TRUE(is_affected(a, "99.0", Scheme::Pep440));
  EXPECT_EQ(fixed_version(a, "99.0", Scheme::Pep440), std::nullopt);
}

TEST(OsvAffected, LastAffectedIsInclusive) {
  Affected a = entry(R"([{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"last_affected":"2.0.5"}]}])");
  EXPECT_TRUE(is_affected(a, "2.0.5", Scheme::Pep440));
  EXPECT_FALSE(is_affected(a, "2.0.5.post0", Scheme::Pep440));  // a post-release sorts after
  EXPECT_FALSE(is_affected(a, "2.0.6", Scheme::Pep440));
  EXPECT_EQ(fixed_version(a, "2.0.0", Scheme::Pep440), std::nullopt);
}

TEST(OsvAffected, Limit) {
  // Everything from 1.0 is affected, but the range only speaks below 2.0.
  Affected a = entry(R"([{"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"limit":"2.0"}]}])");
  EXPECT_FALSE(is_affected(a, "0.9", Scheme::Maven));
  EXPECT_TRUE(is_affected(a, "1.5", Scheme::Maven));
  EXPECT_FALSE(is_affected(a, "2.0", Scheme::Maven));
  EXPECT_FALSE(is_affected(a, "3.0", Scheme::Maven));
  Affected star = entry(R"([{"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"limit":"*"}]}])");
  EXPECT_TRUE(is_affected(star, "300.0", Scheme::Maven));
}

TEST(OsvAffected, UnsortedEventsAndReintroduction) {
  // Events listed out of order: the evaluator sorts them first.
  Affected a = entry(R"([{"type":"SEMVER","events":[
      {"fixed":"2.0.1"},{"introduced":"3.0.0"},{"introduced":"1.5.0"},{"fixed":"3.1.2"}]}])");
  EXPECT_FALSE(is_affected(a, "1.4.9", Scheme::Npm));
  EXPECT_TRUE(is_affected(a, "1.5.0", Scheme::Npm));
  EXPECT_TRUE(is_affected(a, "2.0.0", Scheme::Npm));
  EXPECT_FALSE(is_affected(a, "2.0.1", Scheme::Npm));
  EXPECT_FALSE(is_affected(a, "2.9.9", Scheme::Npm));
  EXPECT_TRUE(is_affected(a, "3.0.0", Scheme::Npm));
  EXPECT_TRUE(is_affected(a, "3.1.2-beta.1", Scheme::Npm));  // prerelease precedes 3.1.2
  EXPECT_FALSE(is_affected(a, "3.1.2", Scheme::Npm));
  EXPECT_EQ(fixed_version(a, "1.6.0", Scheme::Npm), "2.0.1");
  EXPECT_EQ(fixed_version(a, "3.0.5", Scheme::Npm), "3.1.2");
}

TEST(OsvAffected, SeveralRangesAreOred) {
  Affected a = entry(R"([
      {"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"fixed":"1.1"}]},
      {"type":"ECOSYSTEM","events":[{"introduced":"2.0"},{"fixed":"2.3"}]}])");
  EXPECT_TRUE(is_affected(a, "1.0.5", Scheme::RubyGems));
  EXPECT_FALSE(is_affected(a, "1.5", Scheme::RubyGems));
  EXPECT_TRUE(is_affected(a, "2.2", Scheme::RubyGems));
  EXPECT_EQ(fixed_version(a, "2.2", Scheme::RubyGems), "2.3");
  EXPECT_FALSE(is_affected(a, "2.3", Scheme::RubyGems));
}

TEST(OsvAffected, VersionsList) {
  Affected a = entry("[]", {"1.0", "1.2"});
  EXPECT_TRUE(is_affected(a, "1.0", Scheme::Pep440));
  EXPECT_TRUE(is_affected(a, "1.0.0", Scheme::Pep440));  // PEP 440: equivalent
  EXPECT_FALSE(is_affected(a, "1.1", Scheme::Pep440));
  EXPECT_EQ(fixed_version(a, "1.0", Scheme::Pep440), std::nullopt);
  // An installed version the scheme rejects still matches byte-for-byte.
  Affected odd = entry("[]", {"not a version!"});
  EXPECT_TRUE(is_affected(odd, "not a version!", Scheme::Pep440));
}

TEST(OsvAffected, GitRangesIgnoredButVersionsApply) {
  Affected a = entry(R"([{"type":"GIT","events":[{"introduced":"0"},{"fixed":"deadbeef"}]}])", {"1.2.3"});
  EXPECT_FALSE(is_affected(a, "1.0.0", Scheme::SemVer));
  EXPECT_TRUE(is_affected(a, "1.2.3", Scheme::SemVer));
}

TEST(OsvAffected, SemverRangesAcceptGoVersions) {
  // Go advisories write SEMVER events without the "v" Go versions carry.
  Affected a = entry(R"([{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"0.17.0"}]}])");
  EXPECT_TRUE(is_affected(a, "v0.16.1", Scheme::Go));
  EXPECT_FALSE(is_affected(a, "v0.17.0", Scheme::Go));
  EXPECT_EQ(fixed_version(a, "v0.16.1", Scheme::Go), "0.17.0");
}

TEST(OsvAffected, InvalidVersionsNeverAbort) {
  Affected a = entry(R"([{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"not-semver!"}]}])");
  // The unusable fixed event is skipped: over-report rather than miss.
  EXPECT_TRUE(is_affected(a, "1.0.0", Scheme::Npm));
  EXPECT_FALSE(is_affected(a, "garbage version", Scheme::Npm));
}

}  // namespace
}  // namespace hako::scan::osv
