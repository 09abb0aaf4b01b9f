// The linter around the rules: the model, pragmas, configuration, severity
// overrides and the failure threshold.
#include "lint/linter.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

namespace fs = std::filesystem;
using namespace hako::lint;

namespace {

std::vector<std::string> codes(const std::vector<Finding>& fs) {
  std::vector<std::string> out;
  for (const auto& f : fs) out.push_back(f.code + "@" + std::to_string(f.line));
  return out;
}

bool has(const std::vector<Finding>& fs, const std::string& code_at_line) {
  auto c = codes(fs);
  return std::find(c.begin(), c.end(), code_at_line) != c.end();
}

TEST(Model, TypesEveryInstructionAndParsesRunAsShell) {
  Model m = build_model(
      "ARG V=1\nFROM busybox AS base\nRUN sudo apt-get install -y curl && echo hi | tee x\n"
      "ONBUILD RUN cd /tmp\nFROM base\nSHELL [\"pwsh\", \"-c\"]\nRUN Get-Item x\n");
  ASSERT_EQ(m.instructions.size(), 7u);
  EXPECT_EQ(m.instructions[0].stage, -1);
  ASSERT_EQ(m.stages.size(), 2u);
  EXPECT_EQ(m.stages[0].name, "base");
  const auto& run = m.instructions[2];
  ASSERT_TRUE(run.script.has_value());
  ASSERT_EQ(run.commands.size(), 3u);
  EXPECT_EQ(run.commands[0].name(), "sudo");
  EXPECT_EQ(run.unwrapped[0].name(), "apt-get");
  EXPECT_TRUE(run.unwrapped[0].has_flag('y'));
  EXPECT_TRUE(run.unwrapped[2].in_pipeline());
  ASSERT_TRUE(m.instructions[3].trigger);
  EXPECT_EQ(m.instructions[3].trigger->keyword, "RUN");
  EXPECT_EQ(m.instructions[3].trigger->unwrapped.at(0).name(), "cd");
  EXPECT_EQ(run_instructions(m).size(), 3u);
  // A stage whose SHELL is not sh-like has no shell model.
  EXPECT_FALSE(m.instructions[6].script.has_value());
}

TEST(Model, ExecFormAndHeredocRuns) {
  Model m = build_model(
      "FROM busybox\nRUN [\"apt-get\", \"install\", \"-y\", \"x y\"]\nRUN [\"/bin/sh\", \"-c\", \"cd /x && ls\"]\n"
      "RUN <<EOF\napt-get update\napt-get install -y curl\nEOF\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n");
  ASSERT_EQ(m.instructions.size(), 5u);
  ASSERT_EQ(m.instructions[1].unwrapped.size(), 1u);
  EXPECT_EQ(m.instructions[1].unwrapped[0].args().back().value, "x y");
  ASSERT_EQ(m.instructions[2].unwrapped.size(), 2u);
  EXPECT_EQ(m.instructions[2].unwrapped[0].name(), "cd");
  ASSERT_EQ(m.instructions[3].unwrapped.size(), 2u);
  EXPECT_EQ(m.instructions[3].unwrapped[1].name(), "apt-get");
  EXPECT_FALSE(m.instructions[4].script.has_value());  // a python heredoc is not shell
}

TEST(Linter, SyntaxErrorsAreDL1000WithTheirLine) {
  auto fs = lint_text("FROM busybox\nRUN echo\nCOPY --form=x a b\n", "Dockerfile", Config{});
  ASSERT_TRUE(has(fs, "DL1000@3")) << ::testing::PrintToString(codes(fs));
  auto unknown = lint_text("FROM busybox:1.36\nFOOBAR x\n", "Dockerfile", Config{});
  ASSERT_TRUE(has(unknown, "DL1000@2"));
  auto dl1000 = std::find_if(unknown.begin(), unknown.end(), [](const Finding& f) { return f.code == "DL1000"; });
  EXPECT_NE(dl1000->message.find("FOOBAR"), std::string::npos);
}

TEST(Linter, FindingsCarryFileLineColumnAndAreSorted) {
  auto fs = lint_text("FROM busybox\nMAINTAINER x\nWORKDIR rel\n", "path/Dockerfile", Config{});
  ASSERT_GE(fs.size(), 2u);
  for (size_t i = 1; i < fs.size(); ++i) EXPECT_LE(fs[i - 1].line, fs[i].line);
  EXPECT_EQ(fs[0].file, "path/Dockerfile");
  EXPECT_EQ(fs[0].column, 1);
  EXPECT_TRUE(has(fs, "DL4000@2"));
  EXPECT_TRUE(has(fs, "DL3000@3"));
}

TEST(Linter, InlinePragmaAppliesToTheNextInstructionOnly) {
  std::string text = "FROM busybox\n# hadolint ignore=DL3000,DL4000\nWORKDIR a\nWORKDIR b\n";
  auto fs = lint_text(text, "Dockerfile", Config{});
  EXPECT_FALSE(has(fs, "DL3000@3"));
  EXPECT_TRUE(has(fs, "DL3000@4"));
  Config no_pragmas;
  no_pragmas.disable_ignore_pragma = true;
  EXPECT_TRUE(has(lint_text(text, "Dockerfile", no_pragmas), "DL3000@3"));
  // Spacing variants Hadolint accepts; a trailing comment after the list.
  auto spaced = lint_text("FROM busybox\n#hadolint ignore=DL3000 , DL4000  # why\nWORKDIR a\n", "Dockerfile", Config{});
  EXPECT_FALSE(has(spaced, "DL3000@3"));
}

TEST(Linter, GlobalPragmaAppliesEverywhere) {
  auto fs = lint_text("FROM busybox\nWORKDIR a\n# hadolint global ignore=DL3000\nWORKDIR b\n", "Dockerfile", Config{});
  EXPECT_FALSE(has(fs, "DL3000@2"));
  EXPECT_FALSE(has(fs, "DL3000@4"));
}

TEST(Linter, PragmaInsideAHeredocIsNotAPragma) {
  auto fs = lint_text("FROM busybox\nRUN <<EOF\n# hadolint ignore=DL3000\nEOF\nWORKDIR a\n", "Dockerfile", Config{});
  EXPECT_TRUE(has(fs, "DL3000@5"));
}

TEST(Config, HadolintYamlKeys) {
  Config cfg;
  auto r = apply_config_yaml(
      "failure-threshold: warning\nformat: json\nignored: [DL3000]\nno-color: true\nno-fail: false\n"
      "override:\n  error: [DL3008]\n  style:\n    - DL3015\nstrict-labels: true\ndisable-ignore-pragma: true\n"
      "trustedRegistries: docker.io\nlabel-schema:\n  author: text\n  created: rfc3339\n",
      ".hadolint.yaml", &cfg);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(cfg.failure_threshold, Severity::Warning);
  EXPECT_EQ(cfg.format, "json");
  EXPECT_TRUE(cfg.ignored.contains("DL3000"));
  EXPECT_TRUE(cfg.no_color);
  EXPECT_EQ(cfg.overrides.at("DL3008"), Severity::Error);
  EXPECT_EQ(cfg.overrides.at("DL3015"), Severity::Style);
  EXPECT_TRUE(cfg.rules.strict_labels);
  EXPECT_TRUE(cfg.disable_ignore_pragma);
  EXPECT_EQ(cfg.rules.trusted_registries, std::vector<std::string>{"docker.io"});
  EXPECT_EQ(cfg.rules.label_schema.at("created"), LabelFormat::Rfc3339);
}

TEST(Config, ErrorsNameTheFileAndKey) {
  Config cfg;
  auto unknown = apply_config_yaml("ignore: [DL3000]\n", "x.yaml", &cfg);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message(), "x.yaml: ignore: unknown setting");
  auto bad_threshold = apply_config_yaml("failure-threshold: fatal\n", "x.yaml", &cfg);
  ASSERT_FALSE(bad_threshold);
  EXPECT_NE(bad_threshold.error().message().find("failure-threshold"), std::string::npos);
  auto bad_label = apply_config_yaml("label-schema:\n  a: colour\n", "x.yaml", &cfg);
  ASSERT_FALSE(bad_label);
  EXPECT_NE(bad_label.error().message().find("colour"), std::string::npos);
  auto bad_list = apply_config_yaml("ignored: 3\n", "x.yaml", &cfg);
  ASSERT_FALSE(bad_list);
  EXPECT_FALSE(apply_config_yaml("override:\n  fatal: [DL3000]\n", "x.yaml", &cfg));
  EXPECT_FALSE(apply_config_yaml("ignored: [\n", "x.yaml", &cfg));
}

