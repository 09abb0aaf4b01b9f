#include "cli/format/template.h"

#include <gtest/gtest.h>

namespace hako::cli::format {
namespace {

const Json kContainer = Json::parse(R"({
  "ID": "abc123", "Repository": "nginx", "Tag": "latest", "Size": 142000000, "Ratio": 0.5,
  "Name": "/MyContainer", "Names": ["web", "db"], "Empty": "", "Zero": 0,
  "Labels": {"com.x": "1", "b": "2"},
  "State": {"Status": "running", "Running": true, "ExitCode": 0, "Health": null},
  "Config": {"Env": ["A=1", "B=2"], "Cmd": null},
  "Mounts": [{"Source": "/src", "Destination": "/dst"}, {"Source": "/s2", "Destination": "/d2"}]
})");

// The output, or "parse: <message>" / "exec: <message>".
std::string run(std::string_view text, const Json& data = kContainer, const ExecOptions& opts = {}) {
  auto t = parse_template(text);
  if (!t) return "parse: " + t.error().message();
  auto out = t->execute(data, opts);
  if (!out) return "exec: " + out.error().message();
  return *out;
}

TEST(Template, TextAndFields) {
  EXPECT_EQ(run(""), "");
  EXPECT_EQ(run("plain text"), "plain text");
  EXPECT_EQ(run("{{.ID}}"), "abc123");
  EXPECT_EQ(run("{{.Repository}}:{{.Tag}}"), "nginx:latest");
  EXPECT_EQ(run("{{.Size}} {{.Ratio}} {{.Zero}}"), "142000000 0.5 0");
  EXPECT_EQ(run("{{.Names}}"), "[web db]");
  EXPECT_EQ(run("{{.State.Status}}"), "running");
  EXPECT_EQ(run("{{.State.Health}}"), "<nil>");
  EXPECT_EQ(run("{{.}}", Json::parse(R"({"b":"x","a":1})")), "map[a:1 b:x]");
  EXPECT_EQ(run("{{.Labels}}"), "map[b:2 com.x:1]");
}

TEST(Template, DockerRealWorld) {
  EXPECT_EQ(run("{{json .}}", Json::parse(R"({"b":[1,2],"a":"x<y"})")), R"({"a":"x<y","b":[1,2]})");
  EXPECT_EQ(run("{{json .Config.Env}}"), R"(["A=1","B=2"])");
  EXPECT_EQ(run("{{json .Config.Cmd}}"), "null");
  EXPECT_EQ(run("{{range .Mounts}}{{.Source}}{{end}}"), "/src/s2");
  EXPECT_EQ(run("{{range .Mounts}}{{.Source}}:{{.Destination}} {{end}}"), "/src:/dst /s2:/d2 ");
  EXPECT_EQ(run(R"({{index .Labels "com.x"}})"), "1");
  EXPECT_EQ(run(R"({{index .Labels "absent"}})"), "");
  EXPECT_EQ(run("{{if .State.Running}}up{{else}}down{{end}}"), "up");
  EXPECT_EQ(run("{{if .State.Running}}up{{else}}down{{end}}", Json::parse(R"({"State":{"Running":false}})")), "down");
  EXPECT_EQ(run(R"({{join .Names ","}})"), "web,db");
  EXPECT_EQ(run("{{lower .Name}}"), "/mycontainer");
  EXPECT_EQ(run("{{.State.ExitCode}}"), "0");
  EXPECT_EQ(run("{{range $k, $v := .Labels}}{{$k}}={{$v}}\n{{end}}"), "b=2\ncom.x=1\n");
  EXPECT_EQ(run(R"({{with .State}}{{.Status}} ({{.ExitCode}}){{end}})"), "running (0)");
}

TEST(Template, TrimMarkersAndComments) {
  EXPECT_EQ(run("a  {{- .ID -}}  b"), "aabc123b");
  EXPECT_EQ(run("x\n\t{{- .ID }}\n"), "xabc123\n");
  EXPECT_EQ(run("{{ .ID -}}\n\n  end"), "abc123end");
  EXPECT_EQ(run("{{-3}}"), "-3");  // a number, not a trim marker
  EXPECT_EQ(run("a{{/* a comment */}}b"), "ab");
  EXPECT_EQ(run("a {{- /* c */}} b"), "a b");
  EXPECT_EQ(run("a {{- /* c */ -}} b"), "ab");
  EXPECT_EQ(run("{{/* multi\nline */}}x"), "x");
  EXPECT_EQ(run("{{\n  .ID\n}}"), "abc123");  // newlines inside actions
  EXPECT_EQ(run("x {{- 3 -}} y"), "x3y");
  EXPECT_EQ(run("{{.ID|lower}}"), "abc123");
}

TEST(Template, UnicodeAndOddData) {
  EXPECT_EQ(run("{{.Größe}}", Json::parse(R"({"Größe": "groß"})")), "groß");
  EXPECT_EQ(run("{{.}}", Json("just a string")), "just a string");
  EXPECT_EQ(run("{{range .}}{{.}},{{end}}", Json::parse("[1, 2.5, \"x\", null, true]")), "1,2.5,x,<nil>,true,");
  EXPECT_EQ(run("{{.ID}}", Json::parse("[1]")), "exec: template: :1:2: executing \"\" at <.ID>: can't evaluate field ID in type []interface {}");
}

TEST(Template, Pipelines) {
  EXPECT_EQ(run("{{.Name | lower}}"), "/mycontainer");
  EXPECT_EQ(run("{{.Names | len}}"), "2");
  EXPECT_EQ(run(R"({{"x" | printf "%s-%s" "y"}})"), "y-x");
  EXPECT_EQ(run(R"({{.Name | lower | printf "%q"}})"), "\"/mycontainer\"");
  EXPECT_EQ(run(R"({{(index .Mounts 0).Source}})"), "/src");
  EXPECT_EQ(run(R"({{len (split "a,b,c" ",")}})"), "3");
  EXPECT_EQ(run(R"({{printf "%s=%d" (index .Names 0) (len .Names)}})"), "web=2");
  EXPECT_EQ(run(R"({{(.State).Status}})"), "running");
}

TEST(Template, Variables) {
  EXPECT_EQ(run("{{$x := .ID}}{{$x}}"), "abc123");
  EXPECT_EQ(run("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}"), "2");
  EXPECT_EQ(run("{{range .Mounts}}{{$.ID}},{{end}}"), "abc123,abc123,");
  EXPECT_EQ(run("{{with .State}}{{.Status}}/{{$.Tag}}{{end}}"), "running/latest");
  EXPECT_EQ(run("{{$s := .State}}{{$s.Status}}"), "running");
  EXPECT_EQ(run("{{$}}", Json::parse(R"({"a":1})")), "map[a:1]");
  // A variable declared inside a control is gone after its {{end}}.
  EXPECT_EQ(run("{{if true}}{{$y := 1}}{{end}}{{$y}}"), "parse: template: :1: undefined variable \"$y\"");
}

TEST(Template, Range) {
  EXPECT_EQ(run("{{range $i, $v := .Names}}{{$i}}={{$v}} {{end}}"), "0=web 1=db ");
  EXPECT_EQ(run("{{range $v := .Names}}{{$v}}{{end}}"), "webdb");
  EXPECT_EQ(run("{{range .Config.Cmd}}x{{else}}none{{end}}"), "none");
  EXPECT_EQ(run("{{range .L}}x{{else}}empty{{end}}", Json::parse(R"({"L":[]})")), "empty");
  EXPECT_EQ(run("{{range .}}{{.}}{{end}}", Json::parse(R"({"b":2,"a":1})")), "12");
  EXPECT_EQ(run("{{range 3}}{{.}}{{end}}"), "012");
  Json l = Json::parse(R"({"L":[1,2,3,4]})");
  EXPECT_EQ(run("{{range .L}}{{if eq . 3}}{{break}}{{end}}{{.}}{{end}}", l), "12");
  EXPECT_EQ(run("{{range .L}}{{if eq . 2}}{{continue}}{{end}}{{.}}{{end}}", l), "134");
  EXPECT_EQ(run("{{$i := 0}}{{range .L}}{{$i = .}}{{end}}{{$i}}", l), "4");
}

TEST(Template, IfElseAndWith) {
  const char* t = "{{if eq .X 1}}one{{else if eq .X 2}}two{{else}}other{{end}}";
  EXPECT_EQ(run(t, Json::parse(R"({"X":1})")), "one");
  EXPECT_EQ(run(t, Json::parse(R"({"X":2})")), "two");
  EXPECT_EQ(run(t, Json::parse(R"({"X":5})")), "other");
  EXPECT_EQ(run("{{if .Empty}}y{{end}}|{{if .Zero}}y{{end}}|{{if .Names}}y{{end}}"), "||y");
  EXPECT_EQ(run("{{with .State.Health}}h{{else}}no health{{end}}"), "no health");
  EXPECT_EQ(run("{{with .A}}a{{else with .B}}b={{.}}{{else}}none{{end}}", Json::parse(R"({"A":"","B":"x"})")), "b=x");
  EXPECT_EQ(run("{{if and .State.Running (not .Empty)}}ok{{end}}"), "ok");
}

TEST(Template, Literals) {
  EXPECT_EQ(run(R"({{"tab\there"}})"), "tab\there");
  EXPECT_EQ(run(R"({{"\u00e9\x41\101"}})"), "éAA");
  EXPECT_EQ(run("{{`raw\\t`}}"), "raw\\t");
  EXPECT_EQ(run("{{1.5}} {{0x1F}} {{0o17}} {{1_000}} {{'a'}} {{-5}} {{1e3}}"), "1.5 31 15 1000 97 -5 1000");
  EXPECT_EQ(run("{{true}} {{false}}"), "true false");
  EXPECT_EQ(run("{{print nil}}"), "<nil>");
}

TEST(Template, AndOrShortCircuit) {
  EXPECT_EQ(run("{{and 1 0}} {{and 1 2}} {{or 0 \"\"}} {{or 0 \"x\"}}"), "0 2  x");
  EXPECT_EQ(run("{{or true .Nope}}"), "true");  // .Nope would fail if evaluated
  EXPECT_EQ(run("{{and false (index .Names 10)}}"), "false");
  EXPECT_EQ(run("{{.Empty | or \"dflt\"}}"), "dflt");
}

TEST(Template, ObjectFieldWithArgumentIndexesIt) {
  Json row = Json::parse(R"({"Label": {"com.x": "1"}})");
  EXPECT_EQ(run(R"({{.Label "com.x"}})", row), "1");
  EXPECT_EQ(run(R"({{.Label "absent"}})", row), "");
  EXPECT_EQ(run(R"({{"com.x" | .Label}})", row), "1");
}

TEST(Template, MissingKeyDefault) {
  ExecOptions lenient{.missing_key = MissingKey::Default};
  EXPECT_EQ(run("{{.Nope}}", kContainer, lenient), "<no value>");
  EXPECT_EQ(run("{{.Nope.Deeper}}", kContainer, lenient), "<no value>");
  EXPECT_EQ(run("{{print .Nope}}", kContainer, lenient), "<nil>");
  EXPECT_EQ(run("{{if .Nope}}y{{else}}n{{end}}", kContainer, lenient), "n");
}

TEST(Template, ParseErrors) {
  EXPECT_EQ(run("{{.Foo}"), "parse: template: :1: unexpected \"}\" in operand");
  EXPECT_EQ(run("{{.ID"), "parse: template: :1: unclosed action");
  EXPECT_EQ(run("{{if .X}}"), "parse: template: :1: unexpected EOF");
  EXPECT_EQ(run("{{end}}"), "parse: template: :1: unexpected {{end}}");
  EXPECT_EQ(run("{{else}}"), "parse: template: :1: unexpected {{else}}");
  EXPECT_EQ(run("{{nope .X}}"), "parse: template: :1: function \"nope\" not defined");
  EXPECT_EQ(run("{{$x}}"), "parse: template: :1: undefined variable \"$x\"");
  EXPECT_EQ(run("{{}}"), "parse: template: :1: missing value for command");
  EXPECT_EQ(run("{{if}}{{end}}"), "parse: template: :1: missing value for if");
  EXPECT_EQ(run("{{.X | 3}}"), "parse: template: :1: non executable command in pipeline stage 2");
  EXPECT_EQ(run("{{/* x }}"), "parse: template: :1: unclosed comment");
  EXPECT_EQ(run("{{/* x */ }}"), "parse: template: :1: comment ends before closing delimiter");
  EXPECT_EQ(run("{{break}}"), "parse: template: :1: {{break}} outside {{range}}");
  EXPECT_EQ(run("{{\"abc}}"), "parse: template: :1: unterminated quoted string");
  EXPECT_EQ(run("{{`abc}}"), "parse: template: :1: unterminated raw quoted string");
  EXPECT_EQ(run("line1\n{{.A}\n"), "parse: template: :2: unexpected \"}\" in operand");
  EXPECT_EQ(run("{{range $i, $v, $w := .}}{{end}}"), "parse: template: :1: too many declarations in range");
  EXPECT_EQ(run("{{template \"x\"}}"), "parse: template: :1: {{template}} is not supported");
  EXPECT_EQ(run("{{(1}}"), "parse: template: :1: unclosed left paren");
  EXPECT_EQ(run("{{)}}"), "parse: template: :1: unexpected right paren");
  EXPECT_EQ(run("{{3.x}}"), "parse: template: :1: bad number syntax: \"3.x\"");
  EXPECT_EQ(run("{{.A.}}"), "parse: template: :1: unexpected <.> in operand");
  EXPECT_EQ(run("{{\"x\".A}}"), "parse: template: :1: unexpected . after term \"\\\"x\\\"\"");
  EXPECT_EQ(run("{{if .A}}x{{else}}y{{else}}z{{end}}"), "parse: template: :1: expected end; found {{else}}");
  EXPECT_EQ(run("{{\"\\q\"}}"), "parse: template: :1: invalid syntax");
  EXPECT_EQ(run("{{ .X @ }}"), "parse: template: :1: unexpected \"@\" in operand");
  EXPECT_EQ(run("{{if .X}}\n{{.Y\n"), "parse: template: :3: unclosed action started at :2");
}

// Cases from Go's text/template/parse tests: the message must contain `want`.
TEST(Template, GoParseErrorCases) {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"line1\n{{", ":2: unclosed action"},
      {"line1\n{{\"x\"\n\"y\"\n", ":4: unclosed action started at :2"},
      {"{{\n\n\n\n\n", ":6: unclosed action started at :1"},
      {"line1\n{{\nx\n}}", ":3: function \"x\" not defined"},
      {"{{/*}}", ":1: unclosed comment"},
      {"{{/*\nhello\n}}", ":1: unclosed comment"},
      {"{{.X (1 2 3}}", "unclosed left paren"},
      {"{{.X 1 2 3 ) }}", "unexpected right paren"},
      {"{{(.X 1 2 3", "unclosed action"},
      {"{{`x`3}}", "in operand"},
      {"{{a#}}", "bad character U+0023 '#'"},
      {"{{'a}}", "unterminated character constant"},
      {"{{0xi}}", "number syntax"},
      {"{{range .X}}", "unexpected EOF"},
      {"{{$x := 23}}{{with $x.y := 3}}{{$x 23}}{{end}}", "unexpected \":=\""},
      {"{{$a,$b,$c := 23}}", "too many declarations"},
      {"{{true.any}}", "unexpected . after term"},
      {"{{12|false}}", "non executable command in pipeline"},
      {"{{ ( ) }}", "missing value for parenthesized pipeline"},
      {"{{ $v := `\n` }} {{", ":2: unclosed action"},
      {"{{range $k}}{{end}}", "undefined variable"},
      {"{{range $k, $v}}{{end}}", "undefined variable"},
      {"{{range $k,}}{{end}}", "missing value for range"},
      {"{{range $k, $v := }}{{end}}", "missing value for range"},
      {"{{range $k, .}}{{end}}", "range can only initialize variables"},
      {"{{range $k, 123 := .}}{{end}}", "range can only initialize variables"},
  };
  for (const auto& c : cases) {
    auto t = parse_template(c.text);
    ASSERT_FALSE(t) << c.text;
    EXPECT_NE(t.error().message().find(c.want), std::string::npos) << c.text << " → " << t.error().message();
  }
}

