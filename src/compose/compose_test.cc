#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "compose/interpolate.h"
#include "compose/project.h"
#include "compose/schema.h"
#include "compose/yaml.h"

namespace fs = std::filesystem;
using hako::Json;
using namespace hako::compose;

namespace {

Lookup env_of(std::map<std::string, std::string> m) {
  return [m](const std::string& k) -> std::optional<std::string> {
    if (auto it = m.find(k); it != m.end()) return it->second;
    return std::nullopt;
  };
}

// A temp project directory with files.
class TempProject {
 public:
  TempProject() {
    char tmpl[] = "/tmp/compose-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  ~TempProject() { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    fs::path p = fs::path(dir_) / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  const std::string& dir() const { return dir_; }
  hako::Result<Project> load(std::vector<std::string> files = {}, std::map<std::string, std::string> env = {},
                             std::vector<std::string> profiles = {}) {
    LoadOptions o;
    for (auto& f : files) o.files.push_back(dir_ + "/" + f);
    if (files.empty()) o.working_dir = dir_;
    o.environ = env_of(env);
    o.profiles = profiles;
    return load_project(o);
  }

 private:
  std::string dir_;
};

}  // namespace

// --- interpolation ---------------------------------------------------------

struct InterpCase {
  const char* in;
  const char* out;
};

TEST(Interpolate, Table) {
  auto env = env_of({{"A", "a"}, {"E", ""}, {"B", "b"}});
  InterpCase cases[] = {
      {"plain", "plain"},
      {"$A", "a"},
      {"${A}", "a"},
      {"x${A}y", "xay"},
      {"$A-$B", "a-b"},
      {"${U:-def}", "def"},
      {"${E:-def}", "def"},
      {"${E-def}", ""},
      {"${U-def}", "def"},
      {"${A:-def}", "a"},
      {"${A:+rep}", "rep"},
      {"${E:+rep}", ""},
      {"${E+rep}", "rep"},
      {"${U+rep}", ""},
      {"$$A", "$A"},
      {"$${A}", "${A}"},
      {"a$$", "a$"},
      {"${U:-${B}}", "b"},
      {"${U:-${V:-deep}}", "deep"},
      {"${U:-x $A y}", "x a y"},
      {"$1", "$1"},
      {"$", "$"},
      {"cost: 5$", "cost: 5$"},
      {"$U", ""},
      {"${A?err}", "a"},
  };
  for (auto& c : cases) {
    auto r = interpolate(c.in, env);
    ASSERT_TRUE(r) << c.in << ": " << r.error().message();
    EXPECT_EQ(*r, c.out) << c.in;
  }
}

TEST(Interpolate, Errors) {
  auto env = env_of({{"E", ""}});
  auto r = interpolate("${U:?must be set}", env);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "required variable U is missing a value: must be set");
  EXPECT_FALSE(interpolate("${E:?x}", env));
  EXPECT_TRUE(interpolate("${E?x}", env));
  EXPECT_FALSE(interpolate("${U?}", env));
  EXPECT_FALSE(interpolate("${A", env));
  EXPECT_FALSE(interpolate("${}", env));
  EXPECT_FALSE(interpolate("${A/b/c}", env));
}

TEST(Interpolate, WarnsOnUnset) {
  std::vector<std::string> w;
  auto r = interpolate("${NOPE}", env_of({}), &w);
  ASSERT_TRUE(r);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("NOPE"), std::string::npos);
}

// --- env files -------------------------------------------------------------

TEST(EnvFile, Syntax) {
  std::string text =
      "# comment\n"
      "A=1\n"
      "export B=two words  \n"
      "C='single $A #x'\n"
      "D=\"double $A\\nnext\"\n"
      "E=value # comment\n"
      "F=val#nocomment\n"
      "G=\n"
      "H=${A}-${MISSING:-d}\n"
      "I=\"multi\nline\"\n"
      "  J = spaced\n"
      "INHERIT\n";
  auto r = parse_env_file(text, ".env", env_of({{"INHERIT", "from-env"}}));
  ASSERT_TRUE(r) << r.error().message();
  std::map<std::string, std::string> m(r->begin(), r->end());
  EXPECT_EQ(m["A"], "1");
  EXPECT_EQ(m["B"], "two words");
  EXPECT_EQ(m["C"], "single $A #x");
  EXPECT_EQ(m["D"], "double 1\nnext");
  EXPECT_EQ(m["E"], "value");
  EXPECT_EQ(m["F"], "val#nocomment");
  EXPECT_EQ(m["G"], "");
  EXPECT_EQ(m["H"], "1-d");
  EXPECT_EQ(m["I"], "multi\nline");
  EXPECT_EQ(m["J"], "spaced");
  EXPECT_EQ(m["INHERIT"], "from-env");
  EXPECT_EQ(r->front().first, "A");  // file order kept
}

