#include "cli/format/gofmt.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace hako::cli::format {
namespace {

std::string sprintf_(std::string_view f, std::vector<Json> args) {
  std::vector<const Json*> p;
  for (const auto& a : args) p.push_back(&a);
  return go_sprintf(f, p);
}

TEST(GoFmt, PrintsValuesLikeGo) {
  EXPECT_EQ(go_sprint_value("abc"), "abc");
  EXPECT_EQ(go_sprint_value(42), "42");
  EXPECT_EQ(go_sprint_value(-7), "-7");
  EXPECT_EQ(go_sprint_value(std::numeric_limits<uint64_t>::max()), "18446744073709551615");
  EXPECT_EQ(go_sprint_value(1.5), "1.5");
  EXPECT_EQ(go_sprint_value(3.0), "3");
  EXPECT_EQ(go_sprint_value(123456.0), "123456");
  EXPECT_EQ(go_sprint_value(1e6), "1e+06");
  EXPECT_EQ(go_sprint_value(1234567.0), "1.234567e+06");
  EXPECT_EQ(go_sprint_value(0.0001), "0.0001");
  EXPECT_EQ(go_sprint_value(0.00001), "1e-05");
  EXPECT_EQ(go_sprint_value(1e21), "1e+21");
  EXPECT_EQ(go_sprint_value(true), "true");
  EXPECT_EQ(go_sprint_value(nullptr), "<nil>");
  EXPECT_EQ(go_sprint_value(Json::parse(R"([1,"a",null,[]])")), "[1 a <nil> []]");
  EXPECT_EQ(go_sprint_value(Json::parse(R"({"b":1,"a":[true],"c":{}})")), "map[a:[true] b:1 c:map[]]");
}

TEST(GoFmt, FormatFloat) {
  EXPECT_EQ(go_format_float(1.0, 'g', -1), "1");
  EXPECT_EQ(go_format_float(0.0, 'g', -1), "0");
  EXPECT_EQ(go_format_float(-0.0, 'g', -1), "-0");
  EXPECT_EQ(go_format_float(100, 'e', -1), "1e+02");
  EXPECT_EQ(go_format_float(1.5, 'f', -1), "1.5");
  EXPECT_EQ(go_format_float(1e21, 'f', -1), "1000000000000000000000");
  EXPECT_EQ(go_format_float(0.000001234, 'g', -1), "1.234e-06");
  EXPECT_EQ(go_format_float(123456789.0, 'g', -1), "1.23456789e+08");
  EXPECT_EQ(go_format_float(1234.5678, 'e', 6), "1.234568e+03");
  EXPECT_EQ(go_format_float(std::nan(""), 'g', -1), "NaN");
  EXPECT_EQ(go_format_float(-INFINITY, 'g', -1), "-Inf");
}

TEST(GoFmt, SprintfStringsAndWidths) {
  EXPECT_EQ(sprintf_("%s|%5s|%-5s|", {"ab", "ab", "ab"}), "ab|   ab|ab   |");
  EXPECT_EQ(sprintf_("%.3s|%q|%x|% x|%X", {"abcdef", "a\"b\n", "hi", "hi", "hi"}), "abc|\"a\\\"b\\n\"|6869|68 69|6869");
  EXPECT_EQ(sprintf_("%#q %+q", {"a", "é"}), "`a` \"\\u00e9\"");
  EXPECT_EQ(sprintf_("%v|%#v|%T", {"x", "x", "x"}), "x|\"x\"|string");
  EXPECT_EQ(sprintf_("%5t|%v", {true, false}), " true|false");
  EXPECT_EQ(sprintf_("100%%", {}), "100%");
}

TEST(GoFmt, SprintfIntegers) {
  EXPECT_EQ(sprintf_("%d|%5d|%-5d|%05d|%+d", {42, 42, 42, -42, 42}), "42|   42|42   |-0042|+42");
  EXPECT_EQ(sprintf_("%x %X %#x %o %#o %O %b %x", {255, 255, 255, 8, 8, 8, 5, -255}), "ff FF 0xff 10 010 0o10 101 -ff");
  EXPECT_EQ(sprintf_("%c|%q|%U|%#U", {65, 65, 65, 0x263A}), "A|'A'|U+0041|U+263A '☺'");
  EXPECT_EQ(sprintf_("%.0d|%.3d|%*d|%-*d|", {0, 7, 5, 42, 3, 1}), "|007|   42|1  |");
  EXPECT_EQ(sprintf_("%v %T", {int64_t(1) << 40, 1}), "1099511627776 int");
}

TEST(GoFmt, SprintfFloats) {
  EXPECT_EQ(sprintf_("%.2f|%8.3f|%08.3f|%f", {3.14159, 3.14159, -3.14159, 1.0}), "3.14|   3.142|-003.142|1.000000");
  EXPECT_EQ(sprintf_("%e|%E|%g|%g|%.3g|%G", {1234.5678, 1234.5678, 1234.5678, 1e7, 1234.5678, 1e-7}),
            "1.234568e+03|1.234568E+03|1234.5678|1e+07|1.23e+03|1E-07");
  EXPECT_EQ(sprintf_("%+.1f|% .1f|%v", {2.0, 2.0, 0.1}), "+2.0| 2.0|0.1");
}

TEST(GoFmt, SprintfMistakesPrintLikeGo) {
  EXPECT_EQ(sprintf_("%f", {5}), "%!f(int=5)");
  EXPECT_EQ(sprintf_("%d", {"x"}), "%!d(string=x)");
  EXPECT_EQ(sprintf_("%s", {5}), "%!s(int=5)");
  EXPECT_EQ(sprintf_("%s", {nullptr}), "%!s(<nil>)");
  EXPECT_EQ(sprintf_("%v", {nullptr}), "<nil>");
  EXPECT_EQ(sprintf_("%d %d", {1}), "1 %!d(MISSING)");
  EXPECT_EQ(sprintf_("%d", {1, "a", nullptr}), "1%!(EXTRA string=a, <nil>)");
  EXPECT_EQ(sprintf_("abc%", {}), "abc%!(NOVERB)");
  EXPECT_EQ(sprintf_("%d", {Json::parse(R"([1,"a"])")}), "[1 %!d(string=a)]");
  EXPECT_EQ(sprintf_("%#v", {Json::parse(R"(["a",1])")}), "[]interface {}{\"a\", 1}");
}

TEST(GoFmt, SprintAndSprintln) {
  std::vector<Json> v = {1, 2, "a", "b", 3};
  std::vector<const Json*> p;
  for (const auto& a : v) p.push_back(&a);
  EXPECT_EQ(go_sprint(p), "1 2ab3");
  EXPECT_EQ(go_sprintln(p), "1 2 a b 3\n");
}

TEST(GoFmt, Quote) {
  EXPECT_EQ(go_quote("héllo\x01\xff"), "\"héllo\\x01\\xff\"");
  EXPECT_EQ(go_quote("é\t", true), "\"\\u00e9\\t\"");
  EXPECT_EQ(go_quote_rune('\''), "'\\''");
}

TEST(GoFmt, JsonLikeEncodingJson) {
  Json v = Json::parse(R"({"s":"<b>&","n":1,"f":1.5,"three":3.0,"big":1e21,"small":1e-7,"arr":[null,true],"u":18446744073709551615})");
  EXPECT_EQ(go_json(v), R"({"arr":[null,true],"big":1e+21,"f":1.5,"n":1,"s":"<b>&","small":1e-7,"three":3,"u":18446744073709551615})");
  EXPECT_EQ(go_json("tab\tnl\nq\"\\ \u2028 \x01 \x7f"), R"("tab\tnl\nq\"\\ \u2028 \u0001 )" "\x7f\"");
  EXPECT_EQ(go_json("\xff"), R"("\ufffd")");
  EXPECT_EQ(go_json(Json::object()), "{}");
  EXPECT_EQ(go_json(nullptr), "null");
  EXPECT_FALSE(go_json(std::nan("")));
}

}  // namespace
}  // namespace hako::cli::format