TEST(Config, Environment) {
  std::map<std::string, std::string> env = {{"HADOLINT_IGNORE", "DL3000, DL3001"},
                                            {"HADOLINT_OVERRIDE_INFO", "DL3008"},
                                            {"HADOLINT_FAILURE_THRESHOLD", "error"},
                                            {"HADOLINT_NOFAIL", "yes"},
                                            {"HADOLINT_TRUSTED_REGISTRIES", "a.io,b.io"},
                                            {"HADOLINT_REQUIRE_LABELS", "maintainer:text,version:semver"},
                                            {"NO_COLOR", ""}};
  auto getenv = [&](const char* k) -> const char* {
    auto it = env.find(k);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  Config cfg;
  ASSERT_TRUE(apply_environment(getenv, &cfg));
  EXPECT_TRUE(cfg.ignored.contains("DL3001"));
  EXPECT_EQ(cfg.overrides.at("DL3008"), Severity::Info);
  EXPECT_EQ(cfg.failure_threshold, Severity::Error);
  EXPECT_TRUE(cfg.no_fail);
  EXPECT_TRUE(cfg.no_color);
  EXPECT_EQ(cfg.rules.trusted_registries.size(), 2u);
  EXPECT_EQ(cfg.rules.label_schema.at("version"), LabelFormat::SemVer);
  env["HADOLINT_REQUIRE_LABELS"] = "maintainer";
  EXPECT_FALSE(apply_environment(getenv, &cfg));
}

TEST(Config, SearchPathOrder) {
  fs::path tmp = fs::temp_directory_path() / ("hako-lint-cfg-" + std::to_string(::getpid()));
  fs::create_directories(tmp / "project");
  fs::create_directories(tmp / "home/.config");
  std::string home = (tmp / "home").string();
  auto getenv = [&](const char* k) -> const char* { return std::string(k) == "HOME" ? home.c_str() : nullptr; };
  EXPECT_FALSE(find_config_file((tmp / "project").string(), getenv));
  std::ofstream(tmp / "home/.hadolint.yaml") << "ignored: []\n";
  EXPECT_EQ(find_config_file((tmp / "project").string(), getenv), (tmp / "home/.hadolint.yaml").string());
  std::ofstream(tmp / "home/.config/hadolint.yml") << "ignored: []\n";
  EXPECT_EQ(find_config_file((tmp / "project").string(), getenv), (tmp / "home/.config/hadolint.yml").string());
  std::ofstream(tmp / "project/.hadolint.yaml") << "ignored: []\n";
  EXPECT_EQ(find_config_file((tmp / "project").string(), getenv), (tmp / "project/.hadolint.yaml").string());
  fs::remove_all(tmp);
}

TEST(Linter, OverridesAndIgnores) {
  std::string text = "FROM busybox:1.36\nWORKDIR a\n";
  Config cfg;
  cfg.overrides["DL3000"] = Severity::Style;
  auto fs = lint_text(text, "Dockerfile", cfg);
  ASSERT_TRUE(has(fs, "DL3000@2"));
  ASSERT_EQ(fs.size(), 1u) << ::testing::PrintToString(codes(fs));
  EXPECT_EQ(fs[0].severity, Severity::Style);
  cfg.ignored.insert("DL3000");
  EXPECT_FALSE(has(lint_text(text, "Dockerfile", cfg), "DL3000@2"));
}

TEST(Linter, FailureThreshold) {
  auto fs = lint_text("FROM busybox\nWORKDIR a\n", "Dockerfile", Config{});  // DL3000 is an error
  Config cfg;
  EXPECT_TRUE(fails(fs, cfg));  // default threshold: info
  cfg.failure_threshold = Severity::Error;
  EXPECT_TRUE(fails(fs, cfg));
  cfg.overrides["DL3000"] = Severity::Warning;
  auto warn = lint_text("FROM busybox:1.36\nWORKDIR a\n", "Dockerfile", cfg);
  EXPECT_FALSE(fails(warn, cfg));
  cfg.failure_threshold = Severity::Warning;
  EXPECT_TRUE(fails(warn, cfg));
  cfg.failure_threshold = std::nullopt;  // none
  EXPECT_FALSE(fails(warn, cfg));
  cfg.failure_threshold = Severity::Style;
  cfg.no_fail = true;
  EXPECT_FALSE(fails(warn, cfg));
  EXPECT_FALSE(fails({}, Config{}));
  EXPECT_FALSE(parse_threshold("fatal"));
  EXPECT_EQ(*parse_threshold("none"), std::nullopt);
}

TEST(Linter, EveryRuleIsRegisteredOnceWithHadolintsShape) {
  std::set<std::string> seen;
  for (const auto& r : all_rules()) {
    std::string code(r.info.code);
    EXPECT_TRUE(seen.insert(code).second) << code << " registered twice";
    EXPECT_TRUE(code.size() == 6 && code.starts_with("DL")) << code;
    EXPECT_FALSE(r.info.message.empty()) << code;
  }
}

}  // namespace
