#include "engine/logs/log_format.h"

#include <gtest/gtest.h>

#include <random>

#include "base/json.h"

namespace hako::engine::logs {
namespace {

std::string escaped(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

constexpr int64_t kSec = 1000000000;
constexpr int64_t kDec2 = 1796175869;  // 2026-12-02T01:44:29Z

TEST(LogFormat, EscapesHtmlLikeGo) {
  EXPECT_EQ(escaped("<a href=\"x\">&</a>"), R"("\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e")");
  EXPECT_EQ(escaped("back\\slash"), R"("back\\slash")");
  EXPECT_EQ(escaped("plain text 123"), R"("plain text 123")");
}

TEST(LogFormat, EscapesControlBytesAsDockerDoes) {
  // Docker's encoder has short forms for \n and \r only (Go's has \t too).
  EXPECT_EQ(escaped("a\nb\rc\td"), R"("a\nb\rc\u0009d")");
  EXPECT_EQ(escaped(std::string("\x00\x01\x1f\x7f", 4)), R"("\u0000\u0001\u001f)" "\x7f\"");
  EXPECT_EQ(escaped("\x1b[31mred\x1b[0m"), R"("\u001b[31mred\u001b[0m")");
}

TEST(LogFormat, ReplacesInvalidUtf8ByteByByte) {
  EXPECT_EQ(escaped("\xff"), R"("\ufffd")");
  EXPECT_EQ(escaped("a\xc3"), R"("a\ufffd")");                       // truncated
  EXPECT_EQ(escaped("\xc0\xaf"), R"("\ufffd\ufffd")");               // overlong
  EXPECT_EQ(escaped("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");     // surrogate
  EXPECT_EQ(escaped("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // > U+10FFFF
  EXPECT_EQ(escaped("\xe2\x82x"), R"("\ufffd\ufffdx")");
  // Valid multi-byte text passes through; U+2028/9 are escaped.
  EXPECT_EQ(escaped("é€😀"), "\"é€😀\"");
  EXPECT_EQ(escaped("a\xe2\x80\xa8z\xe2\x80\xa9"), R"("a\u2028z\u2029")");
}

TEST(LogFormat, EscapedTextRoundTripsThroughAJsonParser) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::string s;
    int n = rng() % 40;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>(rng() % 256));
    Json j = Json::parse(escaped(s));
    std::string back = j.get<std::string>();
    // Valid text survives exactly; each invalid byte became U+FFFD.
    if (escaped(s).find("\\ufffd") == std::string::npos) {
      EXPECT_EQ(back, s);
    }
    EXPECT_EQ(Json::parse(escaped(back)).get<std::string>(), back);
  }
}

TEST(LogFormat, TimesLikeGo) {
  std::string t;
  append_rfc3339_nano(t, kDec2 * kSec + 18409451);
  EXPECT_EQ(t, "2026-12-02T01:44:29.018409451Z");
  t.clear();
  append_rfc3339_nano(t, kDec2 * kSec + 500000000);
  EXPECT_EQ(t, "2026-12-02T01:44:29.5Z");  // trailing zeros trimmed
  t.clear();
  append_rfc3339_nano(t, 0);
  EXPECT_EQ(t, "1970-01-01T00:00:00Z");
  t.clear();
  append_rfc3339_nano(t, -1);
  EXPECT_EQ(t, "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(rfc3339_nano_fixed(kDec2 * kSec + 500000000), "2026-12-02T01:44:29.500000000Z");
  EXPECT_EQ(rfc3339_nano_fixed(1709251199 * kSec), "2024-02-29T23:59:59.000000000Z");
}

TEST(LogFormat, ParsesRfc3339Nano) {
  EXPECT_EQ(parse_rfc3339_nano("2026-12-02T01:44:29.018409451Z"), kDec2 * kSec + 18409451);
  EXPECT_EQ(parse_rfc3339_nano("2026-12-02T01:44:29Z"), kDec2 * kSec);
  EXPECT_EQ(parse_rfc3339_nano("2026-12-02T01:44:29.5Z"), kDec2 * kSec + 500000000);
  EXPECT_EQ(parse_rfc3339_nano("2026-12-02T03:44:29+02:00"), kDec2 * kSec);
  EXPECT_EQ(parse_rfc3339_nano("2026-12-01T23:44:29.1-02:00"), kDec2 * kSec + 100000000);
  EXPECT_EQ(parse_rfc3339_nano("1969-12-31T23:59:59.999999999Z"), -1);
  for (const char* bad : {"", "2026-12-02", "2026-12-02T01:44:29", "2026-13-02T01:44:29Z",
                          "2026-12-02T01:44:29.Z", "2026-12-02T01:44:29Zjunk", "x026-12-02T01:44:29Z"})
    EXPECT_FALSE(parse_rfc3339_nano(bad)) << bad;
}

TEST(LogFormat, EntryIsDockersLine) {
  std::string line;
  append_entry(line, Stream::Stdout, "hello <world>\n", kDec2 * kSec + 18409451);
  EXPECT_EQ(line,
            R"({"log":"hello \u003cworld\u003e\n","stream":"stdout","time":"2026-12-02T01:44:29.018409451Z"})"
            "\n");
  line.clear();
  append_entry(line, Stream::Stderr, "", 0);  // omitempty
  EXPECT_EQ(line, R"({"stream":"stderr","time":"1970-01-01T00:00:00Z"})"
                  "\n");
}

TEST(LogFormat, DecodesEntries) {
  DecodedEntry e;
  ASSERT_TRUE(decode_entry(
      R"({"log":"a\u003cb\n","stream":"stderr","time":"2026-12-02T01:44:29.018409451Z"})", e));
  EXPECT_EQ(e.text, "a<b\n");
  EXPECT_EQ(e.stream, Stream::Stderr);
  EXPECT_EQ(e.time, kDec2 * kSec + 18409451);
  // Docker's own lines may carry attrs; an absent log is empty text.
  ASSERT_TRUE(decode_entry(R"({"stream":"stdout","attrs":{"tag":"x"},"time":"1970-01-01T00:00:01Z"})", e));
  EXPECT_EQ(e.text, "");
  EXPECT_EQ(e.time, kSec);
  for (const char* bad : {"", "not json", "[1]", R"({"log":"x","stream":"stdout"})",
                          R"({"log":"x","stream":"stdin","time":"1970-01-01T00:00:01Z"})",
                          R"({"log":5,"stream":"stdout","time":"1970-01-01T00:00:01Z"})",
                          R"({"log":"x","stream":"stdout","time":"yesterday"})",
                          R"({"log":"x","stream":"stdout","time":"1970-01-01T00:00:01Z")"})
    EXPECT_FALSE(decode_entry(bad, e)) << bad;
}

}  // namespace
}  // namespace hako::engine::logs
