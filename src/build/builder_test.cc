// The builder against a fake executor: which steps run, what they see,
// and what the cache reuses.
#include "build/builder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "base/files.h"
#include "store/digest.h"

namespace hako::build {
namespace {

namespace fs = std::filesystem;

// Images are numbered; files of an image live in a directory per image
// (a copy of its parent's), so COPY and WORKDIR really happen.
class FakeExecutor : public Executor {
 public:
  explicit FakeExecutor(std::string dir) : dir_(std::move(dir)) {
    oci::ImageConfig base;
    base.os = "linux";
    base.config.env = {"PATH=/usr/bin:/bin"};
    base.config.cmd = std::vector<std::string>{"sh"};
    base.config.onbuild = onbuild;
    configs_["busybox"] = base;
    fs::create_directories(dir_ + "/busybox/etc");
  }

  // Another base image, like busybox.
  void configs_for_test(const std::string& id) {
    configs_[id] = configs_["busybox"];
    fs::create_directories(dir_ + "/" + id + "/etc");
  }

  std::vector<std::string> onbuild;
  std::map<std::string, int> exit_codes;  // RUN's shell text -> exit code

  Result<ImageState> base_image(const std::string& ref, const std::string&, bool) override {
    std::lock_guard lock(mu_);
    std::string id = ref == "busybox:latest" ? "busybox" : ref;
    if (!configs_.count(id)) return fail(ErrorKind::NotFound, "No such image: {}", ref);
    auto c = configs_[id];
    c.config.onbuild = onbuild;
    return ImageState{id, c};
  }

  Result<StepResult> run(const ImageState& parent, const RunStep& step, const oci::History& h,
                         const OutputSink& out) override {
    std::lock_guard lock(mu_);
    runs.push_back(step);
    std::string text = step.args.empty() ? "" : step.args.back();
    if (out) out("ran " + text + "\n");
    if (auto it = exit_codes.find(text); it != exit_codes.end()) return StepResult{"", it->second};
    return StepResult{new_image(parent, h), 0};
  }

  Result<StepResult> change_files(const ImageState& parent, const oci::History& h, const FilesChange& change) override {
    std::lock_guard lock(mu_);
    ++file_changes;
    std::string id = new_image(parent, h);
    TRY(change(dir_ + "/" + id));
    return StepResult{id, 0};
  }

  Result<> read_files(const ImageState& s, const FilesReader& read) override { return read(dir_ + "/" + s.image_id); }

  Result<std::string> finish(const ImageState& s, const std::vector<std::string>& tags) override {
    std::lock_guard lock(mu_);
    std::string id = new_image(s, {});
    configs_[id] = s.config;
    for (const auto& t : tags) this->tags[t] = id;
    return id;
  }
  Result<> tag(const std::string& id, const std::vector<std::string>& tags) override {
    for (const auto& t : tags) this->tags[t] = id;
    return {};
  }
  Result<oci::ImageConfig> image_config(const std::string& id) override {
    std::lock_guard lock(mu_);
    if (!configs_.count(id)) return fail(ErrorKind::NotFound, "no image {}", id);
    return configs_[id];
  }
  std::optional<std::string> cache_get(const std::string& key) override {
    std::lock_guard lock(mu_);
    auto it = cache_.find(key);
    if (it == cache_.end()) return std::nullopt;
    return it->second;
  }
  Result<> cache_put(const std::string& key, const std::string& id, bool) override {
    std::lock_guard lock(mu_);
    cache_[key] = id;
    return {};
  }
  Result<std::string> cache_mount_dir(const std::string& id) override { return dir_ + "/cache-" + id; }
  Result<std::string> download(const std::string& url, const std::string& name) override {
    std::lock_guard lock(mu_);
    ++downloads;
    std::string dir = dir_ + "/download-" + std::to_string(downloads);
    fs::create_directories(dir);
    std::ofstream(dir + "/" + name) << "content of " << url;
    return dir;
  }
  int downloads = 0;

