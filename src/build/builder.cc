#include "build/builder.h"

#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "base/clock.h"
#include "base/files.h"
#include "base/json.h"
#include "base/strings.h"
#include "build/build_user.h"
#include "build/copy_files.h"
#include "build/shell/shell_lex.h"
#include "store/digest.h"

namespace hako::build {
namespace {

// Proxy args a --build-arg may set without an ARG (Docker's predefined
// args): RUN sees them, history and the cache key do not.
const std::set<std::string> kProxyArgs = {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
                                          "FTP_PROXY",  "ftp_proxy",  "NO_PROXY",    "no_proxy",
                                          "ALL_PROXY",  "all_proxy"};

std::string next_key(const std::string& parent, const std::string& step) {
  return store::sha256_of(parent + "\n" + step).hex;
}

std::string host_arch() {
  struct utsname u;
  if (::uname(&u) != 0) return "amd64";
  std::string m = u.machine;
  if (m == "x86_64") return "amd64";
  if (m == "aarch64") return "arm64";
  if (m.starts_with("arm")) return "arm";
  if (m == "i686" || m == "i386") return "386";
  return m;
}

// The automatic platform args (BuildKit's TARGETPLATFORM and friends).
std::map<std::string, std::string> platform_args(const std::string& platform) {
  std::string os = "linux", arch = host_arch(), variant;
  if (!platform.empty()) {
    auto parts = split(platform, '/');
    if (!parts.empty()) os = parts[0];
    if (parts.size() > 1) arch = parts[1];
    if (parts.size() > 2) variant = parts[2];
  }
  std::string build_platform = "linux/" + host_arch();
  std::string target = os + "/" + arch + (variant.empty() ? "" : "/" + variant);
  return {{"TARGETPLATFORM", target}, {"TARGETOS", os},       {"TARGETARCH", arch}, {"TARGETVARIANT", variant},
          {"BUILDPLATFORM", build_platform}, {"BUILDOS", "linux"}, {"BUILDARCH", host_arch()}, {"BUILDVARIANT", ""}};
}

std::string path_join(const std::string& base, const std::string& p) {
  if (p.starts_with("/")) return p;
  std::string b = base.empty() ? "/" : base;
  return b.ends_with("/") ? b + p : b + "/" + p;
}

// "/a/./b/../c/" → "/a/c": WORKDIR keeps a clean absolute path.
std::string clean_abs(const std::string& p) { return "/" + clean_rel_path(p); }

void set_env(std::vector<std::string>& env, const std::string& key, const std::string& value) {
  for (auto& e : env)
    if (e.substr(0, e.find('=')) == key) {
      e = key + "=" + value;
      return;
    }
  env.push_back(key + "=" + value);
}

bool is_url(const std::string& s) { return s.starts_with("http://") || s.starts_with("https://"); }

bool is_git_source(const std::string& s) {
  return s.starts_with("git@") || s.starts_with("git://") ||
         (is_url(s) && (s.ends_with(".git") || s.find(".git#") != std::string::npos));
}

// The file name ADD gives a URL's content: the last path segment.
std::string url_file_name(const std::string& url) {
  std::string path = url.substr(0, url.find_first_of("?#"));
  auto scheme = path.find("://");
  path = scheme == std::string::npos ? path : path.substr(scheme + 3);
  auto slash = path.find('/');
  std::string rest = slash == std::string::npos ? "" : path.substr(slash);
  while (rest.ends_with("/")) rest.pop_back();
  std::string name = rest.substr(rest.rfind('/') + 1);
  return name.empty() ? "__unnamed__" : name;
}

// A private file for the length of a step (a RUN heredoc script).
struct TempFile {
  std::string path;
  TempFile() = default;
  TempFile(TempFile&& o) noexcept : path(std::exchange(o.path, "")) {}
  TempFile& operator=(TempFile&& o) noexcept {
    std::swap(path, o.path);
    return *this;
  }
  ~TempFile() {
    if (!path.empty()) ::unlink(path.c_str());
  }
  static Result<TempFile> with(const std::string& content, mode_t mode) {
    char tmpl[] = "/tmp/hako-build-script-XXXXXX";
    int fd = ::mkstemp(tmpl);
    if (fd < 0) return fail_sys("mkstemp");
    TempFile t;
    t.path = tmpl;
    auto w = write_all(fd, content, t.path);
    ::fchmod(fd, mode);
    ::close(fd);
    if (!w) return std::unexpected(w.error());
    return t;
  }
};

std::string json_words(const std::vector<std::string>& words) { return Json(words).dump(); }

Result<mode_t> parse_chmod(const std::string& s) {
  if (s.empty() || s.size() > 4 || s.find_first_not_of("01234567") != std::string::npos)
    return fail(ErrorKind::InvalidArgument, "invalid chmod parameter {}: only octal modes are supported", s);
  return static_cast<mode_t>(std::stoul(s, nullptr, 8));
}

struct StageInfo {
  const Stage* stage = nullptr;
  int index = 0;
  std::string name;        // as FROM ... AS gave it, or ""
  std::string base;        // FROM's image, expanded
  int base_stage = -1;     // FROM another stage
  std::set<int> deps;
  bool needed = false;
};

struct StageOutput {
  ImageState state;
  std::string key;
};

// Everything one build shares between its stage threads.
struct Shared {
  Executor& executor;
  BuildObserver& observer;
  const BuildOptions& options;
  const BuildContext& context;
  const Dockerfile& dockerfile;
  std::vector<StageInfo> stages;
  std::map<std::string, std::string> meta_args;  // after --build-arg
  std::mutex mu;
  std::map<int, StageOutput> outputs;
  std::set<std::string> used_args;
  std::optional<BuildFailure> failure;
  bool multi_stage = false;

