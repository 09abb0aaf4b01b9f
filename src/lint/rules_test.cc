// Every rule against its cases in tests/lint/rules/CODE/:
//   trigger*.Dockerfile  must give at least one finding of CODE (exactly on
//                        the lines of an "# expect-lines: 3,5" comment when
//                        the file has one)
//   clean*.Dockerfile    must give none
//   config.yaml          optional .hadolint.yaml settings for both
// and the pragmas: `# hadolint ignore=CODE` above each finding's line, and
// `# hadolint global ignore=CODE` at the top, must silence every trigger.
// Each rule must also have its page, docs/lint/CODE.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lint/linter.h"

namespace fs = std::filesystem;
using namespace hako::lint;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<int> lines_of(const std::vector<Finding>& fs, std::string_view code) {
  std::vector<int> out;
  for (const auto& f : fs) {
    if (f.code == code) out.push_back(f.line);
  }
  return out;
}

std::optional<std::vector<int>> expected_lines(const std::string& text) {
  size_t at = text.find("# expect-lines:");
  if (at == std::string::npos) return std::nullopt;
  size_t eol = text.find('\n', at);
  std::string list = text.substr(at + 15, eol == std::string::npos ? std::string::npos : eol - at - 15);
  std::vector<int> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(std::stoi(item));
  return out;
}

// The text with `pragma` inserted above each of `lines` (1-based).
std::string with_pragma_above(const std::string& text, const std::vector<int>& lines, const std::string& pragma) {
  std::stringstream in(text);
  std::string out, l;
  int n = 0;
  while (std::getline(in, l)) {
    ++n;
    if (std::find(lines.begin(), lines.end(), n) != lines.end()) out += pragma + "\n";
    out += l + "\n";
  }
  return out;
}

class RuleCases : public ::testing::TestWithParam<std::string> {};

TEST_P(RuleCases, TriggersCleanAndPragmas) {
  const std::string code = GetParam();
  const Rule* rule = find_rule(code);
  ASSERT_NE(rule, nullptr);
  fs::path dir = fs::path(HAKO_LINT_CASES_DIR) / code;
  ASSERT_TRUE(fs::is_directory(dir)) << "no cases for " << code << " in " << dir;
  fs::path page = fs::path(HAKO_LINT_DOCS_DIR) / (code + ".md");
  EXPECT_TRUE(fs::is_regular_file(page)) << "no docs/lint/" << code << ".md";
  // The page states the rule's default severity as the linter has it.
  std::string want = "\nSeverity: " + std::string(severity_name(rule->info.severity)) + "\n";
  EXPECT_NE(read(page).find(want), std::string::npos) << page << " must say" << want;

  Config cfg;
  if (fs::exists(dir / "config.yaml")) {
    auto r = apply_config_yaml(read(dir / "config.yaml"), (dir / "config.yaml").string(), &cfg);
    ASSERT_TRUE(r) << r.error().message();
  }
  // Rules that are off by default (severity ignore) are switched on to test.
  if (rule->info.severity == Severity::Ignore && !cfg.overrides.contains(code)) cfg.overrides[code] = Severity::Info;

  int triggers = 0, cleans = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (!name.ends_with(".Dockerfile")) continue;
    std::string text = read(entry.path());
    auto found = lines_of(lint_text(text, name, cfg), code);
    if (name.starts_with("trigger")) {
      ++triggers;
      EXPECT_FALSE(found.empty()) << code << ": " << name << " must trigger it";
      if (auto want = expected_lines(text)) {
        std::vector<int> uniq = found;
        uniq.erase(std::unique(uniq.begin(), uniq.end()), uniq.end());
        EXPECT_EQ(uniq, *want) << code << ": " << name;
      }
      if (code != "DL1001") {
        std::string ignored = with_pragma_above(text, found, "# hadolint ignore=" + code);
        EXPECT_TRUE(lines_of(lint_text(ignored, name, cfg), code).empty())
            << code << ": the ignore pragma does not silence " << name << ":\n" << ignored;
      }
      std::string global = "# hadolint global ignore=" + code + "\n" + text;
      EXPECT_TRUE(lines_of(lint_text(global, name, cfg), code).empty())
          << code << ": the global ignore pragma does not silence " << name;
      Config off = cfg;
      off.ignored.insert(code);
      EXPECT_TRUE(lines_of(lint_text(text, name, off), code).empty()) << code << ": --ignore does not silence " << name;
    } else if (name.starts_with("clean")) {
      ++cleans;
      EXPECT_TRUE(found.empty()) << code << ": " << name << " must not trigger it (lines " << ::testing::PrintToString(found)
                                 << ")";
    }
  }
  EXPECT_GT(triggers, 0) << code << ": no trigger*.Dockerfile";
  EXPECT_GT(cleans, 0) << code << ": no clean*.Dockerfile";
}

std::vector<std::string> rule_codes() {
  std::vector<std::string> out;
  for (const auto& r : all_rules()) out.emplace_back(r.info.code);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Hadolint, RuleCases, ::testing::ValuesIn(rule_codes()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

// Every case directory belongs to a rule (a typo in a directory name must
// not leave a rule untested while looking tested).
TEST(RuleCases, EveryCaseDirectoryNamesARule) {
  for (const auto& entry : fs::directory_iterator(HAKO_LINT_CASES_DIR)) {
    EXPECT_NE(find_rule(entry.path().filename().string()), nullptr) << entry.path();
  }
}

}  // namespace
