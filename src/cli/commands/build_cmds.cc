// `hako build` and `hako builder prune`.
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "base/files.h"
#include "base/strings.h"
#include "build/builder.h"
#include "build/dockerfile/instructions.h"
#include "build/progress.h"
#include "cli/command.h"
#include "cli/lint_config.h"
#include "cli/units.h"
#include "engine/build_executor.h"
#include "image/reference.h"
#include "layer/apply.h"
#include "lint/report.h"

namespace hako::cli {
namespace {

// A context that came on stdin, unpacked for the build and removed after.
class TempDir {
 public:
  ~TempDir() {
    if (!path.empty()) (void)remove_tree(path);
  }
  std::string path;
};

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string absolute_path(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) ? std::string(buf) : path;
}

bool looks_like_archive(std::string_view head) {
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b)
    return true;
  if (head.size() >= 3 && head.substr(0, 3) == "BZh") return true;
  if (head.size() >= 6 && static_cast<unsigned char>(head[0]) == 0xfd && head.substr(1, 3) == "7zX") return true;
  if (head.size() >= 4 && static_cast<unsigned char>(head[0]) == 0x28 && static_cast<unsigned char>(head[1]) == 0xb5)
    return true;
  return head.size() >= 262 && head.substr(257, 5) == "ustar";
}

// BuildKit's error display: the lines around the failing instruction.
void show_failure(const std::string& file_name, const std::string& text, const build::BuildFailure& f) {
  auto lines = split(text, '\n');
  int from = std::max(1, f.start_line - 2), to = std::min(static_cast<int>(lines.size()), f.end_line + 2);
  if (f.start_line < 1 || f.start_line > static_cast<int>(lines.size())) return;
  std::fprintf(stderr, "%s:%d\n--------------------\n", file_name.c_str(), f.start_line);
  for (int i = from; i <= to; ++i) {
    bool at = i >= f.start_line && i <= f.end_line;
    std::fprintf(stderr, "%4d | %s%s\n", i, at ? ">>> " : "    ", lines[static_cast<size_t>(i - 1)].c_str());
  }
  std::fprintf(stderr, "--------------------\n");
}

Result<std::map<std::string, std::string>> key_values(const std::vector<std::string>& items, const char* what) {
  std::map<std::string, std::string> out;
  for (const auto& i : items) {
    auto eq = i.find('=');
    if (eq == 0) return fail(ErrorKind::InvalidArgument, "invalid {} \"{}\"", what, i);
    if (eq == std::string::npos) {
      // --build-arg NAME takes NAME from the environment, as Docker's.
      const char* v = std::getenv(i.c_str());
      if (v) out[i] = v;
      continue;
    }
    out[i.substr(0, eq)] = i.substr(eq + 1);
  }
  return out;
}

// --secret id=x,src=FILE (or source=, or env=VAR).
Result<std::map<std::string, std::string>> parse_secrets(const std::vector<std::string>& items, TempDir& tmp,
                                                         const std::string& root) {
  std::map<std::string, std::string> out;
  int n = 0;
  for (const auto& item : items) {
    std::string id, src, env;
    for (const auto& part : split(item, ',')) {
      auto eq = part.find('=');
      std::string k = part.substr(0, eq), v = eq == std::string::npos ? "" : part.substr(eq + 1);
      if (k == "id") id = v;
      else if (k == "src" || k == "source") src = v;
      else if (k == "env") env = v;
      else if (k == "type" && (v == "file" || v == "env")) continue;
      else return fail(ErrorKind::InvalidArgument, "unexpected key '{}' in '{}'", k, item);
    }
    if (id.empty()) id = !env.empty() ? env : src.substr(src.rfind('/') + 1);
    if (id.empty()) return fail(ErrorKind::InvalidArgument, "--secret {}: no id", item);
    if (!env.empty() && src.empty()) {
      // A secret from an environment variable goes to a private file.
      const char* v = std::getenv(env.c_str());
      if (!v) return fail(ErrorKind::NotFound, "--secret {}: environment variable {} is not set", item, env);
      if (tmp.path.empty()) {
        tmp.path = root + "/tmp/build-secrets-" + random_hex_id().substr(0, 12);
        TRY(make_dirs(tmp.path, 0700));
      }
      src = fmt::format("{}/{}", tmp.path, n++);
      TRY(write_file_atomic(src, v, 0600));
    }
    if (src.empty()) src = id;
    if (!path_exists(src)) return fail(ErrorKind::NotFound, "--secret {}: {} does not exist", item, src);
    out[id] = absolute_path(src);
  }
  return out;
}

