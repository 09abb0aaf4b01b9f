#include "scan/osv/advisory.h"

#include <gtest/gtest.h>

namespace hako::scan::osv {
namespace {

Advisory parse_ok(std::string_view text) {
  auto a = parse_advisory_text(text, "test.json");
  EXPECT_TRUE(a) << (a ? "" : a.error().message());
  return a ? *a : Advisory{};
}

std::string parse_error(std::string_view text) {
  auto a = parse_advisory_text(text, "bad.json");
  EXPECT_FALSE(a);
  return a ? "" : a.error().message();
}

TEST(OsvAdvisory, ParsesAllFields) {
  Advisory a = parse_ok(R"({
    "schema_version": "1.6.0",
    "id": "GHSA-aaaa-bbbb-cccc", "modified": "2024-03-01T10:00:00.123Z",
    "published": "2024-02-01T00:00:00Z", "aliases": ["CVE-2024-1"],
    "summary": "Prototype pollution", "details": "Long text",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "affected": [{
      "package": {"ecosystem": "npm", "name": "lodash", "purl": "pkg:npm/lodash"},
      "ranges": [
        {"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]},
        {"type": "GIT", "repo": "https://x", "events": [{"introduced": "abc"}]},
        {"type": "FUTURE_TYPE", "events": [{"introduced": "1"}]}
      ],
      "versions": ["4.17.20"],
      "unknown_field": {"is": "ignored"}
    }]
  })");
  EXPECT_EQ(a.id, "GHSA-aaaa-bbbb-cccc");
  EXPECT_EQ(a.modified, "2024-03-01T10:00:00.123Z");
  EXPECT_EQ(a.published, "2024-02-01T00:00:00Z");
  EXPECT_EQ(a.withdrawn, "");
  EXPECT_EQ(a.aliases, std::vector<std::string>{"CVE-2024-1"});
  EXPECT_EQ(a.summary, "Prototype pollution");
  EXPECT_EQ(a.details, "Long text");
  EXPECT_EQ(a.severity, Severity::Critical);
  ASSERT_EQ(a.affected.size(), 1u);
  const Affected& f = a.affected[0];
  EXPECT_EQ(f.ecosystem, "npm");
  EXPECT_EQ(f.name, "lodash");
  EXPECT_EQ(f.purl, "pkg:npm/lodash");
  ASSERT_EQ(f.ranges.size(), 2u);  // the unknown range type is dropped
  EXPECT_EQ(f.ranges[0].type, Range::Type::Semver);
  EXPECT_EQ(f.ranges[1].type, Range::Type::Git);
  ASSERT_EQ(f.ranges[0].events.size(), 2u);
  EXPECT_EQ(f.ranges[0].events[1].kind, Event::Kind::Fixed);
  EXPECT_EQ(f.ranges[0].events[1].version, "4.17.21");
  EXPECT_EQ(f.versions, std::vector<std::string>{"4.17.20"});
}

TEST(OsvAdvisory, SeverityFromLabels) {
  // GHSA's database_specific.severity wins over the CVSS score.
  EXPECT_EQ(parse_ok(R"({"id": "A", "modified": "2024-01-01T00:00:00Z",
      "database_specific": {"severity": "MODERATE"},
      "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]})").severity,
            Severity::Medium);
  // Debian urgency per affected entry.
  Advisory d = parse_ok(R"({"id": "DEBIAN-CVE-1", "modified": "2024-01-01T00:00:00Z",
      "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
                    "ecosystem_specific": {"urgency": "unimportant"},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]})");
  EXPECT_EQ(d.severity, Severity::Low);
  EXPECT_EQ(d.affected[0].severity, Severity::Low);
  // "not yet assigned" names no level: the CVSS vector decides.
  EXPECT_EQ(parse_ok(R"({"id": "B", "modified": "2024-01-01T00:00:00Z",
      "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"}],
      "affected": [{"package": {"ecosystem": "Debian:12", "name": "x"},
                    "ecosystem_specific": {"urgency": "not yet assigned"}}]})").severity,
            Severity::Medium);
  // Only a CVSS v4 vector: not scored, Unknown.
  EXPECT_EQ(parse_ok(R"({"id": "C", "modified": "2024-01-01T00:00:00Z",
      "severity": [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}]})")
                .severity,
            Severity::Unknown);
  EXPECT_EQ(parse_ok(R"({"id": "U", "modified": "2024-01-01T00:00:00Z",
      "severity": [{"type": "Ubuntu", "score": "high"}]})").severity,
            Severity::High);
  EXPECT_EQ(parse_ok(R"({"id": "D", "modified": "2024-01-01T00:00:00Z"})").severity, Severity::Unknown);
}

