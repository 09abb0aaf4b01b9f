#include "lint/shell/shell_parser.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace hako::lint::shell {
namespace {

std::vector<SimpleCommand> cmds(std::string_view text) {
  auto s = parse(text);
  EXPECT_TRUE(s.has_value()) << text << ": " << (s ? "" : s.error().to_error().message());
  if (!s) return {};
  return all_commands(*s);
}

std::vector<std::string> names(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& c : cmds(text)) out.push_back(c.name());
  return out;
}

std::vector<std::string> values(const std::vector<Word>& ws) {
  std::vector<std::string> out;
  for (const auto& w : ws) out.push_back(w.value);
  return out;
}

using V = std::vector<std::string>;

struct NamesCase {
  std::string text;
  V names;
};

class CommandNames : public ::testing::TestWithParam<NamesCase> {};

TEST_P(CommandNames, InOrder) { EXPECT_EQ(names(GetParam().text), GetParam().names) << GetParam().text; }

INSTANTIATE_TEST_SUITE_P(
    Table, CommandNames,
    ::testing::Values(
        NamesCase{"apt-get update && apt-get install -y --no-install-recommends a=1 b && rm -rf /var/lib/apt/lists/*",
                  {"apt-get", "apt-get", "rm"}},
        NamesCase{"set -o pipefail && wget -O- x | tar xz", {"set", "wget", "tar"}},
        NamesCase{"cd /tmp && make", {"cd", "make"}},
        NamesCase{"if [ -f x ]; then pip install --no-cache-dir -r req.txt; fi", {"[", "pip"}},
        NamesCase{"if a; then b; elif c; then d; else e; fi", {"a", "b", "c", "d", "e"}},
        NamesCase{"for f in *.sh; do sh \"$f\"; done", {"sh"}},
        NamesCase{"for f in a b\ndo\n  echo $f\ndone", {"echo"}},
        NamesCase{"while read l; do echo $l; done < file", {"read", "echo"}},
        NamesCase{"until false; do true; done", {"false", "true"}},
        NamesCase{"case $x in a|b) echo ab ;; *) echo other ;; esac", {"echo", "echo"}},
        NamesCase{"case \"$1\" in\n  (x) one;;\n  y)\n    two\n    ;;\nesac", {"one", "two"}},
        NamesCase{"sudo -E apt-get install x", {"sudo"}},
        NamesCase{"su -c 'x'", {"su"}},
        NamesCase{"FOO=1 BAR=\"a b\" cmd", {"cmd"}},
        NamesCase{"FOO=1", {""}},
        NamesCase{"$(echo x) y", {"$(echo x)", "echo"}},
        NamesCase{"echo `date` $(id -u)", {"echo", "date", "id"}},
        NamesCase{"echo \"$(uname -m)\"", {"echo", "uname"}},
        NamesCase{"echo \"a;b\" 'c|d' \\\"e\\\"", {"echo"}},
        NamesCase{"(cd /x && make) ; { a; b; }", {"cd", "make", "a", "b"}},
        NamesCase{"a; b & c\nd", {"a", "b", "c", "d"}},
        NamesCase{"apt-get update \\\n && apt-get install -y curl \\\n && rm -rf /var/lib/apt/lists/*",
                  {"apt-get", "apt-get", "rm"}},
        NamesCase{"# comment\necho a # trailing; not a command\n", {"echo"}},
        NamesCase{"! grep -q x f || echo missing", {"grep", "echo"}},
        NamesCase{"cat <<EOF > /etc/x\nline $a; rm -rf /\nEOF\necho done", {"cat", "echo"}},
        NamesCase{"cat <<-'EOF' | sh\n\tfoo\n\tEOF\nls", {"cat", "sh", "ls"}},
        NamesCase{"make 2>&1 | tee log &> /dev/null", {"make", "tee"}},
        NamesCase{"f() { echo in; }; f", {"echo", "f"}},
        NamesCase{"[[ -f a && -n $b ]] && echo y", {"[[", "echo"}},
        NamesCase{"x=$((1 + 2)) && echo $((x * 2))", {"", "echo"}},
        NamesCase{"echo ${A:-$(whoami)}", {"echo"}},
        NamesCase{"", {}},
        NamesCase{"   \n\n  ", {}}));