  std::string files_of(const std::string& id) const { return dir_ + "/" + id; }
  void clear_cache() { cache_.clear(); }

  std::vector<RunStep> runs;
  int file_changes = 0;
  std::map<std::string, std::string> tags;

 private:
  std::string new_image(const ImageState& parent, const oci::History& h) {
    std::string id = "img" + std::to_string(++n_);
    auto c = parent.config;
    c.history.push_back(h);
    configs_[id] = c;
    std::string from = parent.image_id.empty() ? "" : dir_ + "/" + parent.image_id;
    fs::create_directories(dir_ + "/" + id);
    if (!from.empty()) fs::copy(from, dir_ + "/" + id, fs::copy_options::recursive);
    return id;
  }

  std::string dir_;
  std::mutex mu_;
  std::map<std::string, oci::ImageConfig> configs_;
  std::map<std::string, std::string> cache_;
  int n_ = 0;
};

class Quiet : public BuildObserver {
 public:
  int begin(const std::string& name) override {
    std::lock_guard lock(mu);
    names.push_back(name);
    return static_cast<int>(names.size());
  }
  void cached(int n) override {
    std::lock_guard lock(mu);
    cached_steps.push_back(names[static_cast<size_t>(n - 1)]);
  }
  void output(int, std::string_view chunk) override {
    std::lock_guard lock(mu);
    out += chunk;
  }
  void log(int, const std::string&) override {}
  void done(int) override {}
  void failed(int, const std::string& m) override {
    std::lock_guard lock(mu);
    errors.push_back(m);
  }
  std::mutex mu;
  std::vector<std::string> names, cached_steps, errors;
  std::string out;
};

class BuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/builder-test-XXXXXX";
    root_ = ::mkdtemp(tmpl);
    fs::create_directories(root_ + "/ctx");
    fs::create_directories(root_ + "/images");
    exec_ = std::make_unique<FakeExecutor>(root_ + "/images");
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& rel, const std::string& content) {
    fs::create_directories(fs::path(root_ + "/ctx/" + rel).parent_path());
    std::ofstream(root_ + "/ctx/" + rel) << content;
  }

  Result<BuildResult> build(const std::string& dockerfile, BuildOptions o = {}) {
    auto df = parse_dockerfile(dockerfile);
    if (!df) return std::unexpected(df.error());
    BuildContext ctx;
    ctx.dir = root_ + "/ctx";
    if (auto text = read_file(root_ + "/ctx/.dockerignore")) {
      auto m = IgnoreMatcher::parse(*text);
      if (!m) return std::unexpected(m.error());
      ctx.ignore = *m;
    }
    observer_ = std::make_unique<Quiet>();
    Builder b(*exec_, *observer_, o);
    auto r = b.build(*df, ctx);
    failure_ = b.failure();
    return r;
  }

  oci::ImageConfig config_of(const std::string& id) { return *exec_->image_config(id); }

  std::string root_;
  std::unique_ptr<FakeExecutor> exec_;
  std::unique_ptr<Quiet> observer_;
  std::optional<BuildFailure> failure_;
};

