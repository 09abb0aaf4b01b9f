#include "engine/spec/env_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "base/files.h"

namespace hako::engine {
namespace {

using Lines = std::vector<std::string>;

EnvLookup fake_env() {
  return [](const std::string& k) -> std::optional<std::string> {
    if (k == "HOME") return "/home/me";
    if (k == "EMPTY") return "";
    return std::nullopt;
  };
}

TEST(EnvFile, DockerFormat) {
  auto lines = parse_kv_lines(
      "# a comment\n"
      "A=1\n"
      "\n"
      "   B=two words  \n"
      "C=\"quoted\"\n"
      "D=\n"
      "HOME\n"
      "EMPTY\n"
      "UNSET\n"
      "\t# indented comment\n"
      "E=x=y\r\n"
      "LAST=end",
      fake_env());
  ASSERT_TRUE(lines) << lines.error().message();
  EXPECT_EQ(*lines, (Lines{"A=1", "B=two words  ", "C=\"quoted\"", "D=", "HOME=/home/me", "EMPTY=", "E=x=y",
                           "LAST=end"}));
}

TEST(EnvFile, BomAndNoLookup) {
  auto lines = parse_kv_lines("\xEF\xBB\xBFK=v\nNAME\n", nullptr);
  ASSERT_TRUE(lines);
  EXPECT_EQ(*lines, (Lines{"K=v"}));
}

TEST(EnvFile, Errors) {
  EXPECT_EQ(parse_kv_lines("=x\n", nullptr).error().message(), "no variable name on line '=x'");
  EXPECT_EQ(parse_kv_lines("A B=x\n", nullptr).error().message(), "variable 'A B' contains whitespaces");
  EXPECT_EQ(parse_kv_lines("OK=1\nA=\xff\n", nullptr).error().message(),
            "invalid utf8 bytes at line 2: [65 61 255]");
  EXPECT_EQ(parse_kv_lines(std::string(70000, 'a'), nullptr).error().message(), "bufio.Scanner: token too long");
}

TEST(EnvFile, FileErrorsNameThePath) {
  char dir[] = "/tmp/hako-envfile-XXXXXX";
  ASSERT_TRUE(mkdtemp(dir));
  std::string path = std::string(dir) + "/env";
  ASSERT_TRUE(write_file(path, "A B=1\n"));
  EXPECT_EQ(parse_kv_file(path, nullptr).error().message(),
            "invalid env file (" + path + "): variable 'A B' contains whitespaces");
  EXPECT_EQ(parse_kv_file(std::string(dir) + "/missing", nullptr).error().message(),
            "open " + std::string(dir) + "/missing: no such file or directory");
  ASSERT_TRUE(write_file(path, "X=1\n"));
  EXPECT_EQ(*parse_kv_file(path, nullptr), (Lines{"X=1"}));
  ::unlink(path.c_str());
  ::rmdir(dir);
}

TEST(EnvFlag, ValidateEnv) {
  EXPECT_EQ(*expand_env_flag("A=1", fake_env()), "A=1");
  EXPECT_EQ(*expand_env_flag("A=", fake_env()), "A=");
  EXPECT_EQ(*expand_env_flag("HOME", fake_env()), "HOME=/home/me");
  EXPECT_EQ(*expand_env_flag("UNSET", fake_env()), "UNSET");
  EXPECT_EQ(expand_env_flag("=x", fake_env()).error().message(), "invalid environment variable: =x");
  EXPECT_EQ(expand_env_flag("", fake_env()).error().message(), "invalid environment variable: ");
}

}  // namespace
}  // namespace hako::engine