// `build --check`: the Dockerfile linted (hako lint's rules and settings),
// Docker's closing line, and exit 1 when a finding fails the threshold.
Result<int> check_dockerfile(const std::string& text, const std::string& file_name) {
  TRY_ASSIGN(lint::Config cfg, load_lint_config(""));
  lint::FileResult fr{file_name, lint::lint_text(text, file_name, cfg)};
  lint::ReportOptions ro;
  ro.color = !cfg.no_color && ::isatty(1);
  std::string out = lint::render_report({fr}, ro);
  std::fwrite(out.data(), 1, out.size(), stdout);
  size_t n = fr.findings.size();
  if (n == 0) {
    std::printf("Check complete, no warnings found.\n");
  } else {
    std::printf("Check complete, %zu %s been found!\n", n, n == 1 ? "warning has" : "warnings have");
  }
  return lint::fails(fr.findings, cfg) ? 1 : 0;
}

// Before a build: error-level findings only. A broken lint configuration
// must not stop a build: it is reported and the defaults are used.
void warn_lint_errors(const std::string& text, const std::string& file_name) {
  auto cfg = load_lint_config("");
  if (!cfg) {
    std::fprintf(stderr, "WARNING: lint configuration ignored: %s\n", cfg.error().message().c_str());
    cfg = lint::Config{};
  }
  for (const auto& f : lint::lint_text(text, file_name, *cfg)) {
    if (f.severity != lint::Severity::Error) continue;
    std::fprintf(stderr, "WARNING: %s:%d %s %s\n", f.file.c_str(), f.line, f.code.c_str(), f.message.c_str());
  }
}