TEST(OsvAdvisory, ErrorsNameFileAndField) {
  EXPECT_EQ(parse_error(R"({"modified": "2024-01-01T00:00:00Z"})"), "bad.json: id: required field is missing");
  EXPECT_EQ(parse_error(R"({"id": "X"})"), "bad.json: modified: required field is missing");
  EXPECT_NE(parse_error(R"({"id": "X", "modified": "yesterday"})").find("modified"), std::string::npos);
  EXPECT_EQ(parse_error(R"({"id": "X", "modified": "2024-01-01T00:00:00Z", "aliases": "CVE-1"})"),
            "bad.json: aliases: expected an array of strings, got string");
  EXPECT_EQ(parse_error(R"({"id": "X", "modified": "2024-01-01T00:00:00Z",
      "affected": [{"package": {"ecosystem": "npm", "name": "a"},
                    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": 3}]}]}]})"),
            "bad.json: affected[0].ranges[0].events[1].fixed: expected a string, got number");
  EXPECT_EQ(parse_error(R"({"id": "X", "modified": "2024-01-01T00:00:00Z",
      "affected": [{"package": {"ecosystem": "npm", "name": "a"},
                    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1"}]}]}]})"),
            "bad.json: affected[0].ranges[0].events[0]: an event has exactly one of introduced, fixed, "
            "last_affected, limit");
  EXPECT_EQ(parse_error(R"({"id": "X", "modified": "2024-01-01T00:00:00Z",
      "affected": [{"package": {"name": "a"}}]})"),
            "bad.json: affected[0].package.ecosystem: required field is missing");
  EXPECT_EQ(parse_error(R"({"id": "X", "modified": "2024-01-01T00:00:00Z",
      "affected": [{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER", "events": []}]}]})"),
            "bad.json: affected[0].ranges[0].events: a range needs at least one event");
  EXPECT_NE(parse_error("{not json").find("bad.json: malformed JSON"), std::string::npos);
  EXPECT_EQ(parse_error("[1]"), "bad.json: document: expected an object, got array");
}

double score(std::string_view v) {
  auto s = cvss3_base_score(v);
  EXPECT_TRUE(s) << (s ? "" : s.error().message());
  return s.value_or(-1);
}

TEST(OsvCvss, KnownBaseScores) {
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"), 6.1);
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"), 5.5);
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), 10.0);
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H"), 9.9);
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"), 5.9);    // Heartbleed-like
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"), 7.5);
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"), 1.6);
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), 0.0);
  // 3.0 vectors and temporal metrics are accepted.
  EXPECT_DOUBLE_EQ(score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O"), 9.8);

  EXPECT_EQ(severity_for_score(9.8), Severity::Critical);
  EXPECT_EQ(severity_for_score(6.1), Severity::Medium);
  EXPECT_EQ(severity_for_score(7.0), Severity::High);
  EXPECT_EQ(severity_for_score(3.9), Severity::Low);
  EXPECT_EQ(severity_for_score(0.0), Severity::Low);
}

TEST(OsvCvss, RejectsBadVectors) {
  EXPECT_FALSE(cvss3_base_score("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
  EXPECT_FALSE(cvss3_base_score("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P"));
  EXPECT_FALSE(cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"));      // no A
  EXPECT_FALSE(cvss3_base_score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));  // bad value
  EXPECT_FALSE(cvss3_base_score("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
  EXPECT_FALSE(cvss3_base_score("CVSS:3.1/AV:N//AC:L"));
}

TEST(OsvAdvisory, TimestampKeyOrdersFractions) {
  auto whole = timestamp_key("2024-01-01T00:00:05Z");
  auto frac = timestamp_key("2024-01-01T00:00:05.1Z");
  auto offset = timestamp_key("2024-01-01T01:00:05+01:00");
  ASSERT_TRUE(whole && frac && offset);
  EXPECT_LT(*whole, *frac);
  EXPECT_EQ(*whole, *offset);
  EXPECT_FALSE(timestamp_key("2024-01-01"));
}

TEST(OsvAdvisory, RangesRoundTrip) {
  Json j = Json::parse(R"([{"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"last_affected":"1.5"},
                            {"limit":"2.0"}]}])");
  auto r = parse_ranges(j, "ranges");
  ASSERT_TRUE(r);
  EXPECT_EQ(ranges_to_json(*r), j);
}

}  // namespace
}  // namespace hako::scan::osv