TEST(ShellParser, WordsRawValueAndExpansion) {
  auto c = cmds("echo \"a;b\" 'c|d' \\\"e\\\" $HOME pkg=1.2 \"$PKG\" *.sh 'x*' a\\ b");
  ASSERT_EQ(c.size(), 1u);
  const auto& w = c[0].words;
  ASSERT_EQ(w.size(), 10u);
  EXPECT_EQ(w[1].raw, "\"a;b\"");
  EXPECT_EQ(w[1].value, "a;b");
  EXPECT_TRUE(w[1].quoted);
  EXPECT_EQ(w[2].value, "c|d");
  EXPECT_EQ(w[3].value, "\"e\"");
  EXPECT_EQ(w[3].raw, "\\\"e\\\"");
  EXPECT_TRUE(w[4].has_expansion);
  EXPECT_EQ(w[4].value, "$HOME");
  EXPECT_FALSE(w[5].has_expansion);
  EXPECT_EQ(w[5].value, "pkg=1.2");
  EXPECT_TRUE(w[6].has_expansion);
  EXPECT_EQ(w[6].value, "$PKG");
  EXPECT_TRUE(w[7].has_glob);
  EXPECT_TRUE(w[7].has_expansion);
  EXPECT_FALSE(w[8].has_glob);
  EXPECT_EQ(w[8].value, "x*");
  EXPECT_EQ(w[9].value, "a b");
}

TEST(ShellParser, Assignments) {
  auto c = cmds("DEBIAN_FRONTEND=noninteractive BAR=\"a b\" apt-get install -y x");
  ASSERT_EQ(c.size(), 1u);
  ASSERT_EQ(c[0].assignments.size(), 2u);
  EXPECT_EQ(c[0].assignments[0].assignment_name(), "DEBIAN_FRONTEND");
  EXPECT_EQ(c[0].assignments[1].value, "BAR=a b");
  EXPECT_EQ(c[0].name(), "apt-get");
  EXPECT_EQ(values(c[0].args()), (V{"install", "-y", "x"}));
}

TEST(ShellParser, FlagsAndPositionals) {
  auto c = cmds("apt-get install -qy --no-install-recommends -t bookworm-backports curl=7.88 $PKG -o=x");
  ASSERT_EQ(c.size(), 1u);
  const auto& a = c[0];
  EXPECT_TRUE(a.has_flag("--no-install-recommends"));
  EXPECT_TRUE(a.has_flag('y'));
  EXPECT_TRUE(a.has_flag('q'));
  EXPECT_TRUE(a.has_flag("-y"));
  EXPECT_FALSE(a.has_flag("--yes"));
  EXPECT_EQ(a.flag_value("-t"), "bookworm-backports");
  EXPECT_EQ(a.flag_value("-o"), "=x");
  EXPECT_FALSE(a.flag_value("--target"));
  EXPECT_EQ(values(a.positional_args({"-t", "-o"})), (V{"install", "curl=7.88", "$PKG"}));
  EXPECT_EQ(values(a.positional_args()), (V{"install", "bookworm-backports", "curl=7.88", "$PKG"}));
  auto pos = a.positional_args({"-t"});
  EXPECT_TRUE(pos[2].has_expansion);

  auto p = cmds("pip install --no-cache-dir --index-url=https://x -r req.txt -- -weird");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].flag_value("--index-url"), "https://x");
  EXPECT_TRUE(p[0].has_flag("--index-url"));
  EXPECT_FALSE(p[0].has_flag('w'));  // after --
  EXPECT_EQ(values(p[0].positional_args({"-r"})), (V{"install", "-weird"}));
  EXPECT_EQ(p[0].flag_value("-r"), "req.txt");
}

TEST(ShellParser, Wrappers) {
  auto c = cmds("sudo -E -u app apt-get install x");
  ASSERT_EQ(c.size(), 1u);
  auto w = c[0].wrapped();
  ASSERT_TRUE(w);
  EXPECT_EQ(w->name(), "apt-get");
  EXPECT_EQ(values(w->args()), (V{"install", "x"}));

  auto e = cmds("env -u X FOO=1 nohup sudo make install");
  ASSERT_EQ(e.size(), 1u);
  auto ew = e[0].wrapped();
  ASSERT_TRUE(ew);
  EXPECT_EQ(ew->name(), "nohup");
  ASSERT_EQ(ew->assignments.size(), 1u);
  EXPECT_EQ(ew->assignments[0].value, "FOO=1");
  EXPECT_EQ(e[0].unwrapped().name(), "make");

  auto x = cmds("find . -name '*.o' | xargs -I{} -n 1 rm -f {}");
  ASSERT_EQ(x.size(), 2u);
  EXPECT_EQ(x[1].unwrapped().name(), "rm");
  EXPECT_FALSE(cmds("sudo")[0].wrapped());
  EXPECT_FALSE(cmds("apt-get x")[0].wrapped());
  EXPECT_EQ(cmds("apt-get x")[0].unwrapped().name(), "apt-get");
  // `command -v x` looks x up without running it.
  EXPECT_FALSE(cmds("command -v wget")[0].wrapped());
  EXPECT_EQ(cmds("command -V curl")[0].unwrapped().name(), "command");
  EXPECT_EQ(cmds("command -p ls")[0].unwrapped().name(), "ls");

  auto s = cmds("su -c 'apt-get install x' app");
  EXPECT_EQ(s[0].flag_value("-c"), "apt-get install x");
}