TEST_F(BuilderTest, MetadataInstructionsMakeTheConfig) {
  auto r = build(R"(FROM busybox
ENV A=1 B="two words"
ENV C=${A}-$B
WORKDIR /app
WORKDIR sub
USER 1000:1000
LABEL version="1.0" maintainer=me
EXPOSE 80 53/udp 8000-8001
VOLUME ["/data"]
STOPSIGNAL SIGINT
HEALTHCHECK --interval=5s --retries=2 CMD wget -q -O- localhost
ONBUILD RUN echo child
SHELL ["/bin/bash", "-c"]
ENTRYPOINT ["/bin/app"]
CMD echo hi
)");
  ASSERT_TRUE(r) << r.error().message();
  auto c = config_of(r->image_id).config;
  EXPECT_EQ(c.env, (std::vector<std::string>{"PATH=/usr/bin:/bin", "A=1", "B=two words", "C=1-two words"}));
  EXPECT_EQ(c.working_dir, "/app/sub");
  EXPECT_TRUE(fs::is_directory(exec_->files_of(r->image_id) + "/app/sub"));
  EXPECT_EQ(c.user, "1000:1000");
  EXPECT_EQ(c.labels["version"], "1.0");
  EXPECT_EQ(c.labels["maintainer"], "me");
  EXPECT_EQ(c.exposed_ports, (std::vector<std::string>{"53/udp", "80/tcp", "8000/tcp", "8001/tcp"}));
  EXPECT_EQ(c.volumes, (std::vector<std::string>{"/data"}));
  EXPECT_EQ(c.stop_signal, "SIGINT");
  ASSERT_TRUE(c.healthcheck);
  EXPECT_EQ(c.healthcheck->test, (std::vector<std::string>{"CMD-SHELL", "wget -q -O- localhost"}));
  EXPECT_EQ(c.healthcheck->interval, 5'000'000'000);
  EXPECT_EQ(c.healthcheck->retries, 2);
  EXPECT_EQ(c.onbuild, (std::vector<std::string>{"RUN echo child"}));
  EXPECT_EQ(*c.shell, (std::vector<std::string>{"/bin/bash", "-c"}));
  EXPECT_EQ(*c.entrypoint, (std::vector<std::string>{"/bin/app"}));
  // The shell form runs through the SHELL in force.
  EXPECT_EQ(*c.cmd, (std::vector<std::string>{"/bin/bash", "-c", "echo hi"}));
}

TEST_F(BuilderTest, EntrypointDropsTheInheritedCmd) {
  auto r = build("FROM busybox\nENTRYPOINT [\"/x\"]\n");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(config_of(r->image_id).config.cmd);
}

TEST_F(BuilderTest, RunSeesEnvArgsUserAndWorkdir) {
  BuildOptions o;
  o.build_args = {{"V", "given"}, {"HTTP_PROXY", "http://p"}};
  auto r = build(R"(FROM busybox
ARG V=default
ARG W=w1
ENV W=from-env
USER nobody
WORKDIR /w
RUN echo $V
)", o);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(exec_->runs.size(), 1u);
  const auto& s = exec_->runs[0];
  EXPECT_EQ(s.args, (std::vector<std::string>{"/bin/sh", "-c", "echo $V"}));
  auto has = [&](const std::string& e) { return std::find(s.env.begin(), s.env.end(), e) != s.env.end(); };
  EXPECT_TRUE(has("V=given"));
  EXPECT_TRUE(has("W=from-env"));
  EXPECT_FALSE(has("W=w1"));  // ENV wins over ARG
  EXPECT_TRUE(has("HTTP_PROXY=http://p"));
  EXPECT_EQ(s.user, "nobody");
  EXPECT_EQ(s.workdir, "/w");
  // Build args are not kept in the image.
  auto env = config_of(r->image_id).config.env;
  EXPECT_EQ(std::count(env.begin(), env.end(), "V=given"), 0);
}

TEST_F(BuilderTest, UnchangedRebuildRunsNothingAndGivesTheSameImage) {
  write("a.txt", "a");
  std::string df = "FROM busybox\nCOPY a.txt /a.txt\nRUN echo one\nENV X=1\nRUN echo two\n";
  auto first = build(df);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(exec_->runs.size(), 2u);
  int changes = exec_->file_changes;
  auto second = build(df);
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(exec_->runs.size(), 2u);
  EXPECT_EQ(exec_->file_changes, changes);
  EXPECT_EQ(first->image_id, second->image_id);
  // --no-cache runs everything again.
  BuildOptions o;
  o.no_cache = true;
  ASSERT_TRUE(build(df, o));
  EXPECT_EQ(exec_->runs.size(), 4u);
}

TEST_F(BuilderTest, AChangedSourceRerunsFromTheStepThatReadsIt) {
  write("first.txt", "1");
  write("second.txt", "2");
  std::string df = "FROM busybox\nCOPY first.txt /\nRUN echo after-first\nCOPY second.txt /\nRUN echo after-second\n";
  ASSERT_TRUE(build(df));
  ASSERT_EQ(exec_->runs.size(), 2u);
  write("second.txt", "changed");
  auto r = build(df);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(exec_->runs.size(), 3u);
  EXPECT_EQ(exec_->runs.back().args.back(), "echo after-second");
  EXPECT_EQ(observer_->cached_steps,
            (std::vector<std::string>{"[2/5] COPY first.txt /", "[3/5] RUN echo after-first"}));
  // Only FROM and the steps that change files are numbered, as BuildKit's.
  auto numbered = build("FROM busybox\nENV A=1\nCOPY first.txt /\nLABEL x=y\nRUN echo after-first\n");
  ASSERT_TRUE(numbered);
  EXPECT_EQ(observer_->names.back(), "exporting to image");
  EXPECT_EQ(observer_->names[1], "[2/3] COPY first.txt /");
  std::ifstream f(exec_->files_of(r->image_id) + "/second.txt");
  std::string content((std::istreambuf_iterator<char>(f)), {});
  EXPECT_EQ(content, "changed");
  // Only the mtime changing is no change (the cache is by content).
  size_t runs = exec_->runs.size();
  fs::last_write_time(root_ + "/ctx/first.txt", fs::file_time_type::clock::now() + std::chrono::hours(1));
  ASSERT_TRUE(build(df));
  EXPECT_EQ(exec_->runs.size(), runs);
}

TEST_F(BuilderTest, ABuildArgChangeRerunsTheRunsThatSeeIt) {
  std::string df = "FROM busybox\nRUN echo before\nARG V\nRUN echo after\n";
  BuildOptions o;
  o.build_args = {{"V", "1"}};
  ASSERT_TRUE(build(df, o));
  o.build_args = {{"V", "2"}};
  ASSERT_TRUE(build(df, o));
  ASSERT_EQ(exec_->runs.size(), 3u);
  EXPECT_EQ(exec_->runs.back().args.back(), "echo after");
}

TEST_F(BuilderTest, DockerignoreKeepsFilesOut) {
  write("app.txt", "app");
  write("secret.key", "s3cret");
  write("logs/a.log", "log");
  write("logs/keep.log", "keep");
  write(".dockerignore", "secret.key\nlogs\n!logs/keep.log\n");
  auto r = build("FROM busybox\nCOPY . /ctx/\n");
  ASSERT_TRUE(r) << r.error().message();
  std::string files = exec_->files_of(r->image_id);
  EXPECT_TRUE(fs::exists(files + "/ctx/app.txt"));
  EXPECT_FALSE(fs::exists(files + "/ctx/secret.key"));
  EXPECT_FALSE(fs::exists(files + "/ctx/logs/a.log"));
  EXPECT_TRUE(fs::exists(files + "/ctx/logs/keep.log"));
  // Naming an excluded file is an error, as Docker's.
  auto bad = build("FROM busybox\nCOPY secret.key /\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("secret.key"), std::string::npos);
  ASSERT_TRUE(failure_);
  EXPECT_EQ(failure_->start_line, 2);
}

TEST_F(BuilderTest, CopyDestinationsFollowDockersRules) {
  write("a.txt", "a");
  write("b.txt", "b");
  write("dir/x/y.txt", "y");
  auto r = build(R"(FROM busybox
WORKDIR /w
COPY a.txt .
COPY a.txt /renamed.txt
COPY dir /d
COPY *.txt /many/
COPY --chmod=0600 a.txt /mode.txt
)");
  ASSERT_TRUE(r) << r.error().message();
  std::string f = exec_->files_of(r->image_id);
  EXPECT_TRUE(fs::is_regular_file(f + "/w/a.txt"));
  EXPECT_TRUE(fs::is_regular_file(f + "/renamed.txt"));
  EXPECT_TRUE(fs::is_regular_file(f + "/d/x/y.txt"));  // a directory's contents, not itself
  EXPECT_TRUE(fs::is_regular_file(f + "/many/a.txt"));
  EXPECT_TRUE(fs::is_regular_file(f + "/many/b.txt"));
  EXPECT_EQ(fs::status(f + "/mode.txt").permissions() & fs::perms::mask, fs::perms::owner_read | fs::perms::owner_write);
  auto bad = build("FROM busybox\nCOPY a.txt b.txt /notadir\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("must be a directory and end with a /"), std::string::npos);
  auto missing = build("FROM busybox\nCOPY nothere.txt /\n");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("nothere.txt"), std::string::npos);
}

TEST_F(BuilderTest, MultiStageBuildsOnlyWhatTheTargetNeeds) {
  exec_->exit_codes["exit 1"] = 1;
  std::string df = R"(FROM busybox AS base
RUN echo base
FROM busybox AS broken
RUN exit 1
FROM base AS app
RUN echo app
FROM busybox
COPY --from=app /etc /x
)";
  BuildOptions o;
  o.target = "app";
  auto r = build(df, o);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(exec_->runs.size(), 2u);
  EXPECT_EQ(exec_->runs[0].args.back(), "echo base");
  EXPECT_EQ(exec_->runs[1].args.back(), "echo app");
  // The whole file: the last stage needs app (and so base), never broken.
  auto whole = build(df);
  ASSERT_TRUE(whole) << whole.error().message();
  EXPECT_EQ(exec_->runs.size(), 2u);  // both from the cache
  o.target = "nope";
  auto missing = build(df, o);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("target stage \"nope\" could not be found"), std::string::npos);
  o.target = "broken";
  auto failed = build(df, o);
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message().find("\"/bin/sh -c exit 1\" did not complete successfully: exit code: 1"),
            std::string::npos);
  ASSERT_TRUE(failure_);
  EXPECT_EQ(failure_->start_line, 4);
}