  void note_failure(const Instruction* in, int start, int end) {
    std::lock_guard lock(mu);
    if (failure) return;
    failure = BuildFailure{in ? in->start_line : start, in ? in->end_line : end};
  }
};

// Resolves a --from / from= value: a stage (by name or index) or an image.
int stage_ref(const Shared& sh, const std::string& ref, int before) {
  std::string lower = ref;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  for (int i = 0; i < before; ++i)
    if (!sh.stages[static_cast<size_t>(i)].name.empty() && sh.stages[static_cast<size_t>(i)].name == lower) return i;
  if (auto n = parse_int(ref); n && *n >= 0 && *n < before) return static_cast<int>(*n);
  return -1;
}

// The steps a stage shows in its progress ([2/4]): FROM and the ones that
// change files; ENV, LABEL and the like only change the config.
int shown_steps(const std::vector<Instruction>& instructions) {
  int n = 0;
  for (const auto& in : instructions)
    n += std::holds_alternative<RunCommand>(in.command) || std::holds_alternative<CopyCommand>(in.command) ||
         std::holds_alternative<WorkdirCommand>(in.command);
  return n;
}

class StageBuild {
 public:
  StageBuild(Shared& sh, int index) : sh_(sh), info_(sh.stages[static_cast<size_t>(index)]), lex_(sh.dockerfile.escape) {}

  Result<StageOutput> run() {
    const Stage& st = *info_.stage;
    TRY(from());
    // ONBUILD triggers of the base image run first, then are dropped.
    std::vector<Instruction> triggers;
    for (const auto& expr : state_.config.config.onbuild) {
      TRY_ASSIGN(auto in, parse_onbuild_expression(expr, sh_.dockerfile.escape));
      in.start_line = st.start_line;
      in.end_line = st.end_line;
      triggers.push_back(std::move(in));
    }
    state_.config.config.onbuild.clear();
    total_ = 1 + shown_steps(triggers) + shown_steps(st.instructions);
    for (const auto& in : triggers) TRY(step(in, true));
    for (const auto& in : st.instructions) TRY(step(in, false));
    return StageOutput{state_, key_};
  }

 private:
  std::string label(const std::string& text) {
    ++number_;
    std::string who = info_.name.empty() ? (sh_.multi_stage ? fmt::format("stage-{}", info_.index) : "") : info_.name;
    return fmt::format("[{}{}{}/{}] {}", who, who.empty() ? "" : " ", number_, total_, text);
  }

  Result<> from() {
    const Stage& st = *info_.stage;
    total_ = 1 + shown_steps(st.instructions);
    if (info_.base_stage >= 0) {
      std::lock_guard lock(sh_.mu);
      const auto& out = sh_.outputs.at(info_.base_stage);
      state_ = out.state;
      key_ = out.key;
      int n = sh_.observer.begin(label("FROM " + info_.base));
      sh_.observer.done(n);
      return {};
    }
    if (info_.base == "scratch") {
      state_ = ImageState{};
      state_.config.os = "linux";
      state_.config.architecture = host_arch();
      key_ = next_key("", "FROM scratch");
      return {};
    }
    int n = sh_.observer.begin(label("FROM " + info_.base));
    std::string platform = st.from.platform;
    if (!platform.empty()) {
      TRY_ASSIGN(platform, lex_.process_word(platform, meta_env()));
    }
    auto base = sh_.executor.base_image(info_.base, platform.empty() ? sh_.options.platform : platform,
                                        sh_.options.pull);
    if (!base) {
      sh_.observer.failed(n, base.error().message());
      sh_.note_failure(nullptr, st.start_line, st.end_line);
      return std::unexpected(base.error());
    }
    state_ = std::move(*base);
    key_ = next_key("", "FROM " + state_.image_id);
    sh_.observer.done(n);
    return {};
  }

  Env meta_env() const {
    std::vector<std::string> e;
    for (const auto& [k, v] : sh_.meta_args) e.push_back(k + "=" + v);
    return Env(e);
  }

  // What words expand with: the args in scope, then ENV (which wins).
  Env expand_env() const {
    std::vector<std::string> e;
    for (const auto& [k, v] : args_)
      if (v) e.push_back(k + "=" + *v);
    for (const auto& x : state_.config.config.env) e.push_back(x);
    return Env(e);
  }

  Result<std::string> word(const std::string& w) {
    ShellMatches m;
    TRY_ASSIGN(auto out, lex_.process_word(w, expand_env(), &m));
    note_used(m);
    return out;
  }

  void note_used(const ShellMatches& m) {
    std::lock_guard lock(sh_.mu);
    for (const auto& k : m.matched)
      if (args_.count(k)) sh_.used_args.insert(k);
  }

  void history(const std::string& created_by, bool empty_layer) {
    oci::History h;
    h.created = now_rfc3339();
    h.created_by = created_by;
    h.comment = "buildkit.dockerfile.v0";
    h.empty_layer = empty_layer;
    state_.config.history.push_back(h);
  }

  oci::History layer_history(const std::string& created_by) {
    oci::History h;
    h.created = now_rfc3339();
    h.created_by = created_by;
    h.comment = "buildkit.dockerfile.v0";
    return h;
  }

  // A metadata step: no image, but it is part of every later key.
  void meta(const std::string& created_by) {
    key_ = next_key(key_, created_by);
    history(created_by, true);
  }