TEST(ShellParser, PipelineAndAndOrContext) {
  auto c = cmds("set -o pipefail && wget -O- x | tar xz || echo fail; cd /tmp && make &");
  ASSERT_EQ(c.size(), 6u);
  EXPECT_FALSE(c[0].in_pipeline());
  EXPECT_EQ(c[0].op_after, "&&");
  EXPECT_EQ(c[1].name(), "wget");
  EXPECT_TRUE(c[1].in_pipeline());
  EXPECT_EQ(c[1].pipeline_index, 0u);
  EXPECT_EQ(c[2].pipeline_index, 1u);
  EXPECT_EQ(c[2].pipeline_size, 2u);
  EXPECT_EQ(c[2].op_before, "&&");
  EXPECT_EQ(c[2].op_after, "||");
  EXPECT_EQ(c[3].op_before, "||");
  EXPECT_EQ(c[3].and_or_index, 2u);
  EXPECT_EQ(c[3].and_or_size, 3u);
  EXPECT_EQ(c[4].name(), "cd");
  EXPECT_EQ(c[4].op_after, "&&");
  EXPECT_TRUE(c[4].background);
  EXPECT_EQ(c[5].op_before, "&&");
  EXPECT_EQ(c[5].and_or_index, 1u);
}

TEST(ShellParser, NestingFlags) {
  auto c = cmds("if test -f x; then (cd y && z); fi; echo $(id)");
  ASSERT_EQ(c.size(), 5u);
  EXPECT_TRUE(c[0].in_condition);
  EXPECT_TRUE(c[1].in_subshell);
  EXPECT_FALSE(c[1].in_condition);
  EXPECT_EQ(c[2].name(), "z");
  EXPECT_EQ(c[3].name(), "echo");
  EXPECT_FALSE(c[3].in_substitution);
  EXPECT_EQ(c[4].name(), "id");
  EXPECT_TRUE(c[4].in_substitution);
}

TEST(ShellParser, Redirections) {
  auto c = cmds("make >build.log 2>&1 < in &>> all >| f 3<> g");
  ASSERT_EQ(c.size(), 1u);
  const auto& r = c[0].redirects;
  ASSERT_EQ(r.size(), 6u);
  EXPECT_EQ(r[0].op, ">");
  EXPECT_EQ(r[0].target.value, "build.log");
  EXPECT_EQ(r[1].fd, "2");
  EXPECT_EQ(r[1].op, ">&");
  EXPECT_EQ(r[1].target.value, "1");
  EXPECT_EQ(r[2].op, "<");
  EXPECT_EQ(r[3].op, "&>>");
  EXPECT_EQ(r[4].op, ">|");
  EXPECT_EQ(r[5].fd, "3");
  EXPECT_EQ(r[5].op, "<>");
  EXPECT_EQ(values(c[0].words), (V{"make"}));
}

TEST(ShellParser, Heredocs) {
  auto c = cmds("cat <<EOF >/etc/conf && cat <<-'END'\nkey=$v\n  EOF x\nEOF\n\tone\n\tEND\necho after");
  ASSERT_EQ(c.size(), 3u);
  ASSERT_EQ(c[0].redirects.size(), 2u);
  EXPECT_EQ(c[0].redirects[0].heredoc_body(), "key=$v\n  EOF x\n");
  EXPECT_EQ(c[1].redirects[0].target.value, "END");
  EXPECT_EQ(c[1].redirects[0].heredoc_body(), "one\n");
  EXPECT_EQ(c[2].name(), "echo");
  EXPECT_EQ(c[2].pos.line, 7);

  auto open = cmds("cat <<EOF\nno end");  // lenient, as sh
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].redirects[0].heredoc_body(), "no end\n");
}