TEST_F(BuilderTest, ArgsBeforeFromExpandFromAndReachStagesThatDeclareThem) {
  exec_->configs_for_test("base-1.0");
  BuildOptions o;
  o.build_args = {{"VERSION", "1.0"}, {"UNUSED", "x"}};
  auto r = build(R"(ARG VERSION=0.9
ARG NAME=base
FROM ${NAME}-${VERSION}
RUN echo "[$VERSION]"
ARG VERSION
RUN echo "[$VERSION]"
)", o);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(exec_->runs.size(), 2u);
  auto has_version = [](const RunStep& s) {
    return std::find(s.env.begin(), s.env.end(), "VERSION=1.0") != s.env.end();
  };
  EXPECT_FALSE(has_version(exec_->runs[0]));  // not declared in the stage yet
  EXPECT_TRUE(has_version(exec_->runs[1]));
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("[UNUSED]"), std::string::npos);
}

TEST_F(BuilderTest, OnbuildTriggersRunFirstAndAreNotInherited) {
  exec_->onbuild = {"RUN echo trigger"};
  auto r = build("FROM busybox\nRUN echo own\n");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(exec_->runs.size(), 2u);
  EXPECT_EQ(exec_->runs[0].args.back(), "echo trigger");
  EXPECT_TRUE(config_of(r->image_id).config.onbuild.empty());
}

