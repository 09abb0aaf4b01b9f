#include "build/shell/shell_lex.h"

#include <gtest/gtest.h>

namespace hako::build {
namespace {

const Env& test_env() {
  static const Env env({"PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="});
  return env;
}

struct WordCase {
  const char* in;
  const char* out;  // nullptr: must fail
};

// Modelled on BuildKit's envVarTest, with the default escape char.
const WordCase kWordCases[] = {
    {R"(hello)", "hello"},
    {R"(he'll'o)", "hello"},
    {R"(he'llo)", nullptr},
    {R"(he\'llo)", "he'llo"},
    {R"(he\\'llo)", nullptr},
    {R"(abc\tdef)", "abctdef"},
    {R"("abc\tdef")", R"(abc\tdef)"},
    {R"("abc\\tdef")", R"(abc\tdef)"},
    {R"('abc\tdef')", R"(abc\tdef)"},
    {R"(hello\)", "hello"},
    {R"(hello\\)", R"(hello\)"},
    {R"("hello)", nullptr},
    {R"("hello\")", nullptr},
    {R"("hel'lo")", "hel'lo"},
    {R"('hello)", nullptr},
    {R"('hello\')", R"(hello\)"},
    {R"('hello\there')", R"(hello\there)"},
    {R"("''")", "''"},
    {R"('"hello"')", R"("hello")"},
    {R"(a b  c)", "a b  c"},
    {R"($)", "$"},
    {R"($.)", "$."},
    {R"(he$.x)", "he$.x"},
    {R"(he$1x)", "hex"},
    {R"(he$12x)", "hex"},
    {R"(he$pwd.)", "he."},
    {R"(he$PWD)", "he/home"},
    {R"(he$PWD-x)", "he/home-x"},
    {R"(he\$PWD)", "he$PWD"},
    {R"(he\\$PWD)", R"(he\/home)"},
    {R"("he\$PWD")", "he$PWD"},
    {R"("he\\$PWD")", R"(he\/home)"},
    {R"('he\$PWD')", R"(he\$PWD)"},
    {R"('$PWD')", "$PWD"},
    {R"("$PWD")", "/home"},
    {R"("he'$PWD'")", "he'/home'"},
    {R"('he${XX}')", "he${XX}"},
    {R"(\${})", "${}"},
    {R"(he\${}xx)", "he${}xx"},
    {R"(${})", nullptr},
    {R"(he${}xx)", nullptr},
    {R"(${:})", nullptr},
    {R"(${{aaa})", nullptr},
    {R"(he${.})", nullptr},
    {R"(he${PWD)", nullptr},
    {R"(he${)", nullptr},
    {R"(he${hi}xx)", "hexx"},
    {R"(he${PWD}xx)", "he/homexx"},
    {R"(${aaa}})", "}"},
    {R"(${aaa}{{}})", "{{}}"},
    {R"($KOREAN)", "한국어"},
    {R"(안녕$KOREAN)", "안녕한국어"},
    {R"(안'녕'하세요)", "안녕하세요"},
    {R"(안녕\'하세요)", "안녕'하세요"},
    // ${VAR-word} / ${VAR:-word}
    {R"(he${XXX:-000}xx)", "he000xx"},
    {R"(he${PWD:-000}xx)", "he/homexx"},
    {R"(he${XXX:-$PWD}xx)", "he/homexx"},
    {R"(he${XXX:-${PWD:-yyy}}xx)", "he/homexx"},
    {R"(he${XXX:-${YYY:-yyy}}xx)", "heyyyxx"},
    {R"(${NULL:-dflt})", "dflt"},
    {R"(${NULL-dflt})", ""},
    {R"(${XXX-dflt})", "dflt"},
    {R"(${XXX:-a b})", "a b"},
    {R"(${aaa-"x"})", "x"},
    {R"(${aaa-'x'})", "x"},
    {R"(${aaa-\"x\"})", R"("x")"},
    {R"(${aaa:-'}'})", "}"},
    {R"(he${XXX:-\$PWD:}xx)", "he$PWD:xx"},
    {R"(he${XXX:-\${PWD}z}xx)", "he${PWDz}xx"},
    // ${VAR+word} / ${VAR:+word}
    {R"(he${XXX:+${PWD}}xx)", "hexx"},
    {R"(he${PWD:+${XXX}}xx)", "hexx"},
    {R"(he${PWD:+${SHELL}}xx)", "hebashxx"},
    {R"(he${PWD:+${PWD}:}xx)", "he/home:xx"},
    {R"(he${XXX:+000}xx)", "hexx"},
    {R"(he${PWD:+000}xx)", "he000xx"},
    {R"(${NULL+set})", "set"},
    {R"(${NULL:+set})", ""},
    // ${VAR?msg} / ${VAR:?msg}
    {R"(he${XXX?}xx)", nullptr},
    {R"(he${XXX:?}xx)", nullptr},
    {R"(he${PWD?}xx)", "he/homexx"},
    {R"(he${PWD:?}xx)", "he/homexx"},
    {R"(he${NULL?}xx)", "hexx"},
    {R"(he${NULL:?}xx)", nullptr},
    // unsupported modifiers
    {R"(he${XXX:YYY})", nullptr},
    {R"(he${PWD:=000}xx)", nullptr},
    {R"(${PWD=x})", nullptr},
    {R"(${PWD:/a/b})", nullptr},
    // ${VAR#pat} ${VAR##pat} ${VAR%pat} ${VAR%%pat}
    {R"(${PWD#/})", "home"},
    {R"(${PWD#*o})", "me"},
    {R"(${PWD##*/})", "home"},
    {R"(${PWD%e})", "/hom"},
    {R"(${PWD%/*})", ""},
    {R"(${PWD%o*})", "/h"},
    {R"(${PWD%%[h]*})", "/home"},  // brackets are literal in these patterns
    {R"(${PWD#?h})", "ome"},
    {R"(${PWD#nomatch})", "/home"},
    {R"(${XXX#*})", ""},
    {R"(${KOREAN#?})", "국어"},
    {R"(${KOREAN%?})", "한국"},
    {R"(${PWD#\x})", nullptr},  // only \* \? \\ \} \/ are escapes
    // ${VAR/pat/repl} ${VAR//pat/repl}
    {R"(${PWD/o/0})", "/h0me"},
    {R"(${SHELL//[ab]/x})", "bash"},
    {R"(${SHELL/?/B})", "Bash"},
    {R"(${SHELL//?/x})", "xxxx"},
    {R"(${SHELL/a*/x})", "bx"},
    {R"(${PWD/\//-})", "-home"},
    {R"(${PWD//m})", nullptr},
    {R"(${PWD/x)", nullptr},
};

TEST(ShellLexTest, ProcessWordTable) {
  ShellLex lex;
  for (const auto& c : kWordCases) {
    auto r = lex.process_word(c.in, test_env());
    if (c.out == nullptr) {
      EXPECT_FALSE(r) << c.in << " gave " << (r ? *r : "");
    } else {
      ASSERT_TRUE(r) << c.in << ": " << r.error().message();
      EXPECT_EQ(*r, c.out) << c.in;
    }
  }
}

// Dockerfiles with `# escape=`` (Windows style): ` escapes, \ is a plain char.
TEST(ShellLexTest, BacktickEscape) {
  ShellLex lex('`');
  const WordCase cases[] = {
      {R"(c:\windows\$PWD)", R"(c:\windows\/home)"},
      {R"(he`$PWD)", "he$PWD"},
      {R"(he``$PWD)", "he`/home"},
      {R"("he`"q`"")", R"(he"q")"},
      {R"("a\tb")", R"(a\tb)"},
      {R"("a`tb")", "a`tb"},
      {R"("``")", "`"},
      {R"(he`'llo)", "he'llo"},
      {R"(trailing`)", "trailing"},
      {R"(${XXX:-`}})", "}"},
  };
  for (const auto& c : cases) {
    auto r = lex.process_word(c.in, test_env());
    ASSERT_TRUE(r) << c.in << ": " << r.error().message();
    EXPECT_EQ(*r, c.out) << c.in;
  }
}

std::string error_of(std::string_view word, const Env& env = test_env()) {
  auto r = ShellLex().process_word(word, env);
  EXPECT_FALSE(r) << word;
  return r ? std::string() : r.error().message();
}

TEST(ShellLexTest, ErrorMessages) {
  EXPECT_EQ(error_of("${PWD"), "failed to process \"${PWD\": syntax error: missing '}'");
  EXPECT_EQ(error_of("${"), "failed to process \"${\": syntax error: missing '}'");
  EXPECT_EQ(error_of("${XXX:-abc"), "failed to process \"${XXX:-abc\": syntax error: missing '}'");
  EXPECT_EQ(error_of("${}"), "failed to process \"${}\": syntax error: bad substitution");
  EXPECT_EQ(error_of("${XXX?}"), "failed to process \"${XXX?}\": XXX: is not allowed to be unset");
  EXPECT_EQ(error_of("${NULL:?}"),
            "failed to process \"${NULL:?}\": NULL: is not allowed to be empty");
  EXPECT_EQ(error_of("${XXX:?set it $SHELL}"),
            "failed to process \"${XXX:?set it $SHELL}\": XXX: set it bash");
  EXPECT_EQ(error_of("${PWD=x}"),
            "failed to process \"${PWD=x}\": unsupported modifier (=) in substitution");
  EXPECT_EQ(error_of("${PWD/a"), "failed to process \"${PWD/a\": syntax error: missing '/' in ${}");
  EXPECT_EQ(error_of("'abc"),
            "failed to process \"'abc\": unexpected end of statement while looking for matching "
            "single-quote");
  auto r = ShellLex().process_word("${PWD", test_env());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::InvalidArgument);
}

// The mandatory-variable cases of BuildKit's TestShellParserMandatoryEnvVars.
TEST(ShellLexTest, MandatoryVars) {
  ShellLex lex;
  Env set({"VAR=plain", "ARG=x"}), empty({"VAR=", "ARG=x"}), unset({"ARG=x"});
  EXPECT_EQ(*lex.process_word("${VAR:?message here$ARG}", set), "plain");
  EXPECT_NE(error_of("${VAR:?message here$ARG}", empty).find("VAR: message herex"),
            std::string::npos);
  EXPECT_NE(error_of("${VAR:?message here$ARG}", unset).find("VAR: message herex"),
            std::string::npos);
  EXPECT_EQ(*lex.process_word("${VAR?message here$ARG}", set), "plain");
  EXPECT_EQ(*lex.process_word("${VAR?message here$ARG}", empty), "");
  EXPECT_NE(error_of("${VAR?message here$ARG}", unset).find("VAR: message herex"),
            std::string::npos);
}

// Pattern cases of BuildKit's TestProcessWithMatches.
TEST(ShellLexTest, Patterns) {
  ShellLex lex;
  struct Case {
    const char* in;
    std::vector<std::string> env;
    const char* out;
  };
  const Case cases[] = {
      {R"(${FOO#()[]{\}^$.\*\?|\\})", {R"(FOO=()[]{}^$.*?|\x)"}, "x"},
      {R"(${FOO%%\**})", {"FOO=xx**"}, "xx"},
      {R"(${FOO#*x*y})", {"FOO=xxyy"}, "y"},
      {R"(${FOO#*})", {"FOO=xxyy"}, "xxyy"},
      {R"(${FOO#$BAR})", {"FOO=xxyy", "BAR=x"}, "xyy"},
      {R"(${FOO#$BAR})", {"FOO=xxyy", "BAR="}, "xxyy"},
      {R"(${FOO#})", {"FOO=xxyy"}, "xxyy"},
      {R"(${FOO##*x})", {"FOO=xxyy"}, "yy"},
      {R"(${FOO##})", {"FOO=xxyy"}, "xxyy"},
      {R"(${FOO#?\?})", {"FOO=???y"}, "?y"},
      {R"(${ABC:-.}${FOO%x}${ABC:-.})", {"FOO=xxyy"}, ".xxyy."},
      {R"(${FOO%%\**\*})", {"FOO=a***yy*"}, "a"},
      {R"(${FOO%y*})", {"FOO=xxyy"}, "xxy"},
      {R"(${FOO%%y*})", {"FOO=xxyy"}, "xx"},
      {R"(${FOO%})", {"FOO=xxyy"}, "xxyy"},
      {R"(${FOO%.*})", {"FOO=archive.tar.gz"}, "archive.tar"},
      {R"(${FOO%%.*})", {"FOO=archive.tar.gz"}, "archive"},
      {R"(${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.})",
       {"FOO=/foo*/*/*.txt", R"(NEEDLE=\*/)"},
       "/foo.*/*.txt - /foo..*.txt"},
      {R"(${FOO/$NEEDLE/} - ${FOO//$NEEDLE/})",
       {"FOO=/tmp/tmp/bar.txt", "NEEDLE=/tmp"},
       "/tmp/bar.txt - /bar.txt"},
      {R"(${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT})",
       {"FOO=/a/foo/b/c.txt", "NEEDLE=/?/", "REPLACEMENT=/"},
       "/foo/b/c.txt - /foo/c.txt"},
      {R"(${FOO/$NEEDLE/$REPLACEMENT})",
       {"FOO=http://google.de", "NEEDLE=http://", "REPLACEMENT=https://"},
       "https://google.de"},
      {R"(${FOO//\//\/})", {"FOO=/tmp/foo.txt"}, R"(\/tmp\/foo.txt)"},
      {R"(${FOO/$BAR/ww})", {"FOO=xxyy", "BAR="}, "wwxxyy"},
      {R"(${FOO///})", {"FOO=xxyy"}, "xxyy"},
      {R"(${FOO///})", {}, ""},
      {R"(${FOO//x*/z})", {"FOO=axbxc"}, "az"},
      {R"(${FOO//x?/z})", {"FOO=axbxc"}, "azz"},
  };
  for (const auto& c : cases) {
    auto r = lex.process_word(c.in, Env(c.env));
    ASSERT_TRUE(r) << c.in << ": " << r.error().message();
    EXPECT_EQ(*r, c.out) << c.in;
  }
}

TEST(ShellLexTest, LaterEnvEntriesWin) {
  ShellLex lex;
  EXPECT_EQ(*lex.process_word("$car", Env({"foo=bar", "car=hat", "car=bike"})), "bike");
  EXPECT_EQ(*lex.process_word("${foo-unset}", Env({"foo"})), "");
}

TEST(ShellLexTest, LookupCallback) {
  ShellLex lex;
  Env env([](std::string_view name) -> std::optional<std::string> {
    if (name == "HOME") return "/root";
    return std::nullopt;
  });
  EXPECT_EQ(*lex.process_word("$HOME/${X:-x}", env), "/root/x");
}

TEST(ShellLexTest, Matches) {
  ShellLex lex;
  struct Case {
    const char* in;
    std::vector<std::string> env;
    std::set<std::string> matched, unmatched;
  };
  const Case cases[] = {
      {"x", {"DUMMY=dummy"}, {}, {}},
      {"x ${UNUSED}", {"DUMMY=dummy"}, {}, {"UNUSED"}},
      {"x ${FOO}", {"FOO=y"}, {"FOO"}, {}},
      {"${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}", {"FOO=xxx", "BAR="}, {"FOO", "BAR"}, {"BAZ"}},
      {"${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}", {"FOO=xxx", "BAR="}, {"FOO", "BAR"}, {"BAZ"}},
      {"${A:-$B}", {"A=1"}, {"A"}, {"B"}},  // the default word is expanded either way
      {"'$NOPE' \\$NOPE", {}, {}, {}},
      {"${FOO#$BAR}", {"FOO=xxyy", "BAR="}, {"FOO", "BAR"}, {}},
      {"$1 ${@}", {}, {}, {"1", "@"}},
      {"something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}",
       {"VERSION=v1", "TARGETOS=linux", "TARGETARCH=arm"},
       {"VERSION", "TARGETOS", "TARGETARCH"},
       {"TARGETVARIANT"}},
  };
  for (const auto& c : cases) {
    ShellMatches m;
    auto r = lex.process_word(c.in, Env(c.env), &m);
    ASSERT_TRUE(r) << c.in << ": " << r.error().message();
    EXPECT_EQ(m.matched, c.matched) << c.in;
    EXPECT_EQ(m.unmatched, c.unmatched) << c.in;
  }
  // Failing words still report what was looked up before the failure.
  ShellMatches m;
  EXPECT_FALSE(lex.process_word("${BAZ?ccc}", Env(std::vector<std::string>{}), &m));
  EXPECT_EQ(m.unmatched, std::set<std::string>{"BAZ"});
}

// Modelled on BuildKit's wordsTest.
TEST(ShellLexTest, ProcessWords) {
  ShellLex lex;
  Env env({"PWD=/home", "SHELL=bash", "TWO=a b", "EMPTY=", "QUOTED=\"x y\""});
  struct Case {
    const char* in;
    std::vector<std::string> out;
  };
  const Case cases[] = {
      {"hello", {"hello"}},
      {"hello world", {"hello", "world"}},
      {"  hello   world  ", {"hello", "world"}},
      {"hello\tworld\nagain", {"hello", "world", "again"}},
      {R"("hello world")", {"hello world"}},
      {R"('hello world')", {"hello world"}},
      {R"(hello\ world)", {"hello world"}},
      {R"(a"b c"d e)", {"ab cd", "e"}},
      {R"("" a '' b)", {"a", "b"}},  // empty quotes make no word
      {R"($PWD $SHELL)", {"/home", "bash"}},
      {R"($TWO)", {"a", "b"}},  // expansions are split
      {R"("$TWO")", {"a b"}},
      {R"(x${TWO}y)", {"xa", "by"}},
      {R"($EMPTY)", {}},
      {R"(a $EMPTY b)", {"a", "b"}},
      {R"($QUOTED)", {"\"x", "y\""}},  // quotes in values are not syntax
      {R"(${XXX:-"one two"})", {"one", "two"}},
      // The default word loses its escapes before the split (as BuildKit).
      {R"(${XXX:-one\ two})", {"one", "two"}},
      {R"("a\"b" c)", {"a\"b", "c"}},
      {"", {}},
  };
  for (const auto& c : cases) {
    auto r = lex.process_words(c.in, env);
    ASSERT_TRUE(r) << c.in << ": " << r.error().message();
    EXPECT_EQ(*r, c.out) << c.in;
  }
  EXPECT_FALSE(lex.process_words(R"("unterminated)", env));
  EXPECT_FALSE(lex.process_words("${PWD", env));
}

TEST(ShellLexTest, ProcessWordKeepsSpaces) {
  ShellLex lex;
  Env env({"TWO=a  b"});
  EXPECT_EQ(*lex.process_word("x $TWO  'y '", env), "x a  b  y ");
}

}  // namespace
}  // namespace hako::build
