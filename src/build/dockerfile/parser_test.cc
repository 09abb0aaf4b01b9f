// The parser against BuildKit's own corpus (every case directory, so new
// cases are picked up), plus heredocs, which the corpus does not cover.
#include "build/dockerfile/parser.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace hako::build::parser {
namespace {

namespace fs = std::filesystem;

#ifndef HAKO_CONFORMANCE_DIR
#define HAKO_CONFORMANCE_DIR "/work/shared/conformance"
#endif

fs::path corpus() { return fs::path(HAKO_CONFORMANCE_DIR) / "dockerfile-parser"; }

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> cases(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_directory()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ParserCorpus, PositiveCasesDumpLikeBuildKit) {
  fs::path dir = corpus() / "testfiles";
  ASSERT_TRUE(fs::is_directory(dir)) << "conformance corpus missing: " << dir
                                     << " (set HAKO_CONFORMANCE_DIR)";
  auto all = cases(dir);
  ASSERT_FALSE(all.empty()) << "no cases in " << dir;
  for (const auto& c : all) {
    SCOPED_TRACE(c.filename().string());
    auto r = parse(read(c / "Dockerfile"));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(dump(r->ast) + "\n", read(c / "result"));
  }
}

TEST(ParserCorpus, NegativeCasesFail) {
  fs::path dir = corpus() / "testfiles-negative";
  ASSERT_TRUE(fs::is_directory(dir)) << "conformance corpus missing: " << dir
                                     << " (set HAKO_CONFORMANCE_DIR)";
  auto all = cases(dir);
  ASSERT_FALSE(all.empty()) << "no cases in " << dir;
  for (const auto& c : all) {
    SCOPED_TRACE(c.filename().string());
    auto r = parse(read(c / "Dockerfile"));
    if (r) {
      ADD_FAILURE() << "parsed: " << dump(r->ast);
    } else {
      EXPECT_EQ(r.error().kind(), ErrorKind::InvalidArgument);
    }
  }
}

TEST(ParserCorpus, LineNumbers) {
  fs::path file = corpus() / "testfile-line" / "Dockerfile";
  ASSERT_TRUE(fs::exists(file)) << "conformance corpus missing: " << file;
  auto r = parse(read(file));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->ast.start_line, 5);
  EXPECT_EQ(r->ast.end_line, 31);
  ASSERT_EQ(r->ast.children.size(), 3u);
  EXPECT_EQ(r->ast.children[0].start_line, 5);
  EXPECT_EQ(r->ast.children[0].end_line, 5);
  EXPECT_EQ(r->ast.children[1].start_line, 11);
  EXPECT_EQ(r->ast.children[1].end_line, 12);
  EXPECT_EQ(r->ast.children[2].start_line, 17);
  EXPECT_EQ(r->ast.children[2].end_line, 31);
  EXPECT_FALSE(r->warnings.empty());  // the empty continuation lines
}

const Node& only(const ParseResult& r) { return r.ast.children.at(0); }

TEST(Parser, RunHeredoc) {
  auto r = parse("FROM x\nRUN <<EOF\necho hi\nEOF\nRUN true\n");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->ast.children.size(), 3u);
  const Node& run = r->ast.children[1];
  ASSERT_EQ(run.heredocs.size(), 1u);
  EXPECT_EQ(run.heredocs[0].name, "EOF");
  EXPECT_EQ(run.heredocs[0].content, "echo hi\n");
  EXPECT_TRUE(run.heredocs[0].expand);
  EXPECT_FALSE(run.heredocs[0].chomp);
  EXPECT_EQ(run.start_line, 2);
  EXPECT_EQ(run.end_line, 4);
  EXPECT_EQ(dump(run), "run \"<<EOF\"");
  EXPECT_EQ(r->ast.children[2].start_line, 5);
}

TEST(Parser, TwoHeredocsOnOneLine) {
  auto r = parse("RUN <<A <<B\na1\na2\nA\nb1\nB\n");
  ASSERT_TRUE(r) << r.error().message();
  const Node& run = only(*r);
  ASSERT_EQ(run.heredocs.size(), 2u);
  EXPECT_EQ(run.heredocs[0].name, "A");
  EXPECT_EQ(run.heredocs[0].content, "a1\na2\n");
  EXPECT_EQ(run.heredocs[1].name, "B");
  EXPECT_EQ(run.heredocs[1].content, "b1\n");
  EXPECT_EQ(run.end_line, 6);
}

TEST(Parser, CopyHeredoc) {
  auto r = parse("COPY <<EOF /dest\nhello\n\nworld\nEOF\n");
  ASSERT_TRUE(r) << r.error().message();
  const Node& copy = only(*r);
  EXPECT_EQ(dump(copy), "copy \"<<EOF\" \"/dest\"");
  ASSERT_EQ(copy.heredocs.size(), 1u);
  EXPECT_EQ(copy.heredocs[0].content, "hello\n\nworld\n");
}

