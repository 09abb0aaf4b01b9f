// Golden tests: every directory under tests/compose/ is one project. An
// optional `args` file holds one option per line (`-f FILE`, `-p NAME`,
// `--profile P`, `--env-file F`, `--project-directory D`, `env K=V` for the
// fake process environment); without -f the files are discovered. The
// normalised model must equal expected.json, where the case directory's
// absolute path is written as $CASE. A case with `expected_error` instead
// must fail with a message containing that text.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "base/strings.h"
#include "compose/project.h"
#include "compose/yaml.h"

namespace fs = std::filesystem;
using hako::Json;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
}

Json relativize(const Json& v, const std::string& dir) {
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    replace_all(s, dir, "$CASE");
    return s;
  }
  if (v.is_object()) {
    Json o = Json::object();
    for (auto& [k, c] : v.items()) o[k] = relativize(c, dir);
    return o;
  }
  if (v.is_array()) {
    Json a = Json::array();
    for (auto& c : v) a.push_back(relativize(c, dir));
    return a;
  }
  return v;
}

}  // namespace

TEST(ComposeGolden, Cases) {
  int cases = 0;
  std::vector<fs::path> dirs;
  for (auto& e : fs::directory_iterator(HAKO_COMPOSE_GOLDEN_DIR))
    if (e.is_directory()) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  for (auto& dir : dirs) {
    SCOPED_TRACE(dir.filename().string());
    ++cases;
    hako::compose::LoadOptions opts;
    std::map<std::string, std::string> env;
    if (fs::exists(dir / "args")) {
      std::istringstream in(slurp(dir / "args"));
      std::string line;
      while (std::getline(in, line)) {
        line = std::string(hako::trim(line));
        if (line.empty() || line[0] == '#') continue;
        auto sp = line.find(' ');
        std::string opt = line.substr(0, sp), val = sp == std::string::npos ? "" : line.substr(sp + 1);
        auto path = [&](const std::string& p) { return p.empty() || p[0] == '/' ? p : (dir / p).string(); };
        if (opt == "-f") opts.files.push_back(path(val));
        else if (opt == "-p") opts.project_name = val;
        else if (opt == "--profile") opts.profiles.push_back(val);
        else if (opt == "--env-file") opts.env_files.push_back(path(val));
        else if (opt == "--project-directory") opts.working_dir = path(val);
        else if (opt == "env") env[val.substr(0, val.find('='))] = val.substr(val.find('=') + 1);
        else ADD_FAILURE() << "bad args line: " << line;
      }
    }
    if (opts.files.empty() && opts.working_dir.empty()) opts.working_dir = dir.string();
    opts.environ = [env](const std::string& k) -> std::optional<std::string> {
      if (auto it = env.find(k); it != env.end()) return it->second;
      return std::nullopt;
    };
    auto p = hako::compose::load_project(opts);
    if (fs::exists(dir / "expected_error")) {
      std::string want(hako::trim(slurp(dir / "expected_error")));
      if (p.has_value()) {
        ADD_FAILURE() << "expected error " << want;
        continue;
      }
      EXPECT_NE(p.error().message().find(want), std::string::npos) << p.error().message();
      continue;
    }
    if (!p.has_value()) {
      ADD_FAILURE() << p.error().message();
      continue;
    }
    Json got = relativize(p->model, dir.string());
    Json want = Json::parse(slurp(dir / "expected.json"));
    EXPECT_EQ(got, want) << "got:\n" << got.dump(2);
    // `config`'s YAML output reads back as the same model.
    std::string yaml = hako::compose::to_yaml(p->model);
    auto back = hako::compose::parse_yaml(yaml, "config.yaml");
    if (!back) ADD_FAILURE() << back.error().message() << "\n" << yaml;
    else EXPECT_EQ(back->value, p->model) << yaml;
  }
  EXPECT_GE(cases, 6);
}