  // A step that makes an image: from the cache when its key is there.
  template <typename Make>
  Result<> layer_step(int n, const std::string& what, Make&& make) {
    std::string key = next_key(key_, what);
    if (!sh_.options.no_cache) {
      if (auto hit = sh_.executor.cache_get(key)) {
        auto config = sh_.executor.image_config(*hit);
        if (config) {
          state_.image_id = *hit;
          state_.config = std::move(*config);
          key_ = key;
          sh_.observer.cached(n);
          return {};
        }
      }
    }
    TRY_ASSIGN(StepResult r, make());
    TRY(sh_.executor.cache_put(key, r.image_id));
    TRY_ASSIGN(state_.config, sh_.executor.image_config(r.image_id));
    state_.image_id = r.image_id;
    key_ = key;
    sh_.observer.done(n);
    return {};
  }

  Result<> step(const Instruction& in, bool trigger) {
    std::string text = (trigger ? "ONBUILD " : "") + in.original;
    auto r = std::visit([&](const auto& c) { return dispatch(in, c, text); }, in.command);
    if (!r) sh_.note_failure(&in, 0, 0);
    return r;
  }

  // Runs a metadata step's progress line around `fn`.
  // Metadata steps are not shown or numbered, as in BuildKit.
  template <typename Fn>
  Result<> meta_step(const std::string&, Fn&& fn) {
    return fn();
  }

  Result<> dispatch(const Instruction&, const EnvCommand& c, const std::string&) {
    return meta_step("", [&]() -> Result<> {
      std::string created = "ENV";
      for (const auto& kv : c.env) {
        TRY_ASSIGN(auto k, word(kv.key));
        TRY_ASSIGN(auto v, word(kv.value));
        set_env(state_.config.config.env, k, v);
        created += " " + k + "=" + v;
      }
      meta(created);
      return {};
    });
  }

  Result<> dispatch(const Instruction&, const ArgCommand& c, const std::string&) {
    return meta_step("", [&]() -> Result<> {
      for (const auto& a : c.args) {
        std::optional<std::string> value;
        if (a.value) {
          TRY_ASSIGN(auto v, word(*a.value));
          value = v;
        } else if (auto m = sh_.meta_args.find(a.key); m != sh_.meta_args.end()) {
          value = m->second;  // ARG X in a stage takes the global X
        }
        if (auto given = sh_.options.build_args.find(a.key); given != sh_.options.build_args.end()) {
          value = given->second;
          std::lock_guard lock(sh_.mu);
          sh_.used_args.insert(a.key);
        }
        args_[a.key] = value;
        key_ = next_key(key_, "ARG " + a.key + (value ? "=" + *value : ""));
      }
      return {};
    });
  }

  Result<> dispatch(const Instruction&, const LabelCommand& c, const std::string&) {
    return meta_step("", [&]() -> Result<> {
      std::string created = "LABEL";
      for (const auto& kv : c.labels) {
        TRY_ASSIGN(auto k, word(kv.key));
        TRY_ASSIGN(auto v, word(kv.value));
        state_.config.config.labels[k] = v;
        created += " " + k + "=" + v;
      }
      meta(created);
      return {};
    });
  }

  Result<> dispatch(const Instruction&, const MaintainerCommand& c, const std::string&) {
    return meta_step("", [&]() -> Result<> {
      TRY_ASSIGN(auto m, word(c.maintainer));
      state_.config.author = m;
      meta("MAINTAINER " + m);
      return {};
    });
  }

  Result<> dispatch(const Instruction&, const ExposeCommand& c, const std::string&) {
    return meta_step("", [&]() -> Result<> {
      std::vector<std::string> all;
      for (const auto& p : c.ports) {
        ShellMatches m;
        TRY_ASSIGN(auto words, lex_.process_words(p, expand_env(), &m));
        note_used(m);
        for (const auto& w : words) {
          TRY_ASSIGN(auto ports, expose_ports(w));
          all.insert(all.end(), ports.begin(), ports.end());
        }
      }
      auto& exposed = state_.config.config.exposed_ports;
      for (const auto& p : all)
        if (std::find(exposed.begin(), exposed.end(), p) == exposed.end()) exposed.push_back(p);
      std::sort(exposed.begin(), exposed.end());
      meta("EXPOSE map[" + join(all, " ") + "]");
      return {};
    });
  }

  Result<> dispatch(const Instruction&, const VolumeCommand& c, const std::string&) {
    return meta_step("", [&]() -> Result<> {
      std::vector<std::string> vols;
      for (const auto& v : c.volumes) {
        TRY_ASSIGN(auto x, word(v));
        if (trim(x).empty()) return fail(ErrorKind::InvalidArgument, "VOLUME specified can not be an empty string");
        vols.push_back(x);
        auto& cur = state_.config.config.volumes;
        if (std::find(cur.begin(), cur.end(), x) == cur.end()) cur.push_back(x);
      }
      meta("VOLUME " + json_words(vols));
      return {};
    });
  }

  Result<> dispatch(const Instruction&, const UserCommand& c, const std::string&) {
    return meta_step("", [&]() -> Result<> {
      TRY_ASSIGN(auto u, word(c.user));
      state_.config.config.user = u;
      meta("USER " + u);
      return {};
    });
  }

  Result<> dispatch(const Instruction&, const StopSignalCommand& c, const std::string&) {
    return meta_step("", [&]() -> Result<> {
      TRY_ASSIGN(auto s, word(c.signal));
      state_.config.config.stop_signal = s;
      meta("STOPSIGNAL " + s);
      return {};
    });
  }

  Result<> dispatch(const Instruction&, const OnbuildCommand& c, const std::string&) {
    return meta_step("", [&]() -> Result<> {
      state_.config.config.onbuild.push_back(c.expression);
      meta("ONBUILD " + c.expression);
      return {};
    });
  }