TEST(EnvFile, Errors) {
  EXPECT_FALSE(parse_env_file("A=\"open\n", ".env", nullptr));
  EXPECT_FALSE(parse_env_file("BAD KEY=1\n", ".env", nullptr));
}

// --- shell words -----------------------------------------------------------

TEST(ShellWords, Split) {
  auto w = split_shell_words(R"(sh -c "echo hi  there" 'a b' c\ d "" e)");
  ASSERT_TRUE(w);
  EXPECT_EQ(*w, (std::vector<std::string>{"sh", "-c", "echo hi  there", "a b", "c d", "", "e"}));
  EXPECT_FALSE(split_shell_words("'open"));
}

// --- yaml --------------------------------------------------------------------

TEST(Yaml, TypesAnchorsMerge) {
  auto d = parse_yaml(
      "a: &x\n  k: 1\n  s: 'str'\n  b: true\n  n: ~\n  f: 1.5\n  v: 1.2.3\nb: *x\nc:\n  <<: *x\n  k: 2\n"
      "d:\n  <<: [{p: 1}, {p: 2, q: 3}]\n",
      "t.yaml");
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->value["a"]["k"], 1);
  EXPECT_EQ(d->value["a"]["s"], "str");
  EXPECT_EQ(d->value["a"]["b"], true);
  EXPECT_TRUE(d->value["a"]["n"].is_null());
  EXPECT_EQ(d->value["a"]["f"], 1.5);
  EXPECT_EQ(d->value["a"]["v"], "1.2.3");
  EXPECT_EQ(d->value["b"], d->value["a"]);
  EXPECT_EQ(d->value["c"]["k"], 2);
  EXPECT_EQ(d->value["c"]["s"], "str");
  EXPECT_EQ(d->value["d"]["p"], 1);
  EXPECT_EQ(d->value["d"]["q"], 3);
  EXPECT_EQ(d->lines["c.k"], 11);
}

TEST(Yaml, SyntaxErrorHasLine) {
  auto d = parse_yaml("a: 1\nb: [\n", "bad.yaml");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message().rfind("bad.yaml:", 0), 0u) << d.error().message();
}

TEST(Yaml, Tags) {
  auto d = parse_yaml("s:\n  p: !reset []\n  q: !override [1]\n", "t.yaml");
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->value["s"].contains("p"));
  EXPECT_TRUE(d->reset_paths.contains("s.p"));
  EXPECT_TRUE(d->override_paths.contains("s.q"));
}

TEST(Yaml, Emit) {
  Json j = Json::parse(R"({"a":{"b":[1,"x: y",{"c":true,"d":null}],"e":{}},"f":"8080"})");
  auto y = to_yaml_text(j);
  auto back = parse_yaml(y, "re.yaml");
  ASSERT_TRUE(back) << y;
  EXPECT_EQ(back->value, j) << y;
}

// --- schema validation -----------------------------------------------------

TEST(Validation, UnknownKeyWithLine) {
  TempProject t;
  t.write("compose.yaml", "services:\n  web:\n    image: nginx\n    portz:\n      - 80\n");
  auto p = t.load();
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message().find("compose.yaml:4: services.web.portz: additional property not allowed"),
            std::string::npos)
      << p.error().message();
}

TEST(Validation, WrongTypeWithLine) {
  TempProject t;
  t.write("compose.yaml", "services:\n  web:\n    image: nginx\n\n    ports: 80\n");
  auto p = t.load();
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message().find("compose.yaml:5: services.web.ports: must be a list"), std::string::npos)
      << p.error().message();
}

TEST(Validation, NestedAndEnum) {
  TempProject t;
  t.write("compose.yaml",
          "services:\n  web:\n    image: nginx\n    depends_on:\n      db:\n        condition: whenever\n  db:\n"
          "    image: pg\n");
  auto p = t.load();
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message().find("compose.yaml:6: services.web.depends_on.db.condition: must be one of"),
            std::string::npos)
      << p.error().message();
}