TEST_F(BuilderTest, RunHeredocGoesToTheShellWithItsBody) {
  auto r = build("FROM busybox\nRUN <<EOF\necho one\necho two\nEOF\n");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(exec_->runs.size(), 1u);
  // The body alone is the script (sh -c "<<EOF ..." would run nothing).
  EXPECT_EQ(exec_->runs[0].args, (std::vector<std::string>{"/bin/sh", "-c", "echo one\necho two\n"}));
  // Heredocs fed to a command: the shell reads the line and the bodies.
  ASSERT_TRUE(build("FROM busybox\nRUN cat <<A >/a\nhello\nA\n"));
  EXPECT_EQ(exec_->runs.back().args.back(), "cat <<A >/a\nhello\nA");
  // A #! script is run as a file.
  ASSERT_TRUE(build("FROM busybox\nRUN <<EOF\n#!/bin/busybox sh\necho hi\nEOF\n"));
  EXPECT_EQ(exec_->runs.back().args, (std::vector<std::string>{"/dev/pipes/EOF"}));
  ASSERT_EQ(exec_->runs.back().mounts.size(), 1u);
  EXPECT_EQ(exec_->runs.back().mounts[0].target, "/dev/pipes/EOF");
}

TEST_F(BuilderTest, CacheMountsAndSecretsResolveToHostPaths) {
  write("secret.txt", "pw");
  BuildOptions o;
  o.secrets = {{"token", root_ + "/ctx/secret.txt"}};
  auto r = build("FROM busybox\nRUN --mount=type=cache,target=/cache --mount=type=secret,id=token cat /run/secrets/token\n", o);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(exec_->runs.size(), 1u);
  const auto& m = exec_->runs[0].mounts;
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].target, "/cache");
  EXPECT_NE(m[0].source.find("cache-/cache"), std::string::npos);
  EXPECT_EQ(m[1].target, "/run/secrets/token");
  EXPECT_TRUE(m[1].readonly);
  // A secret the build was not given is an error naming it.
  auto missing = build("FROM busybox\nRUN --mount=type=secret,id=other,required cat x\n");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("other"), std::string::npos);
}