  Result<> dispatch(const Instruction&, const ShellCommand& c, const std::string&) {
    return meta_step("", [&]() -> Result<> {
      state_.config.config.shell = c.shell;
      meta("SHELL " + json_words(c.shell));
      return {};
    });
  }

  std::vector<std::string> shell() const {
    return state_.config.config.shell.value_or(std::vector<std::string>{"/bin/sh", "-c"});
  }

  std::vector<std::string> command_words(const ShellDependentCommand& c) const {
    if (!c.prepend_shell) return c.args;
    auto words = shell();
    words.push_back(c.args.empty() ? "" : c.args[0]);
    return words;
  }

  Result<> dispatch(const Instruction&, const CmdCommand& c, const std::string&) {
    return meta_step("", [&]() -> Result<> {
      state_.config.config.cmd = command_words(c);
      cmd_set_ = true;
      meta("CMD " + json_words(*state_.config.config.cmd));
      return {};
    });
  }

  Result<> dispatch(const Instruction&, const EntrypointCommand& c, const std::string&) {
    return meta_step("", [&]() -> Result<> {
      state_.config.config.entrypoint = command_words(c);
      // An ENTRYPOINT drops the CMD inherited from the base image, as Docker.
      if (!cmd_set_) state_.config.config.cmd.reset();
      meta("ENTRYPOINT " + json_words(*state_.config.config.entrypoint));
      return {};
    });
  }

  Result<> dispatch(const Instruction&, const HealthcheckCommand& c, const std::string&) {
    return meta_step("", [&]() -> Result<> {
      oci::HealthConfig h;
      h.test = c.test;
      h.interval = c.interval_ns;
      h.timeout = c.timeout_ns;
      h.start_period = c.start_period_ns;
      h.start_interval = c.start_interval_ns;
      h.retries = c.retries;
      state_.config.config.healthcheck = h;
      meta("HEALTHCHECK " + json_words(c.test));
      return {};
    });
  }

  Result<> dispatch(const Instruction&, const WorkdirCommand& c, const std::string& text) {
    TRY_ASSIGN(auto w, word(c.path));
    std::string dir = clean_abs(path_join(state_.config.config.working_dir, w));
    state_.config.config.working_dir = dir;
    int n = sh_.observer.begin(label("WORKDIR " + dir));
    // The directory is made (a layer only when it was not there yet).
    return layer_step(n, "WORKDIR " + dir, [&]() -> Result<StepResult> {
      return sh_.executor.change_files(state_, layer_history("WORKDIR " + dir), [&](const std::string& rootfs) -> Result<> {
        return make_dir_in_root(rootfs, dir);
      });
    });
  }

  // The build args a RUN sees as environment variables: every one in scope
  // that ENV does not set.
  std::vector<std::pair<std::string, std::string>> run_args() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [k, v] : args_) {
      if (!v) continue;
      bool in_env = std::any_of(state_.config.config.env.begin(), state_.config.config.env.end(),
                                [&](const std::string& e) { return e.substr(0, e.find('=')) == k; });
      if (!in_env) out.emplace_back(k, *v);
    }
    return out;
  }

  Result<> dispatch(const Instruction& in, const RunCommand& c, const std::string& text) {
    RunStep rs;
    rs.args = command_words(c);
    std::optional<TempFile> script_file;
    if (c.prepend_shell && !c.heredocs.empty()) {
      std::string line = c.args.empty() ? "" : std::string(trim(c.args[0]));
      bool only_heredoc = c.heredocs.size() == 1 && line.starts_with("<<") &&
                          line.find_first_of(" \t") == std::string::npos;
      if (only_heredoc && c.heredocs[0].content.starts_with("#!")) {
        // RUN <<EOF with a #! line: the body is a script run as a file
        // (mounted at /dev/pipes/NAME, as BuildKit does).
        TRY_ASSIGN(script_file, TempFile::with(c.heredocs[0].content, 0755));
        std::string target = "/dev/pipes/" + c.heredocs[0].name;
        StepMount m;
        m.source = script_file->path;
        m.target = target;
        m.readonly = true;
        rs.mounts.push_back(m);
        rs.args = {target};
      } else if (only_heredoc) {
        // RUN <<EOF: the body is the shell's script.
        rs.args.back() = c.heredocs[0].content;
      } else {
        // Heredocs as input to a command: the shell reads them itself, so
        // it gets the line and the bodies.
        std::string script = rs.args.back();
        for (const auto& h : c.heredocs) script += "\n" + h.content + h.name;
        rs.args.back() = script;
      }
    }
    rs.env = state_.config.config.env;
    std::string arg_part;
    auto args = run_args();
    {
      std::lock_guard lock(sh_.mu);
      for (const auto& [k, v] : args) sh_.used_args.insert(k);
    }
    for (const auto& [k, v] : args) {
      rs.env.push_back(k + "=" + v);
      arg_part += " " + k + "=" + v;
    }
    for (const auto& [k, v] : sh_.options.build_args)
      if (kProxyArgs.count(k) && !args_.count(k)) rs.env.push_back(k + "=" + v);
    rs.user = state_.config.config.user;
    rs.workdir = state_.config.config.working_dir.empty() ? "/" : state_.config.config.working_dir;
    rs.network = c.network.empty() || c.network == "default" ? sh_.options.network : c.network;
    if (c.security == "insecure")
      return fail(ErrorKind::PermissionDenied,
                  "RUN --security=insecure needs the security.insecure entitlement, which hako does not grant");
    std::string mount_part;
    for (const auto& m : c.mounts) {
      TRY_ASSIGN(auto sm, resolve_mount(m, mount_part, rs.env));
      rs.mounts.push_back(std::move(sm));
    }
    std::string shown = join(rs.args, " ");
    std::string created_by = "RUN " + (args.empty() ? "" : fmt::format("|{}{} ", args.size(), arg_part)) + shown;
    // Shown as written (flags included), as BuildKit shows it.
    int n = sh_.observer.begin(label("RUN" + in.original.substr(std::min(in.original.size(), in.keyword.size()))));
    std::string what = "RUN " + json_words(rs.args) + "\nargs:" + arg_part + "\nnet:" + rs.network + "\nmounts:" +
                       mount_part + "\nuser:" + rs.user + "\nwd:" + rs.workdir;
    for (const auto& h : c.heredocs) what += "\n<<" + h.name + "\n" + h.content;
    return layer_step(n, what, [&]() -> Result<StepResult> {
      auto r = sh_.executor.run(state_, rs, layer_history(created_by + " # buildkit"),
                                [&](std::string_view chunk) { sh_.observer.output(n, chunk); });
      if (!r) {
        sh_.observer.failed(n, r.error().message());
        return std::unexpected(r.error());
      }
      if (r->exit_code != 0) {
        std::string msg = fmt::format("process \"{}\" did not complete successfully: exit code: {}", shown, r->exit_code);
        sh_.observer.failed(n, msg);
        return fail(ErrorKind::Internal, "{}", msg);
      }
      return *r;
    });
  }