Result<int> build_cmd(Context& ctx, const ParsedFlags& p) {
  std::string path = p.args()[0];
  std::string file_flag = p.str("file");
  TempDir stdin_context, secrets_dir;
  TRY_ASSIGN(auto eng, ctx.engine());
  std::string root = eng->root();
  TRY(make_dirs(root + "/tmp", 0700));

  std::string dockerfile_text;
  build::BuildContext context;
  if (path == "-") {
    if (file_flag == "-") return fail(ErrorKind::InvalidArgument, "invalid argument: can't use stdin for both build context and dockerfile");
    TRY_ASSIGN(auto input, read_all_fd(0));
    stdin_context.path = root + "/tmp/build-context-" + random_hex_id().substr(0, 12);
    TRY(make_dirs(stdin_context.path, 0700));
    context.dir = stdin_context.path;
    if (looks_like_archive(input)) {
      std::string tar = stdin_context.path + ".tar";
      TRY(write_file_atomic(tar, input, 0600));
      layer::ApplyOptions ao;
      ao.whiteouts = false;
      auto applied = layer::apply_layer(tar, stdin_context.path, ao);
      ::unlink(tar.c_str());
      if (!applied) return std::unexpected(applied.error().context("unpacking the context from stdin"));
    } else {
      dockerfile_text = std::move(input);  // a Dockerfile alone: an empty context
    }
  } else {
    if (!is_directory(path)) return fail(ErrorKind::NotFound, "unable to prepare context: path \"{}\" not found", path);
    context.dir = absolute_path(path);
  }
  std::string file_name = "Dockerfile";
  if (dockerfile_text.empty()) {
    if (file_flag == "-") {
      TRY_ASSIGN(dockerfile_text, read_all_fd(0));
    } else {
      std::string f = file_flag.empty() ? context.dir + "/Dockerfile" : file_flag;
      if (!file_flag.empty()) file_name = file_flag.substr(file_flag.rfind('/') + 1);
      auto text = read_file(f);
      if (!text) return fail(ErrorKind::NotFound, "failed to read dockerfile: open {}: no such file or directory", f);
      dockerfile_text = std::move(*text);
    }
  }
  // BuildKit's rule: a FILE.dockerignore beside the Dockerfile given with
  // -f wins over the context's .dockerignore.
  std::string ignore_file = context.dir + "/.dockerignore";
  if (!file_flag.empty() && file_flag != "-" && path_exists(file_flag + ".dockerignore"))
    ignore_file = file_flag + ".dockerignore";
  if (auto ignore_text = read_file(ignore_file)) {
    TRY_ASSIGN(auto m, build::IgnoreMatcher::parse(*ignore_text));
    context.ignore = std::move(m);
  }

  build::BuildOptions o;
  for (const auto& t : p.list("tag")) {
    auto ref = image::parse_reference(t);
    if (!ref || !ref->digest.empty())
      return fail(ErrorKind::InvalidArgument, "invalid argument \"{}\" for \"-t, --tag\" flag: invalid reference format", t);
    o.tags.push_back(ref->string());
  }
  TRY_ASSIGN(o.build_args, key_values(p.list("build-arg"), "build-arg"));
  TRY_ASSIGN(o.labels, key_values(p.list("label"), "label"));
  o.target = p.str("target");
  o.no_cache = p.boolean("no-cache");
  o.pull = p.boolean("pull");
  o.platform = p.str("platform");
  std::string network = p.str("network");
  if (network == "default" || network == "bridge") network.clear();
  if (!network.empty() && network != "none" && network != "host")
    return fail(ErrorKind::InvalidArgument, "network mode \"{}\" not supported by buildkit (default, none, host)", network);
  o.network = network;
  TRY_ASSIGN(o.secrets, parse_secrets(p.list("secret"), secrets_dir, root));

  std::string progress = p.str("progress");
  if (progress.empty()) progress = "auto";
  if (progress != "auto" && progress != "plain" && progress != "tty" && progress != "quiet" && progress != "rawjson")
    return fail(ErrorKind::InvalidArgument, "invalid progress mode \"{}\" (auto, plain, tty, quiet)", progress);
  build::ProgressMode mode = p.boolean("quiet") || progress == "quiet" ? build::ProgressMode::Quiet
                             : progress == "plain"                     ? build::ProgressMode::Plain
                             : progress == "tty" || ::isatty(2)        ? build::ProgressMode::Tty
                                                                       : build::ProgressMode::Plain;
  build::Progress display(mode, stderr);

  // The linter's error-level findings, as warnings before the build; with
  // --check, every finding and no build.
  if (p.boolean("check")) return check_dockerfile(dockerfile_text, file_name);
  if (mode != build::ProgressMode::Quiet) warn_lint_errors(dockerfile_text, file_name);

  auto parsed = build::parse_dockerfile(dockerfile_text);
  if (!parsed) {
    std::string msg = parsed.error().message();
    int line = 0;
    if (msg.starts_with("line ")) line = static_cast<int>(parse_int(msg.substr(5, msg.find(':') - 5)).value_or(0));
    if (line > 0) show_failure(file_name, dockerfile_text, {line, line});
    std::string rest = line > 0 ? msg.substr(msg.find(':') + 2) : msg;
    return fail(ErrorKind::InvalidArgument, "failed to solve: dockerfile parse error{}: {}",
                line > 0 ? fmt::format(" on line {}", line) : "", rest);
  }
  for (const auto& w : parsed->warnings)
    if (mode != build::ProgressMode::Quiet) std::fprintf(stderr, "WARNING: %s (line %d)\n", w.message.c_str(), w.line);

  engine::BuildExecutor executor(*eng, [&ctx](const std::string& ref, const std::string& platform, bool pull) {
    return find_or_pull_image(ctx, ref, pull ? "always" : "missing", platform);
  });
  executor.remove_stale_scratch();
  build::Builder builder(executor, display, o);
  auto result = builder.build(*parsed, context);
  display.finish(result.has_value());
  if (!result) {
    if (builder.failure()) show_failure(file_name, dockerfile_text, *builder.failure());
    return fail(result.error().kind(), "failed to solve: {}", result.error().message());
  }
  for (const auto& w : result->warnings) std::fprintf(stderr, "[Warning] %s\n", w.c_str());
  if (p.set("iidfile")) TRY(write_file_atomic(p.str("iidfile"), result->image_id, 0644));
  if (mode == build::ProgressMode::Quiet) std::printf("%s\n", result->image_id.c_str());
  return 0;
}