TEST(Validation, TopLevelAndExtensions) {
  TempProject t;
  t.write("compose.yaml", "x-common: &c {image: nginx}\nservices:\n  web:\n    <<: *c\n    x-note: hi\nbogus: 1\n");
  auto p = t.load();
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message().find("compose.yaml:6: bogus: additional property not allowed"), std::string::npos)
      << p.error().message();
}

TEST(Validation, SchemaDirect) {
  auto errs = validate_schema(compose_schema(), Json::parse(R"({"services":{"a":{"image":1}}})"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].path, "services.a.image");
}

TEST(Validation, InterpolationErrorHasLine) {
  TempProject t;
  t.write("compose.yaml", "services:\n  web:\n    image: ${TAG:?TAG must be set}\n");
  auto p = t.load();
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message().find("compose.yaml:3: services.web.image: required variable TAG is missing a value: "
                                     "TAG must be set"),
            std::string::npos)
      << p.error().message();
}

// --- merge -------------------------------------------------------------------

TEST(Merge, Rules) {
  Json base = Json::parse(R"({"services":{"foo":{"image":"a","command":["echo","foo"],"dns":["1.1.1.1"],
    "environment":{"A":"1","B":"2"},
    "ports":[{"mode":"ingress","target":80,"published":"8080","protocol":"tcp"}],
    "volumes":[{"type":"volume","source":"foo","target":"/work","volume":{}}]}}})");
  Json over = Json::parse(R"({"services":{"foo":{"image":"b","command":["echo","bar"],"dns":["8.8.8.8"],
    "environment":{"B":"3","C":"4"},
    "ports":[{"mode":"ingress","target":80,"published":"8080","protocol":"tcp","host_ip":"127.0.0.1"},
             {"mode":"ingress","target":443,"published":"8443","protocol":"tcp"}],
    "volumes":[{"type":"volume","source":"bar","target":"/work","volume":{}}]}}})");
  Json m = merge_models(base, over);
  Json& f = m["services"]["foo"];
  EXPECT_EQ(f["image"], "b");
  EXPECT_EQ(f["command"], Json::parse(R"(["echo","bar"])"));
  EXPECT_EQ(f["dns"], Json::parse(R"(["1.1.1.1","8.8.8.8"])"));
  EXPECT_EQ(f["environment"], Json::parse(R"({"A":"1","B":"3","C":"4"})"));
  EXPECT_EQ(f["ports"].size(), 3u);  // host_ip differs: a distinct binding
  ASSERT_EQ(f["volumes"].size(), 1u);
  EXPECT_EQ(f["volumes"][0]["source"], "bar");
}

TEST(Merge, ResetAndOverride) {
  Json base = Json::parse(R"({"services":{"app":{"image":"a","ports":[{"target":80}],"environment":{"FOO":"BAR","X":"1"}}}})");
  Json over = Json::parse(R"({"services":{"app":{"environment":{},"labels":{"a":"b"}}}})");
  Json m = merge_models(base, over, {"services.app.ports", "services.app.environment.FOO"});
  EXPECT_FALSE(m["services"]["app"].contains("ports"));
  EXPECT_EQ(m["services"]["app"]["environment"], Json::parse(R"({"X":"1"})"));
  Json over2 = Json::parse(R"({"services":{"app":{"ports":[{"target":443}]}}})");
  Json m2 = merge_models(base, over2, {}, {"services.app.ports"});
  EXPECT_EQ(m2["services"]["app"]["ports"], Json::parse(R"([{"target":443}])"));
}

TEST(Merge, FilesWithResetTag) {
  TempProject t;
  t.write("compose.yaml", "services:\n  app:\n    image: myapp\n    ports:\n      - \"8080:80\"\n    environment:\n      FOO: BAR\n");
  t.write("override.yaml", "services:\n  app:\n    ports: !reset []\n    environment:\n      FOO: !reset null\n");
  auto p = t.load({"compose.yaml", "override.yaml"});
  ASSERT_TRUE(p) << p.error().message();
  Json& app = p->model["services"]["app"];
  EXPECT_FALSE(app.contains("ports"));
  EXPECT_TRUE(!app.contains("environment") || app["environment"].empty());
}