  Result<StepMount> resolve_mount(const RunMount& m, std::string& key_part, std::vector<std::string>& env) {
    StepMount sm;
    TRY_ASSIGN(sm.target, word(m.target));
    if (!sm.target.starts_with("/"))
      sm.target = clean_abs(path_join(state_.config.config.working_dir, sm.target));
    switch (m.type) {
      case RunMount::Type::Cache: {
        std::string id = m.id.empty() ? sm.target : m.id;
        TRY_ASSIGN(sm.source, sh_.executor.cache_mount_dir(id));
        sm.readonly = m.readonly;
        key_part += " cache:" + id + ">" + sm.target;
        break;
      }
      case RunMount::Type::Tmpfs:
        sm.type = StepMount::Type::Tmpfs;
        sm.tmpfs_size = m.size_bytes.value_or(0);
        key_part += " tmpfs>" + sm.target;
        break;
      case RunMount::Type::Secret: {
        std::string id = m.id.empty() ? sm.target.substr(sm.target.rfind('/') + 1) : m.id;
        auto it = sh_.options.secrets.find(id);
        if (it == sh_.options.secrets.end()) {
          if (m.required) return fail(ErrorKind::NotFound, "secret {} not found", id);
          key_part += " secret-missing:" + id;
          return fail(ErrorKind::NotFound, "secret {}: not given (use --secret id={},src=FILE)", id, id);
        }
        if (m.target.empty() && m.env.empty()) sm.target = "/run/secrets/" + id;
        if (!m.env.empty()) {
          TRY_ASSIGN(auto value, read_file(it->second));
          env.push_back(m.env + "=" + value);
        }
        sm.source = it->second;
        sm.readonly = true;
        // Secrets never enter the cache key by value, as BuildKit.
        key_part += " secret:" + id + ">" + sm.target;
        break;
      }
      case RunMount::Type::Bind: {
        std::string src = m.source.empty() ? "/" : m.source;
        TRY_ASSIGN(src, word(src));
        sm.readonly = m.readonly;
        if (!m.from.empty()) {
          // From a stage or an image: its id stands for its files.
          TRY_ASSIGN(auto from, lex_.process_word(m.from, meta_env()));
          int ref = stage_ref(sh_, from, info_.index);
          ImageState source;
          if (ref >= 0) {
            std::lock_guard lock(sh_.mu);
            source = sh_.outputs.at(ref).state;
          } else {
            TRY_ASSIGN(source, sh_.executor.base_image(from, sh_.options.platform, sh_.options.pull));
          }
          if (source.image_id.empty()) return fail(ErrorKind::NotFound, "--mount from={}: the stage has no files", from);
          sm.from_image = source.image_id;
          sm.source = src;
          key_part += " bind:" + source.image_id + ":" + src + ">" + sm.target;
          break;
        }
        // From the context: its content is part of the key.
        CopySpec spec;
        spec.sources = {src};
        spec.dest = "/";
        spec.dest_is_dir = true;
        const IgnoreMatcher* ignore = sh_.context.ignore ? &*sh_.context.ignore : nullptr;
        TRY_ASSIGN(auto plan, plan_copy(sh_.context.dir, ignore, spec));
        TRY_ASSIGN(auto digest, hash_copy(sh_.context.dir, ignore, spec, plan));
        std::string rel = plan.items.empty() ? "" : plan.items[0].source;
        sm.source = rel.empty() ? sh_.context.dir : sh_.context.dir + "/" + rel;
        key_part += " bind:" + digest + ">" + sm.target;
        break;
      }
      case RunMount::Type::Ssh:
        return fail(ErrorKind::NotSupported, "RUN --mount=type=ssh is not supported");
    }
    return sm;
  }