TEST(Template, ExecErrors) {
  Json a = Json::parse(R"({"A":"s","N":null,"L":[1]})");
  EXPECT_EQ(run("{{.Foo}}", a), "exec: template: :1:2: executing \"\" at <.Foo>: map has no entry for key \"Foo\"");
  EXPECT_EQ(run("{{.A.B}}", a), "exec: template: :1:4: executing \"\" at <.A.B>: can't evaluate field B in type string");
  EXPECT_EQ(run("{{.N.B}}", a), "exec: template: :1:4: executing \"\" at <.N.B>: nil pointer evaluating interface {}.B");
  EXPECT_EQ(run("{{index .L 5}}", a),
            "exec: template: :1:2: executing \"\" at <index .L 5>: error calling index: index out of range: 5");
  EXPECT_EQ(run("{{join .L}}", a), "exec: template: :1:2: executing \"\" at <join>: wrong number of args for join: want 2 got 1");
  EXPECT_EQ(run("{{lower 5}}", a), "exec: template: :1:2: executing \"\" at <lower 5>: wrong type for value; expected string; got int");
  EXPECT_EQ(run("{{eq \"a\" 1}}", a),
            "exec: template: :1:2: executing \"\" at <eq \"a\" 1>: error calling eq: incompatible types for comparison");
  EXPECT_EQ(run("{{range .A}}{{end}}", a), "exec: template: :1:8: executing \"\" at <.A>: range can't iterate over s");
  EXPECT_EQ(run("{{.A 1}}", a), "exec: template: :1:2: executing \"\" at <.A>: A is not a method but has arguments");
  EXPECT_EQ(run("{{\"x\" 1}}", a), "exec: template: :1:2: executing \"\" at <\"x\">: can't give argument to non-function \"x\"");
  EXPECT_EQ(run("a\n b{{.Foo}}", a), "exec: template: :2:4: executing \"\" at <.Foo>: map has no entry for key \"Foo\"");
  EXPECT_EQ(run("{{.A}}", Json("str")), "exec: template: :1:2: executing \"\" at <.A>: can't evaluate field A in type string");
  EXPECT_EQ(run("{{$x := 1}}{{$x.F}}", a), "exec: template: :1:15: executing \"\" at <$x.F>: can't evaluate field F in type int");
}

TEST(Template, PartialOutputOnError) {
  auto t = parse_template("ab{{.Foo}}cd");
  ASSERT_TRUE(t);
  std::string out = "> ";
  auto r = t->execute_to(out, Json::object());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::InvalidArgument);
  EXPECT_EQ(out, "> ab");
}

TEST(Template, ParsedOnceExecutedMany) {
  auto t = parse_template("{{.N}};");
  ASSERT_TRUE(t);
  std::string out;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(t->execute_to(out, Json{{"N", i}}));
  EXPECT_EQ(out, "0;1;2;");
  EXPECT_EQ(t->text(), "{{.N}};");
  auto bad = parse_template("{{");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), ErrorKind::InvalidArgument);
}

}  // namespace
}  // namespace hako::cli::format