Result<int> builder_prune(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto containers, eng->list());
  std::vector<std::string> in_use;
  for (const auto& c : containers) in_use.push_back(c.record.image_id);
  TRY_ASSIGN(auto freed, engine::prune_build_cache(eng->images(), in_use));
  std::printf("Total reclaimed space: %s\n", human_size(static_cast<double>(freed)).c_str());
  return 0;
}

}  // namespace

std::vector<Command> build_commands() {
  Command build{"build", {"image build", "builder build", "buildx build"}, "[OPTIONS] PATH | URL | -",
                "Build an image from a Dockerfile",
                {
                    {"tag", 't', Flag::List, "", "Name and optionally a tag (format: \"name:tag\")", "list"},
                    {"file", 'f', Flag::String, "", "Name of the Dockerfile (default: \"PATH/Dockerfile\")", "string"},
                    {"build-arg", 0, Flag::List, "", "Set build-time variables", "list"},
                    {"target", 0, Flag::String, "", "Set the target build stage to build", "string"},
                    {"no-cache", 0, Flag::Bool, "", "Do not use cache when building the image", ""},
                    {"pull", 0, Flag::Bool, "", "Always attempt to pull a newer version of the image", ""},
                    {"label", 0, Flag::List, "", "Set metadata for an image", "list"},
                    {"iidfile", 0, Flag::String, "", "Write the image ID to the file", "string"},
                    {"quiet", 'q', Flag::Bool, "", "Suppress the build output and print image ID on success", ""},
                    {"network", 0, Flag::String, "default", "Set the networking mode for the RUN instructions during build", "string"},
                    {"progress", 0, Flag::String, "auto", "Set type of progress output (auto, plain, tty, quiet)", "string"},
                    {"secret", 0, Flag::List, "", "Secret to expose to the build (format: \"id=mysecret[,src=/local/secret]\")", "stringArray"},
                    {"platform", 0, Flag::String, "", "Set platform if server is multi-platform capable", "string"},
                    {"rm", 0, Flag::Bool, "true", "Remove intermediate containers after a successful build (always)", ""},
                    {"force-rm", 0, Flag::Bool, "", "Always remove intermediate containers (always)", ""},
                    {"check", 0, Flag::Bool, "", "Lint the Dockerfile (hako lint's rules) and exit without building", ""},
                },
                build_cmd, 1, 1};
  Command prune{"builder prune", {}, "[OPTIONS]", "Remove build cache",
                {
                    {"all", 'a', Flag::Bool, "", "Remove all unused build cache, not just dangling ones", ""},
                    {"force", 'f', Flag::Bool, "", "Do not prompt for confirmation", ""},
                },
                builder_prune, 0, 0};
  return {build, prune};
}

}  // namespace hako::cli