  Result<> dispatch(const Instruction& in, const CopyCommand& c, const std::string& text) {
    std::string kw = c.is_add ? "ADD" : "COPY";
    CopySpec spec;
    size_t urls = 0;
    for (const auto& s : c.sources) {
      TRY_ASSIGN(auto x, word(s));
      if (is_git_source(x)) return fail(ErrorKind::NotSupported, "{}: git sources ({}) are not supported", kw, x);
      if (is_url(x)) {
        if (!c.is_add) return fail(ErrorKind::InvalidArgument, "source can't be a URL for COPY");
        ++urls;
      }
      spec.sources.push_back(x);
    }
    if (urls > 0 && urls != spec.sources.size())
      return fail(ErrorKind::NotSupported, "ADD: URLs and local files in one instruction are not supported");
    if (!c.checksum.empty() && urls == 0)
      return fail(ErrorKind::InvalidArgument, "checksum can't be specified for non-HTTP(S) sources");
    TRY_ASSIGN(auto dest, word(c.dest));
    std::string wd = state_.config.config.working_dir.empty() ? "/" : state_.config.config.working_dir;
    spec.dest_is_dir = dest.ends_with("/") || dest == "." || dest.ends_with("/.");
    if (c.sources.size() + c.source_heredocs.size() > 1 && !spec.dest_is_dir)
      return fail(ErrorKind::InvalidArgument,
                  "When using {} with more than one source file, the destination must be a directory and end with a /",
                  kw);
    spec.dest = clean_abs(path_join(wd, dest));
    if (!c.chmod.empty()) {
      TRY_ASSIGN(spec.chmod, parse_chmod(c.chmod));
    }
    spec.parents = c.parents;
    for (const auto& e : c.excludes) {
      TRY_ASSIGN(auto x, word(e));
      spec.excludes.push_back(x);
    }
    spec.unpack_archives = c.is_add && c.unpack.value_or(true) && c.from.empty();
    std::string chown;
    if (!c.chown.empty()) {
      TRY_ASSIGN(chown, word(c.chown));
    }
    std::string from;
    if (!c.from.empty()) {
      TRY_ASSIGN(from, lex_.process_word(c.from, meta_env()));
    }
    std::string created_by = kw + (from.empty() ? "" : " --from=" + from) + (chown.empty() ? "" : " --chown=" + chown) +
                             (c.chmod.empty() ? "" : " --chmod=" + c.chmod) + " " + join(spec.sources, " ") +
                             (c.source_heredocs.empty() ? "" : "<<heredoc") + " " + dest;
    int n = sh_.observer.begin(label(created_by));

    std::string heredoc_part;
    for (const auto& h : c.source_heredocs) heredoc_part += "\n<<" + h.name + "\n" + h.content;
    auto describe = [&](const std::string& origin, const std::string& digest) {
      return fmt::format("{} {}\nfrom:{}\ncontent:{}\nheredocs:{}\ndest:{}{}\nchown:{}\nchmod:{}\nparents:{}\nunpack:{}"
                         "\nexcludes:{}",
                         kw, json_words(spec.sources), origin, digest, heredoc_part, spec.dest,
                         spec.dest_is_dir ? "/" : "", chown, c.chmod, spec.parents, spec.unpack_archives,
                         json_words(spec.excludes));
    };
    auto plan_in = [&](const std::string& root, const IgnoreMatcher* ignore) -> Result<CopyPlan> {
      if (spec.sources.empty()) return CopyPlan{};
      auto p = plan_copy(root, ignore, spec);
      if (!p) {
        sh_.observer.failed(n, p.error().message());
        return std::unexpected(p.error().context(fmt::format("{} failed", kw)));
      }
      return p;
    };
    auto copy_into = [&](const std::string& root, const IgnoreMatcher* ignore, const CopyPlan& plan) {
      return sh_.executor.change_files(state_, layer_history(created_by + " # buildkit"),
                                       [&](const std::string& rootfs) -> Result<> {
                                         TRY_ASSIGN(auto owner, resolve_chown(rootfs, chown));
                                         TRY(apply_copy(root, ignore, spec, plan, rootfs, owner));
                                         for (const auto& h : c.source_heredocs)
                                           TRY(write_heredoc_file(rootfs, spec, h, owner));
                                         return {};
                                       });
    };

    if (urls > 0) return add_urls(n, c, spec, chown, dest, describe, created_by);
    if (from.empty()) {
      // From the context: the key holds the sources' names, modes and contents.
      const IgnoreMatcher* ignore = sh_.context.ignore ? &*sh_.context.ignore : nullptr;
      TRY_ASSIGN(auto plan, plan_in(sh_.context.dir, ignore));
      std::string digest;
      if (!plan.items.empty()) {
        TRY_ASSIGN(digest, hash_copy(sh_.context.dir, ignore, spec, plan));
      }
      return layer_step(n, describe("context", digest), [&]() { return copy_into(sh_.context.dir, ignore, plan); });
    }
    ImageState source;
    int ref = stage_ref(sh_, from, info_.index);
    if (ref >= 0) {
      std::lock_guard lock(sh_.mu);
      source = sh_.outputs.at(ref).state;
    } else {
      auto base = sh_.executor.base_image(from, sh_.options.platform, sh_.options.pull);
      if (!base) {
        sh_.observer.failed(n, base.error().message());
        return std::unexpected(base.error());
      }
      source = std::move(*base);
    }
    if (source.image_id.empty()) {
      // A scratch stage with no layer: nothing to copy from.
      return fail(ErrorKind::NotFound, "{} --from={}: the stage has no files", kw, from);
    }
    // From a stage or an image: its id (a digest of its config, which lists
    // its layers' digests) stands for its files, so a cached step needs no
    // mount and no hashing.
    return layer_step(n, describe("image:" + source.image_id, ""), [&]() -> Result<StepResult> {
      std::optional<Result<StepResult>> inner;
      TRY(sh_.executor.read_files(source, [&](const std::string& root) -> Result<> {
        auto plan = plan_in(root, nullptr);
        if (!plan) return std::unexpected(plan.error());
        inner = copy_into(root, nullptr, *plan);
        return {};
      }));
      return *inner;
    });
  }