TEST_F(BuilderTest, AddUrlFetchesAFileAndChecksItsChecksum) {
  std::string url = "http://127.0.0.1:1/dir/tool.tar.gz?x=1";
  auto r = build("FROM busybox\nADD " + url + " /opt/\n");
  ASSERT_TRUE(r) << r.error().message();
  std::string f = exec_->files_of(r->image_id) + "/opt/tool.tar.gz";
  ASSERT_TRUE(fs::is_regular_file(f));  // never unpacked
  EXPECT_EQ(fs::status(f).permissions() & fs::perms::mask, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(exec_->downloads, 1);
  // Without --checksum every build fetches (the content is the key).
  ASSERT_TRUE(build("FROM busybox\nADD " + url + " /opt/\n"));
  EXPECT_EQ(exec_->downloads, 2);
  std::string sum = store::sha256_of("content of " + url).to_string();
  auto checked = build("FROM busybox\nADD --checksum=" + sum + " " + url + " /opt/t.tgz\n");
  ASSERT_TRUE(checked) << checked.error().message();
  EXPECT_TRUE(fs::is_regular_file(exec_->files_of(checked->image_id) + "/opt/t.tgz"));
  // With it, a cached step fetches nothing.
  int before = exec_->downloads;
  ASSERT_TRUE(build("FROM busybox\nADD --checksum=" + sum + " " + url + " /opt/t.tgz\n"));
  EXPECT_EQ(exec_->downloads, before);
  auto wrong = build("FROM busybox\nADD --checksum=sha256:" + std::string(64, 'a') + " " + url + " /x\n");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message().find("digest mismatch"), std::string::npos);
  auto copy = build("FROM busybox\nCOPY " + url + " /x\n");
  ASSERT_FALSE(copy);
  EXPECT_NE(copy.error().message().find("source can't be a URL for COPY"), std::string::npos);
}

TEST_F(BuilderTest, IndependentStagesAllRun) {
  auto r = build(R"(FROM busybox AS a
RUN echo a
FROM busybox AS b
RUN echo b
FROM busybox
COPY --from=a /etc /a
COPY --from=b /etc /b
)");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(exec_->runs.size(), 2u);
}

}  // namespace
}  // namespace hako::build