// --- short syntax ------------------------------------------------------------

TEST(Normalize, Ports) {
  auto p = parse_port(Json("127.0.0.1:8080:80/udp"));
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, Json::parse(R"([{"mode":"ingress","host_ip":"127.0.0.1","target":80,"published":"8080","protocol":"udp"}])"));
  p = parse_port(Json("3000"));
  EXPECT_EQ(*p, Json::parse(R"([{"mode":"ingress","target":3000,"protocol":"tcp"}])"));
  p = parse_port(Json("9090-9091:8080-8081"));
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[1]["published"], "9091");
  EXPECT_EQ((*p)[1]["target"], 8081);
  p = parse_port(Json("[::1]:6001:6001"));
  EXPECT_EQ((*p)[0]["host_ip"], "::1");
  p = parse_port(Json(80));
  EXPECT_EQ((*p)[0]["target"], 80);
  EXPECT_FALSE(parse_port(Json("abc")));
}

TEST(Normalize, Volumes) {
  auto v = parse_volume("./data:/data:ro", "/proj");
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, Json::parse(R"({"type":"bind","source":"/proj/data","target":"/data","read_only":true,
                              "bind":{"create_host_path":true}})"));
  v = parse_volume("db:/var/lib/db", "/proj");
  EXPECT_EQ(*v, Json::parse(R"({"type":"volume","source":"db","target":"/var/lib/db","volume":{}})"));
  v = parse_volume("/var/lib/anon", "/proj");
  EXPECT_EQ(*v, Json::parse(R"({"type":"volume","target":"/var/lib/anon","volume":{}})"));
  v = parse_volume("../up:/x:z", "/proj/sub");
  EXPECT_EQ((*v)["source"], "/proj/up");
  EXPECT_EQ((*v)["bind"]["selinux"], "z");
  EXPECT_FALSE(parse_volume("a:/b:bogus", "/proj"));
}

TEST(Normalize, ServiceDefaults) {
  TempProject t;
  t.write("compose.yaml",
          "services:\n  web:\n    build: ./web\n    command: sh -c 'echo hi'\n    environment:\n      - A=1\n      - FROMENV\n"
          "      - UNSET\n    labels:\n      - com.x=y\n    depends_on: [db]\n    env_file: web.env\n"
          "    healthcheck:\n      test: curl -f http://localhost\n      interval: 1m30s\n"
          "  db:\n    image: postgres\n    network_mode: host\n    mem_limit: 512m\n");
  t.write("web.env", "A=from-file\nB=2\n");
  auto p = t.load({}, {{"FROMENV", "x"}});
  ASSERT_TRUE(p) << p.error().message();
  Json& web = p->model["services"]["web"];
  EXPECT_EQ(web["build"], Json({{"context", t.dir() + "/web"}, {"dockerfile", "Dockerfile"}}));
  EXPECT_EQ(web["command"], Json::parse(R"(["sh","-c","echo hi"])"));
  EXPECT_TRUE(web["entrypoint"].is_null());
  EXPECT_EQ(web["environment"], Json::parse(R"({"A":"1","B":"2","FROMENV":"x","UNSET":null})"));
  EXPECT_FALSE(web.contains("env_file"));
  EXPECT_EQ(web["labels"], Json::parse(R"({"com.x":"y"})"));
  EXPECT_EQ(web["depends_on"], Json::parse(R"({"db":{"condition":"service_started","required":true}})"));
  EXPECT_EQ(web["networks"], Json::parse(R"({"default":null})"));
  EXPECT_EQ(web["healthcheck"]["test"], Json::parse(R"(["CMD-SHELL","curl -f http://localhost"])"));
  EXPECT_EQ(web["healthcheck"]["interval"], "1m30s");
  Json& db = p->model["services"]["db"];
  EXPECT_FALSE(db.contains("networks"));
  EXPECT_EQ(db["mem_limit"], "512m");
  std::string name = p->name;
  EXPECT_EQ(p->model["networks"]["default"]["name"], name + "_default");
  EXPECT_EQ(p->model["name"], name);
}

TEST(Normalize, ProjectName) {
  EXPECT_EQ(normalize_project_name("My App.v2"), "myappv2");
  EXPECT_EQ(normalize_project_name("_-x"), "x");
  TempProject t;
  t.write("compose.yaml", "name: Bad Name\nservices: {a: {image: x}}\n");
  EXPECT_FALSE(t.load());
  t.write("compose.yaml", "name: good\nservices: {a: {image: x}}\n");
  auto p = t.load();
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->name, "good");
  p = t.load({}, {{"COMPOSE_PROJECT_NAME", "fromenv"}});
  EXPECT_EQ(p->name, "fromenv");
}

TEST(Normalize, Discovery) {
  TempProject t;
  t.write("docker-compose.yml", "services: {a: {image: x}}\n");
  t.write("docker-compose.override.yml", "services: {a: {image: y}}\n");
  t.write("sub/deeper/.keep", "");
  LoadOptions o;
  o.working_dir = t.dir() + "/sub/deeper";
  auto p = load_project(o);
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->model["services"]["a"]["image"], "y");
}