TEST(ShellParser, Positions) {
  auto c = cmds("apt-get update \\\n  && apt-get install -y x=1\nrm -rf /tmp/*");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].pos.offset, 0u);
  EXPECT_EQ(c[1].pos.line, 2);
  EXPECT_EQ(c[1].pos.column, 6);
  EXPECT_EQ(c[1].pos.offset, 22u);
  EXPECT_EQ(c[1].words[3].pos.column, 25);
  EXPECT_EQ(c[1].words[3].value, "x=1");
  EXPECT_EQ(c[2].pos.line, 3);
  EXPECT_EQ(c[2].pos.column, 1);

  auto s = cmds("echo $(ls /x)");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[1].pos.offset, 7u);
  auto b = cmds("echo `ls`");
  EXPECT_EQ(b[1].pos.offset, 6u);
}

TEST(ShellParser, AstShape) {
  auto s = parse("if a; then b; elif c; then d; else e; fi > log; for i in 1 2; do :; done");
  ASSERT_TRUE(s);
  ASSERT_EQ(s->items.size(), 2u);
  const Command& c = s->items[0].pipelines[0].commands[0];
  EXPECT_EQ(c.kind, Command::Kind::If);
  EXPECT_EQ(c.bodies.size(), 5u);
  EXPECT_TRUE(c.has_else);
  ASSERT_EQ(c.redirects.size(), 1u);
  const Command& f = s->items[1].pipelines[0].commands[0];
  EXPECT_EQ(f.kind, Command::Kind::For);
  EXPECT_EQ(f.name.value, "i");
  EXPECT_EQ(values(f.for_words), (V{"1", "2"}));
}

struct ErrorCase {
  std::string text;
  std::string message_part;
  size_t offset;
};

class ParseErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParseErrors, Reported) {
  auto s = parse(GetParam().text);
  ASSERT_FALSE(s) << GetParam().text;
  EXPECT_NE(s.error().message.find(GetParam().message_part), std::string::npos) << s.error().message;
  EXPECT_EQ(s.error().pos.offset, GetParam().offset) << s.error().message;
  auto r = parse_shell(GetParam().text);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::InvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseErrors,
    ::testing::Values(ErrorCase{"echo 'abc", "unterminated single quote", 5},
                      ErrorCase{"echo \"abc", "unterminated double quote", 5},
                      ErrorCase{"echo `ls", "unterminated backquote", 5},
                      ErrorCase{"echo $(ls", "unterminated '$('", 5},
                      ErrorCase{"echo ${A", "unterminated '${'", 5},
                      ErrorCase{"(cd x && make", "missing ')'", 0},
                      ErrorCase{"echo x)", "unexpected ')'", 6},
                      ErrorCase{"if true; then echo", "expected 'fi'", 18},
                      ErrorCase{"if true; echo; fi", "expected 'then'", 15},
                      ErrorCase{"for f in a; do echo", "expected 'done'", 19},
                      ErrorCase{"while true; echo; done", "expected 'do'", 18},
                      ErrorCase{"case x in a) b;;", "expected 'esac'", 16},
                      ErrorCase{"{ a; b", "expected '}'", 6},
                      ErrorCase{"a && && b", "expected a command", 5},
                      ErrorCase{"| a", "expected a command", 0},
                      ErrorCase{"a ;; b", "unexpected ';;'", 2},
                      ErrorCase{"then x", "unexpected 'then'", 0},
                      ErrorCase{"echo >", "expected a word after '>'", 6}));

TEST(ShellParser, NeverCrashesOnOddInput) {
  std::vector<std::string> odd = {"((((((((", "))))", "$(((", "`", "\\", "$", "${", "<<", "&&", ";",
                                  "case", "for", "if", "!", "{", "}", "f()", "[[", "x=$(", "\"$(\"",
                                  std::string(500, '('), std::string(2000, '{') + " x",
                                  "echo $(echo $(echo $(echo `echo x`)))"};
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += "$(";
  odd.push_back(deep);
  for (const auto& t : odd) {
    auto s = parse(t);  // either way, but no crash
    if (s) (void)all_commands(*s);
  }
  EXPECT_TRUE(parse("echo $(echo $(echo $(echo `echo x`)))"));
  EXPECT_EQ(names("echo $(echo $(echo $(echo `echo x`)))").size(), 5u);
}

}  // namespace
}  // namespace hako::lint::shell
