#include <gtest/gtest.h>

#include "cli/format/template.h"

namespace hako::cli::format {
namespace {

const Json kData = Json::parse(R"({
  "S": "abc", "L": [1, 2, 3], "M": {"a": [10, 20], "s": "x"}, "N": null, "Size": 142000000,
  "Names": ["web", "db"], "Labels": {"k": "v"}, "Nets": {"bridge": {"IP": "10.0.0.2"}}
})");

std::string run(std::string_view text, const Json& data = kData, const ExecOptions& opts = {}) {
  auto t = parse_template(text);
  if (!t) return "parse: " + t.error().message();
  auto out = t->execute(data, opts);
  if (!out) return "exec: " + out.error().message();
  return *out;
}

// Only the message after "at <...>: ".
std::string err(std::string_view text, const Json& data = kData) {
  std::string out = run(text, data);
  size_t p = out.find(">: ");
  return p == std::string::npos ? out : out.substr(p + 3);
}

TEST(Functions, Len) {
  EXPECT_EQ(run("{{len .S}} {{len .L}} {{len .M}} {{len .N}} {{len \"é\"}}"), "3 3 2 0 2");
  EXPECT_EQ(err("{{len 5}}"), "error calling len: len of type int");
}

TEST(Functions, Index) {
  EXPECT_EQ(run(R"({{index .M "a" 1}})"), "20");
  EXPECT_EQ(run("{{index .L 0}}{{index .L 2}}"), "13");
  EXPECT_EQ(run("{{index .S 1}}"), "98");  // a byte, as in Go
  EXPECT_EQ(run("{{index .L}}"), "[1 2 3]");
  EXPECT_EQ(run(R"({{index .Labels "k"}}|{{index .Labels "x"}}|{{index .N "x"}})"), "v||");
  EXPECT_EQ(run(R"({{(index .Nets "bridge").IP}})"), "10.0.0.2");
  EXPECT_EQ(run(R"({{index .Nets "none"}})"), "<nil>");
  EXPECT_EQ(err("{{index .L 3}}"), "error calling index: index out of range: 3");
  EXPECT_EQ(err("{{index .L -1}}"), "error calling index: index out of range: -1");
  EXPECT_EQ(err(R"({{index .L "a"}})"), "error calling index: cannot index slice/array with type string");
  EXPECT_EQ(err("{{index .M 1}}"), "error calling index: value has type int; should be string");
  EXPECT_EQ(err("{{index 5 1}}"), "error calling index: can't index item of type int");
}

TEST(Functions, Slice) {
  EXPECT_EQ(run(R"({{slice "abcdef" 1 3}}|{{slice .S 1}}|{{slice .S}})"), "bc|bc|abc");
  EXPECT_EQ(run("{{slice .L 1}}|{{slice .L 0 2}}|{{slice .L 3}}"), "[2 3]|[1 2]|[]");
  EXPECT_EQ(err("{{slice .S 2 1}}"), "error calling slice: invalid slice index: 2 > 1");
  EXPECT_EQ(err("{{slice .S 0 1 2}}"), "error calling slice: cannot 3-index slice a string");
  EXPECT_EQ(err("{{slice .L 4}}"), "error calling slice: index out of range: 4");
  EXPECT_EQ(err("{{slice 3 1}}"), "error calling slice: can't slice item of type int");
}

TEST(Functions, Comparisons) {
  EXPECT_EQ(run("{{eq 1 1}} {{eq 2 1 2}} {{eq \"a\" \"b\"}} {{eq .N .N}} {{eq .S .N}}"), "true true false true false");
  EXPECT_EQ(run("{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt 3 2}} {{ge 1 2}}"), "true true true true false");
  EXPECT_EQ(run(R"({{lt "a" "b"}} {{gt "b" "a"}} {{lt 1 2.5}} {{eq 2 2.0}})"), "true true true true");
  EXPECT_EQ(run("{{eq .L .L}} {{eq .Size 142000000}}"), "true true");
  EXPECT_EQ(err("{{lt true false}}"), "error calling lt: invalid type for comparison");
  EXPECT_EQ(err("{{lt 1 \"a\"}}"), "error calling lt: incompatible types for comparison");
  EXPECT_EQ(err("{{lt .L 1}}"), "error calling lt: invalid type for comparison");
  EXPECT_EQ(err("{{eq 1}}"), "error calling eq: missing argument for comparison");
  EXPECT_EQ(err("{{ne 1}}"), "wrong number of args for ne: want 2 got 1");
}

TEST(Functions, LogicAndNot) {
  EXPECT_EQ(run("{{not 0}} {{not .S}} {{not .N}} {{not .L}}"), "true false true false");
  EXPECT_EQ(run("{{and .S .L}} {{or .N .S}} {{and .N .S}}"), "[1 2 3] abc <nil>");
  EXPECT_EQ(err("{{and}}"), "wrong number of args for and: want at least 1 got 0");
}

TEST(Functions, PrintFamily) {
  EXPECT_EQ(run(R"({{print 1 2 "a" "b" 3}})"), "1 2ab3");
  EXPECT_EQ(run(R"({{println "a" 1}})"), "a 1\n");
  EXPECT_EQ(run(R"({{printf "%-6s|%3d|%v|%.1f" "ab" 7 .L 2.26}})"), "ab    |  7|[1 2 3]|2.3");
  EXPECT_EQ(run(R"({{printf "%s"}}|{{printf "x" 1}})"), "%!s(MISSING)|x%!(EXTRA int=1)");
  EXPECT_EQ(run(R"({{printf "%d" .S}})"), "%!d(string=abc)");
  EXPECT_EQ(run(R"({{.S | printf "%q"}})"), "\"abc\"");
  EXPECT_EQ(err("{{printf 1}}"), "wrong type for value; expected string; got int");
  EXPECT_EQ(run("{{print}}|{{println}}"), "|\n");
}

TEST(Functions, Escapers) {
  EXPECT_EQ(run(R"({{html "<a href='x'>&\"</a>"}})"), "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;");
  EXPECT_EQ(run(R"({{js "it's <b>=\n"}})"), "it\\'s \\u003Cb\\u003E\\u003D\\u000A");
  EXPECT_EQ(run(R"({{urlquery "a b&c=d/é"}})"), "a+b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(run("{{html 1 2}}"), "1 2");
}

TEST(Functions, DockerJson) {
  EXPECT_EQ(run("{{json .Size}}|{{json .S}}|{{json .N}}|{{json .M}}"), R"(142000000|"abc"|null|{"a":[10,20],"s":"x"})");
  EXPECT_EQ(run(R"({{json "a<b&c"}})"), R"("a<b&c")");
  EXPECT_EQ(run(R"({{json (split "a,b" ",")}})"), R"(["a","b"])");
}

TEST(Functions, DockerStrings) {
  EXPECT_EQ(run(R"({{split "a,b" ","}}|{{len (split "" ",")}}|{{split "héllo" ""}}|{{split "a" "a"}})"),
            "[a b]|1|[h é l l o]|[ ]");
  EXPECT_EQ(run(R"({{join .Names ", "}}|{{join .N ","}}|{{join (split "a b" " ") "+"}})"), "web, db||a+b");
  EXPECT_EQ(err("{{join .L \",\"}}"), "wrong type for value; expected []string; got []interface {}");
  EXPECT_EQ(run(R"({{title "hello wORLD-foo_bar élan"}})"), "Hello WORLD-Foo_bar Élan");
  EXPECT_EQ(run(R"({{upper "straße é ж"}}|{{lower "ÀB Ж"}})"), "STRAßE É Ж|àb ж");
  EXPECT_EQ(run(R"({{pad "x" 2 1}}|{{pad "" 2 2}}|)"), "  x ||");
  EXPECT_EQ(run(R"({{truncate "abcdef" 3}}|{{truncate "ab" 5}}|{{truncate "abc" 3}})"), "abc|ab|abc");
  EXPECT_EQ(err("{{truncate .S -1}}"), "error calling truncate: runtime error: slice bounds out of range [:-1]");
  EXPECT_EQ(err("{{pad .S -1 0}}"), "error calling pad: strings: negative Repeat count");
  EXPECT_EQ(err("{{upper .L}}"), "wrong type for value; expected string; got []interface {}");
  EXPECT_EQ(err("{{upper .N}}"), "wrong type for value; expected string; got interface {}");
  EXPECT_EQ(err("{{truncate .S \"2\"}}"), "wrong type for value; expected int; got string");
}

TEST(Functions, HeaderModeKeepsHeaderText) {
  Json header = {{"ID", "IMAGE ID"}, {"Names", "NAMES"}};
  ExecOptions h{.missing_key = MissingKey::Default, .header = true};
  EXPECT_EQ(run(R"({{json .ID}}|{{upper .ID}}|{{lower .ID}}|{{title .ID}}|{{truncate .ID 2}}|{{pad .ID 1 1}}|{{join .Names ","}}|{{split .Names ","}})",
                header, h),
            "IMAGE ID|IMAGE ID|IMAGE ID|IMAGE ID|IMAGE ID| IMAGE ID |NAMES|NAMES");
  EXPECT_EQ(run(R"({{.ID "ignored"}}|{{.Other}})", header, h), "IMAGE ID|<no value>");
}

}  // namespace
}  // namespace hako::cli::format