TEST(Parser, ChompedHeredoc) {
  auto r = parse("RUN <<-EOF\n\techo a\n\t\techo b\n\tEOF\n");
  ASSERT_TRUE(r) << r.error().message();
  const auto& h = only(*r).heredocs.at(0);
  EXPECT_TRUE(h.chomp);
  EXPECT_EQ(h.content, "\techo a\n\t\techo b\n");  // raw; chomped by the consumer
  EXPECT_EQ(chomp_heredoc_content(h.content), "echo a\necho b\n");
}

TEST(Parser, QuotedHeredocNamesDoNotExpand) {
  for (std::string word : {"\"EOF\"", "'EOF'"}) {
    auto r = parse("RUN cat <<" + word + "\n$HOME\nEOF\n");
    ASSERT_TRUE(r) << r.error().message();
    const auto& h = only(*r).heredocs.at(0);
    EXPECT_EQ(h.name, "EOF");
    EXPECT_FALSE(h.expand);
    EXPECT_EQ(h.content, "$HOME\n");
  }
}

TEST(Parser, HeredocWithFdAndRedirect) {
  auto r = parse("RUN 3<<EOF cat > /f\nx\nEOF\n");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(only(*r).heredocs.at(0).fd, 3u);
}

TEST(Parser, UnterminatedHeredoc) {
  auto r = parse("FROM x\nRUN <<EOF\necho hi\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "line 2: unterminated heredoc");
}

TEST(Parser, NoHeredocInJsonFormOrOtherInstructions) {
  auto r = parse("RUN [\"cat\", \"<<EOF\"]\nENV a=<<EOF\nEOF\n");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->ast.children.size(), 3u);
  EXPECT_TRUE(r->ast.children[0].heredocs.empty());
  EXPECT_EQ(r->ast.children[2].value, "EOF");  // a (bogus) instruction of its own
}

TEST(Parser, OnbuildHeredocIsCompound) {
  auto r = parse("ONBUILD RUN <<EOF\necho hi\nEOF\n");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(only(*r).heredocs.at(0).content, "echo hi\n");
  EXPECT_EQ(dump(only(*r)), "onbuild (run \"<<EOF\")");
}

TEST(Parser, Directives) {
  auto r = parse("\xEF\xBB\xBF# Syntax=docker/dockerfile:1\n#ESCAPE = `\n# check=skip=all\nFROM a `\n  b\n");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->syntax, "docker/dockerfile:1");
  EXPECT_EQ(r->check, "skip=all");
  EXPECT_EQ(r->escape, '`');
  EXPECT_EQ(dump(r->ast), "(from \"a\" \"b\")");
  EXPECT_EQ(only(*r).start_line, 4);
}

TEST(Parser, DirectiveAfterCommentIsIgnored) {
  auto r = parse("# hello\n# escape=`\nFROM a\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->escape, '\\');
  EXPECT_EQ(only(*r).prev_comments, (std::vector<std::string>{"hello", "escape=`"}));
}

TEST(Parser, DirectiveErrors) {
  EXPECT_FALSE(parse("# escape=x\nFROM a\n"));
  EXPECT_FALSE(parse("# escape=`\n# escape=`\nFROM a\n"));
}

TEST(Parser, FlagsAndKeywordCase) {
  auto r = parse("copy --from=a --chown=\"x y\" -- --notflag b\n");
  ASSERT_TRUE(r) << r.error().message();
  const Node& n = only(*r);
  EXPECT_EQ(n.value, "copy");
  EXPECT_EQ(n.flags, (std::vector<std::string>{"--from=a", "--chown=x y"}));
  EXPECT_EQ(dump(n), "copy [\"--from=a\" \"--chown=x y\"] \"--notflag\" \"b\"");
}

TEST(Parser, JsonForms) {
  auto r = parse("CMD [\"a\", \"b\"]\nCMD [\"a\", 1]\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("line 2:"), std::string::npos);
  r = parse("CMD [\"a\" \"b\"]\nVOLUME [\"/a\"]\nCMD []\n");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ast.children[0].json);
  EXPECT_TRUE(r->ast.children[1].json);
  EXPECT_TRUE(r->ast.children[2].json);
  EXPECT_EQ(dump(r->ast), "(cmd \"[\\\"a\\\" \\\"b\\\"]\")\n(volume \"/a\")\n(cmd)");
}

TEST(Parser, UnknownInstructionKept) {
  auto r = parse("FOO bar baz\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(dump(r->ast), "(foo)");
  EXPECT_EQ(only(*r).original, "FOO bar baz");
}

TEST(Parser, EmptyContinuationWarning) {
  auto r = parse("RUN a \\\n\n  b\n");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_EQ(dump(r->ast), "(run \"a   b\")");
}

TEST(Parser, GoQuote) {
  EXPECT_EQ(go_quote("a\"b\\c\n\t\x01\x7f"), "\"a\\\"b\\\\c\\n\\t\\x01\\x7f\"");
  EXPECT_EQ(go_quote("h\xC3\xA9llo \xff"), "\"h\xC3\xA9llo \\xff\"");
  EXPECT_EQ(go_quote("\xC2\xA0"), "\"\\u00a0\"");
}

}  // namespace
}  // namespace hako::build::parser