// --- errors ------------------------------------------------------------------

TEST(Errors, DependencyCycle) {
  TempProject t;
  t.write("compose.yaml", "services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [a]}\n");
  auto p = t.load();
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message(), "dependency cycle detected: a -> b -> a");
}

TEST(Errors, UnknownDependency) {
  TempProject t;
  t.write("compose.yaml", "services:\n  a: {image: x, depends_on: [nope]}\n");
  auto p = t.load();
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message().find("depends on undefined service \"nope\""), std::string::npos);
}

TEST(Errors, DuplicateContainerName) {
  TempProject t;
  t.write("compose.yaml", "services:\n  a: {image: x, container_name: cc}\n  b: {image: x, container_name: cc}\n");
  auto p = t.load();
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message().find("container name \"cc\" is already in use"), std::string::npos)
      << p.error().message();
}

TEST(Errors, UndefinedVolumeAndNoFile) {
  TempProject t;
  t.write("compose.yaml", "services:\n  a: {image: x, volumes: ['data:/d']}\n");
  auto p = t.load();
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message().find("undefined volume data"), std::string::npos);
  TempProject empty;
  LoadOptions o;
  o.working_dir = empty.dir();
  EXPECT_FALSE(load_project(o));
}

// --- extends / include / profiles -----------------------------------------

TEST(Extends, SameFileAndCycle) {
  TempProject t;
  t.write("compose.yaml",
          "services:\n  common:\n    image: busybox\n    environment:\n      TZ: utc\n      PORT: 80\n"
          "  cli:\n    extends: common\n    environment:\n      - PORT=8080\n");
  auto p = t.load();
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->model["services"]["cli"]["environment"], Json::parse(R"({"TZ":"utc","PORT":"8080"})"));
  EXPECT_EQ(p->model["services"]["cli"]["image"], "busybox");
  EXPECT_FALSE(p->model["services"]["cli"].contains("extends"));
  t.write("compose.yaml", "services:\n  a: {extends: b}\n  b: {extends: a}\n");
  auto c = t.load();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message().find("cycle"), std::string::npos) << c.error().message();
}

TEST(Extends, OtherFileRelativePaths) {
  TempProject t;
  t.write("common/base.yaml", "services:\n  web:\n    image: web\n    volumes: ['./html:/html']\n");
  t.write("compose.yaml", "services:\n  site:\n    extends: {file: common/base.yaml, service: web}\n");
  auto p = t.load();
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->model["services"]["site"]["volumes"][0]["source"], t.dir() + "/common/html");
  t.write("compose.yaml", "services:\n  site:\n    extends: {file: common/base.yaml, service: nope}\n");
  EXPECT_FALSE(t.load());
}

TEST(Include, ShortSyntaxAndEnv) {
  TempProject t;
  t.write("other/compose.yaml", "services:\n  b:\n    image: ${IMG:-none}\n    volumes: ['./d:/d']\n");
  t.write("other/.env", "IMG=from-included-env\n");
  t.write("compose.yaml", "include:\n  - other/compose.yaml\nservices:\n  a: {image: x, depends_on: [b]}\n");
  auto p = t.load();
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->model["services"]["b"]["image"], "from-included-env");
  EXPECT_EQ(p->model["services"]["b"]["volumes"][0]["source"], t.dir() + "/other/d");
  p = t.load({}, {{"IMG", "parent-wins"}});
  EXPECT_EQ(p->model["services"]["b"]["image"], "parent-wins");
  EXPECT_FALSE(p->model.contains("include"));
}