  // ADD URL...: each fetched into a private directory, then copied as a
  // file (never unpacked), mode 0600 unless --chmod, as BuildKit. With
  // --checksum the key is that digest, so a cached step fetches nothing;
  // without, every build fetches and the key is what arrived.
  template <typename Describe>
  Result<> add_urls(int n, const CopyCommand& c, CopySpec spec, const std::string& chown, const std::string& dest,
                    Describe&& describe, const std::string& created_by) {
    std::vector<std::string> dirs;
    struct Cleanup {
      std::vector<std::string>& dirs;
      ~Cleanup() {
        for (const auto& d : dirs) (void)remove_tree(d);
      }
    } cleanup{dirs};
    if (!spec.chmod) spec.chmod = 0600;
    std::vector<std::string> names;
    for (const auto& u : spec.sources) names.push_back(url_file_name(u));
    auto fetch_all = [&]() -> Result<std::string> {
      store::Sha256 all;
      for (size_t i = 0; i < spec.sources.size(); ++i) {
        auto dir = sh_.executor.download(spec.sources[i], names[i]);
        if (!dir) {
          sh_.observer.failed(n, dir.error().message());
          return std::unexpected(dir.error());
        }
        dirs.push_back(*dir);
        TRY_ASSIGN(auto content, read_file(*dir + "/" + names[i]));
        std::string digest = store::sha256_of(content).to_string();
        if (!c.checksum.empty() && digest != c.checksum) {
          std::string msg = fmt::format("digest mismatch {}: {}", c.checksum, digest);
          sh_.observer.failed(n, msg);
          return fail(ErrorKind::InvalidArgument, "{}", msg);
        }
        all.update(spec.sources[i] + "\n" + digest + "\n");
      }
      return all.finish().to_string();
    };
    std::string content = c.checksum;
    if (content.empty()) {
      TRY_ASSIGN(content, fetch_all());
    }
    return layer_step(n, describe("urls", content), [&]() -> Result<StepResult> {
      if (dirs.empty()) TRY(fetch_all());
      return sh_.executor.change_files(state_, layer_history(created_by + " # buildkit"),
                                       [&](const std::string& rootfs) -> Result<> {
                                         TRY_ASSIGN(auto owner, resolve_chown(rootfs, chown));
                                         for (size_t i = 0; i < dirs.size(); ++i) {
                                           CopySpec one = spec;
                                           one.sources = {names[i]};
                                           one.unpack_archives = false;
                                           TRY_ASSIGN(auto plan, plan_copy(dirs[i], nullptr, one));
                                           TRY(apply_copy(dirs[i], nullptr, one, plan, rootfs, owner));
                                         }
                                         return {};
                                       });
    });
  }

  Shared& sh_;
  const StageInfo& info_;
  ShellLex lex_;
  ImageState state_;
  std::string key_;
  std::map<std::string, std::optional<std::string>> args_;
  bool cmd_set_ = false;
  int number_ = 0;
  int total_ = 0;
};

// Expands the FROMs and finds which stage needs which.
Result<> plan_stages(Shared& sh) {
  const auto& df = sh.dockerfile;
  if (df.stages.empty()) return fail(ErrorKind::InvalidArgument, "the Dockerfile has no FROM");
  for (const auto& [k, v] : platform_args(sh.options.platform)) sh.meta_args[k] = v;
  std::vector<std::string> meta;
  for (const auto& a : df.meta_args) {
    std::optional<std::string> value;
    if (a.value) {
      std::vector<std::string> env;
      for (const auto& [k, v] : sh.meta_args) env.push_back(k + "=" + v);
      TRY_ASSIGN(auto v, ShellLex(df.escape).process_word(*a.value, Env(env)));
      value = v;
    }
    if (auto g = sh.options.build_args.find(a.key); g != sh.options.build_args.end()) {
      value = g->second;
      sh.used_args.insert(a.key);
    }
    if (value) sh.meta_args[a.key] = *value;
  }
  std::vector<std::string> env;
  for (const auto& [k, v] : sh.meta_args) env.push_back(k + "=" + v);
  ShellLex lex(df.escape);
  sh.multi_stage = df.stages.size() > 1;
  for (size_t i = 0; i < df.stages.size(); ++i) {
    StageInfo info;
    info.stage = &df.stages[i];
    info.index = static_cast<int>(i);
    info.name = df.stages[i].from.stage_name;
    auto base = lex.process_word(df.stages[i].from.image, Env(env));
    if (!base) {
      sh.failure = BuildFailure{df.stages[i].start_line, df.stages[i].end_line};
      return std::unexpected(base.error());
    }
    if (base->empty()) {
      sh.failure = BuildFailure{df.stages[i].start_line, df.stages[i].end_line};
      return fail(ErrorKind::InvalidArgument, "base name ({}) should not be blank", df.stages[i].from.image);
    }
    info.base = *base;
    sh.stages.push_back(info);
    int ref = stage_ref(sh, info.base, static_cast<int>(i));
    auto& me = sh.stages.back();
    if (ref >= 0) {
      me.base_stage = ref;
      me.deps.insert(ref);
    }
    for (const auto& in : df.stages[i].instructions) {
      std::vector<std::string> froms;
      if (auto* c = std::get_if<CopyCommand>(&in.command); c && !c->from.empty()) froms.push_back(c->from);
      if (auto* r = std::get_if<RunCommand>(&in.command))
        for (const auto& m : r->mounts)
          if (!m.from.empty()) froms.push_back(m.from);
      for (const auto& f : froms) {
        TRY_ASSIGN(auto x, lex.process_word(f, Env(env)));
        int dep = stage_ref(sh, x, static_cast<int>(i));
        if (dep >= 0) me.deps.insert(dep);
      }
    }
  }
  return {};
}

