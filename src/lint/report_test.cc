// The output formats. SARIF is also validated against the SARIF 2.1.0
// schema by tests/system/lint.bats.
#include "lint/report.h"

#include <gtest/gtest.h>

#include "base/json.h"

using namespace hako::lint;

namespace {

std::vector<FileResult> sample() {
  return {{"Dockerfile",
           {{"DL3000", Severity::Error, "Use absolute WORKDIR", "Dockerfile", 3, 1},
            {"DL3008", Severity::Warning, "Pin versions in apt get install. \"<x>\" & more", "Dockerfile", 5, 1}}},
          {"clean/Dockerfile", {}}};
}

TEST(Report, Tty) {
  ReportOptions o;
  EXPECT_EQ(render_report(sample(), o),
            "Dockerfile:3 DL3000 error: Use absolute WORKDIR\n"
            "Dockerfile:5 DL3008 warning: Pin versions in apt get install. \"<x>\" & more\n");
  o.color = true;
  EXPECT_NE(render_report(sample(), o).find("\033[1;31merror\033[0m"), std::string::npos);
}

TEST(Report, Json) {
  ReportOptions o;
  o.format = "json";
  auto j = hako::Json::parse(render_report(sample(), o));
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["code"], "DL3000");
  EXPECT_EQ(j[0]["level"], "error");
  EXPECT_EQ(j[0]["line"], 3);
  EXPECT_EQ(j[0]["column"], 1);
  EXPECT_EQ(j[0]["file"], "Dockerfile");
  EXPECT_EQ(j[1]["message"], "Pin versions in apt get install. \"<x>\" & more");
}

TEST(Report, Sarif) {
  ReportOptions o;
  o.format = "sarif";
  o.tool_version = "1.2.3";
  auto j = hako::Json::parse(render_report(sample(), o));
  EXPECT_EQ(j["version"], "2.1.0");
  const auto& run = j["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["version"], "1.2.3");
  ASSERT_EQ(run["results"].size(), 2u);
  EXPECT_EQ(run["results"][0]["ruleId"], "DL3000");
  EXPECT_EQ(run["results"][0]["level"], "error");
  EXPECT_EQ(run["results"][1]["level"], "warning");
  EXPECT_EQ(run["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"], 5);
  // Each result's ruleIndex points at its rule in the driver's list.
  for (const auto& r : run["results"]) {
    EXPECT_EQ(run["tool"]["driver"]["rules"][r["ruleIndex"].get<size_t>()]["id"], r["ruleId"]);
  }
}

TEST(Report, Checkstyle) {
  ReportOptions o;
  o.format = "checkstyle";
  std::string x = render_report(sample(), o);
  EXPECT_NE(x.find("<checkstyle version=\"4.3\">"), std::string::npos);
  EXPECT_NE(x.find("<file name=\"clean/Dockerfile\">"), std::string::npos);  // every file, clean ones too
  EXPECT_NE(x.find("<error line=\"5\" column=\"1\" severity=\"warning\" message=\"Pin versions in apt get install. "
                   "&quot;&lt;x&gt;&quot; &amp; more\" source=\"DL3008\"/>"),
            std::string::npos)
      << x;
}

TEST(Report, Codeclimate) {
  ReportOptions o;
  o.format = "codeclimate";
  std::string out = render_report(sample(), o);
  // Each issue is a JSON object followed by a NUL byte.
  size_t nul = out.find('\0');
  ASSERT_NE(nul, std::string::npos);
  auto first = hako::Json::parse(out.substr(0, nul));
  EXPECT_EQ(first["check_name"], "DL3000");
  EXPECT_EQ(first["severity"], "blocker");
  EXPECT_EQ(first["location"]["lines"]["begin"], 3);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\0'), 2);

  o.format = "gitlab_codeclimate";
  auto arr = hako::Json::parse(render_report(sample(), o));
  ASSERT_EQ(arr.size(), 2u);
  EXPECT_EQ(arr[1]["severity"], "major");
  EXPECT_EQ(arr[0]["fingerprint"].get<std::string>().size(), 40u);
  EXPECT_NE(arr[0]["fingerprint"], arr[1]["fingerprint"]);
}

TEST(Report, KnownFormats) {
  for (auto f : {"tty", "json", "sarif", "checkstyle", "codeclimate", "gitlab_codeclimate"}) EXPECT_TRUE(known_format(f));
  EXPECT_FALSE(known_format("xml"));
}

}  // namespace