TEST(Profiles, Selection) {
  TempProject t;
  t.write("compose.yaml",
          "services:\n  foo: {image: foo}\n  bar: {image: bar, profiles: [test]}\n"
          "  baz: {image: baz, depends_on: [bar], profiles: [test]}\n  zot: {image: zot, depends_on: [bar], profiles: [debug]}\n");
  auto p = t.load();
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->model["services"].size(), 1u);
  p = t.load({}, {}, {"test"});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->model["services"].size(), 3u);
  EXPECT_FALSE(t.load({}, {}, {"debug"}));  // zot needs bar
  p = t.load({}, {{"COMPOSE_PROFILES", "debug,test"}});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->model["services"].size(), 4u);
  p = t.load({}, {}, {"*"});
  EXPECT_EQ(p->model["services"].size(), 4u);
}

TEST(Profiles, ANamedServiceIsEnabled) {
  TempProject t;
  t.write("compose.yaml",
          "services:\n  foo: {image: foo}\n  tool: {image: tool, profiles: [tools]}\n"
          "  other: {image: other, profiles: [tools]}\n");
  LoadOptions o;
  o.working_dir = t.dir();
  o.enabled_services = {"tool"};
  auto p = load_project(o);
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_TRUE(p->model["services"].contains("tool"));
  EXPECT_FALSE(p->model["services"].contains("other"));
  EXPECT_TRUE(p->model["services"].contains("foo"));
}

TEST(ToYaml, NameFirst) {
  Json m = Json::parse(R"({"name":"p","services":{"a":{"image":"x"}}})");
  std::string y = to_yaml(m);
  EXPECT_EQ(y.rfind("name: p\n", 0), 0u) << y;
}

TEST(Include, LongSyntax) {
  TempProject t;
  t.write("lib/svc.yaml", "services:\n  b:\n    image: ${IMG}\n    build: .\n");
  t.write("lib/over.yaml", "services:\n  b:\n    labels: [x=y]\n");
  t.write("envs/custom.env", "IMG=custom\n");
  t.write("compose.yaml",
          "include:\n  - path: [lib/svc.yaml, lib/over.yaml]\n    project_directory: lib\n    env_file: envs/custom.env\n"
          "services:\n  a: {image: x}\n");
  auto p = t.load();
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->model["services"]["b"]["image"], "custom");
  EXPECT_EQ(p->model["services"]["b"]["labels"]["x"], "y");
  EXPECT_EQ(p->model["services"]["b"]["build"]["context"], t.dir() + "/lib");
}

TEST(Include, ConflictIsAnError) {
  TempProject t;
  t.write("other.yaml", "services:\n  a: {image: other}\n");
  t.write("compose.yaml", "include: [other.yaml]\nservices:\n  a: {image: mine}\n");
  auto p = t.load();
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message().find("services.a conflicts with imported resource"), std::string::npos)
      << p.error().message();
}

TEST(Normalize, ResourceNames) {
  TempProject t;
  t.write("compose.yaml",
          "name: proj\nservices:\n  a:\n    image: x\n    networks: [front]\n    secrets: [tok]\n"
          "networks:\n  front:\n  ext:\n    external: true\nvolumes:\n  data:\n    name: fixed\n"
          "secrets:\n  tok:\n    file: ./tok.txt\n");
  auto p = t.load();
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->model["networks"]["front"]["name"], "proj_front");
  EXPECT_EQ(p->model["networks"]["ext"]["name"], "ext");
  EXPECT_FALSE(p->model["networks"].contains("default"));
  EXPECT_EQ(p->model["volumes"]["data"]["name"], "fixed");
  EXPECT_EQ(p->model["secrets"]["tok"]["name"], "proj_tok");
  EXPECT_EQ(p->model["secrets"]["tok"]["file"], t.dir() + "/tok.txt");
  EXPECT_EQ(p->model["services"]["a"]["secrets"][0]["source"], "tok");
}

TEST(Normalize, WarningsForUnsetVariables) {
  TempProject t;
  t.write("compose.yaml", "version: '3.8'\nservices:\n  a: {image: \"x:${NOPE}\"}\n");
  auto p = t.load();
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->model["services"]["a"]["image"], "x:");
  EXPECT_FALSE(p->model.contains("version"));
  ASSERT_EQ(p->warnings.size(), 2u);
}