Result<int> target_stage(const Shared& sh) {
  if (sh.options.target.empty()) return static_cast<int>(sh.stages.size()) - 1;
  std::string t = sh.options.target;
  std::transform(t.begin(), t.end(), t.begin(), ::tolower);
  for (const auto& s : sh.stages)
    if (s.name == t) return s.index;
  return fail(ErrorKind::NotFound, "target stage \"{}\" could not be found", sh.options.target);
}

void mark_needed(Shared& sh, int i) {
  auto& s = sh.stages[static_cast<size_t>(i)];
  if (s.needed) return;
  s.needed = true;
  for (int d : s.deps) mark_needed(sh, d);
}

// Builds the needed stages, each once its dependencies are done, up to
// `parallel` at a time. Returns the first error.
Result<> run_stages(Shared& sh) {
  std::mutex mu;
  std::condition_variable cv;
  std::set<int> done, running;
  std::optional<Error> error;
  std::vector<std::thread> threads;
  size_t needed = 0;
  for (const auto& s : sh.stages) needed += s.needed;
  int parallel = std::max(1, sh.options.parallel);
  std::unique_lock lock(mu);
  while (done.size() < needed && !error) {
    bool started = false;
    for (const auto& s : sh.stages) {
      if (!s.needed || done.count(s.index) || running.count(s.index)) continue;
      if (static_cast<int>(running.size()) >= parallel) break;
      bool ready = std::all_of(s.deps.begin(), s.deps.end(), [&](int d) { return done.count(d) > 0; });
      if (!ready) continue;
      running.insert(s.index);
      started = true;
      threads.emplace_back([&, index = s.index] {
        auto out = StageBuild(sh, index).run();
        {
          std::lock_guard slock(sh.mu);
          if (out) sh.outputs[index] = std::move(*out);
        }
        std::lock_guard l(mu);
        running.erase(index);
        done.insert(index);
        if (!out && !error) error = out.error();
        cv.notify_all();
      });
    }
    (void)started;
    // Wake when a stage ends (and so may have made another one ready).
    size_t seen = done.size();
    cv.wait(lock, [&] { return error || done.size() != seen; });
  }
  lock.unlock();
  for (auto& t : threads) t.join();
  if (error) return std::unexpected(*error);
  return {};
}

}  // namespace

Result<std::vector<std::string>> expose_ports(const std::string& word) {
  std::string port = word, proto = "tcp";
  if (auto slash = word.find('/'); slash != std::string::npos) {
    port = word.substr(0, slash);
    proto = word.substr(slash + 1);
    std::transform(proto.begin(), proto.end(), proto.begin(), ::tolower);
  }
  if (proto != "tcp" && proto != "udp" && proto != "sctp")
    return fail(ErrorKind::InvalidArgument, "invalid proto: {}", proto);
  auto dash = port.find('-');
  auto lo = parse_int(port.substr(0, dash));
  auto hi = dash == std::string::npos ? lo : parse_int(port.substr(dash + 1));
  if (!lo || !hi || *lo < 0 || *hi > 65535 || *lo > *hi)
    return fail(ErrorKind::InvalidArgument, "invalid containerPort: {}", port);
  std::vector<std::string> out;
  for (long long p = *lo; p <= *hi; ++p) out.push_back(fmt::format("{}/{}", p, proto));
  return out;
}

Result<BuildResult> Builder::build(const Dockerfile& dockerfile, const BuildContext& context) {
  Shared sh{executor_, observer_, options_, context, dockerfile, {}, {}, {}, {}, {}, {}, false};
  auto planned = plan_stages(sh);
  if (!planned) {
    failure_ = sh.failure;
    return std::unexpected(planned.error());
  }
  TRY_ASSIGN(int target, target_stage(sh));
  mark_needed(sh, target);
  auto built = run_stages(sh);
  failure_ = sh.failure;
  if (!built) return std::unexpected(built.error());

  BuildResult result;
  std::vector<std::string> unused;
  for (const auto& [k, v] : options_.build_args)
    if (!sh.used_args.count(k) && !kProxyArgs.count(k)) unused.push_back(k);
  if (!unused.empty())
    result.warnings.push_back(fmt::format("One or more build-args [{}] were not consumed", join(unused, " ")));

  // The image: the target's state with --label, from the cache when the same.
  StageOutput out = sh.outputs.at(target);
  int n = observer_.begin("exporting to image");
  std::string labels_part;
  for (const auto& [k, v] : options_.labels) {
    out.state.config.config.labels[k] = v;
    labels_part += "\n" + k + "=" + v;
  }
  std::string key = next_key(out.key, "EXPORT" + labels_part);
  std::optional<std::string> id;
  if (!options_.no_cache) id = executor_.cache_get(key);
  if (id) {
    TRY(executor_.tag(*id, options_.tags));
  } else {
    TRY_ASSIGN(auto made, executor_.finish(out.state, options_.tags));
    TRY(executor_.cache_put(key, made, /*is_result=*/true));
    id = made;
  }
  observer_.log(n, "writing image " + *id);
  for (const auto& t : options_.tags) observer_.log(n, "naming to " + t);
  observer_.done(n);
  result.image_id = *id;
  return result;
}

}  // namespace hako::build
