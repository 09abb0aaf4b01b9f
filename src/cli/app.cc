// `hako COMMAND`: global options, then one of the Docker-style commands.
#include "cli/app.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>

#include "base/strings.h"
#include "cli/command.h"
#include "cli/format/template.h"
#include "cli/runtime/commands.h"
#include "cli/version.h"
#include "image/reference.h"

namespace hako::cli {
namespace {

const std::vector<Flag>& global_flags() {
  static const std::vector<Flag> flags = {
      {"root", 0, Flag::String, "", "Where hako keeps images and containers (env HAKO_ROOT)", "string"},
      {"storage-driver", 0, Flag::String, "", "overlay or vfs (env HAKO_STORAGE_DRIVER)", "string"},
      {"config", 0, Flag::String, "", "Location of client config files (credentials)", "string"},
      {"insecure-registry", 0, Flag::List, "", "Registries to reach over plain HTTP or unverified TLS", ""},
      {"debug", 'D', Flag::Bool, "", "Enable debug mode", ""},
      {"log-level", 'l', Flag::String, "info", "Set the logging level", "string"},
      {"version", 'v', Flag::Bool, "", "Print version information and quit", ""},
  };
  return flags;
}

std::vector<Command>& commands() {
  static std::vector<Command> all = [] {
    std::vector<Command> v;
    for (auto& c : container_commands()) v.push_back(std::move(c));
    for (auto& c : copy_commands()) v.push_back(std::move(c));
    for (auto& c : stats_commands()) v.push_back(std::move(c));
    for (auto& c : image_commands()) v.push_back(std::move(c));
    for (auto& c : system_commands()) v.push_back(std::move(c));
    for (auto& c : network_commands()) v.push_back(std::move(c));
    for (auto& c : volume_commands()) v.push_back(std::move(c));
    for (auto& c : build_commands()) v.push_back(std::move(c));
    for (auto& c : compose_commands()) v.push_back(std::move(c));
    for (auto& c : lint_commands()) v.push_back(std::move(c));
    for (auto& c : scan_commands()) v.push_back(std::move(c));
    return v;
  }();
  return all;
}

void print_usage(FILE* f) {
  std::fprintf(f, "\nUsage:  hako [OPTIONS] COMMAND\n\nA daemonless container engine with Docker's command line\n\n");
  std::fprintf(f, "Commands:\n");
  for (const auto& c : commands())
    if (c.name.find(' ') == std::string::npos)
      std::fprintf(f, "  %-10s %s\n", c.name.c_str(), c.summary.substr(0, c.summary.find('\n')).c_str());
  std::fprintf(f, "  %-10s %s\n", "runtime", "The OCI runtime, with runc's command line (also hako-runtime)");
  std::fprintf(f,
               "\nManagement commands:\n  builder    Manage builds\n  container  Manage containers\n"
               "  image      Manage images\n  network    Manage networks\n  system     Manage hako\n"
               "  volume     Manage volumes\n\n%s",
               flags_help(global_flags()).c_str());
  std::fprintf(f, "\nRun 'hako COMMAND --help' for more information on a command.\n");
}

// `hako image`, `hako container`, `hako system`: the subcommands of a
// management command, as Docker lists them; false if `group` is not one.
bool print_group_usage(FILE* f, const std::string& group) {
  static const std::map<std::string, std::string> summaries = {
      {"builder", "Manage builds"}, {"container", "Manage containers"}, {"image", "Manage images"},
      {"network", "Manage networks"},
      {"system", "Manage hako"}, {"volume", "Manage volumes"}};
  auto it = summaries.find(group);
  if (it == summaries.end()) return false;
  std::fprintf(f, "\nUsage:  hako %s COMMAND\n\n%s\n\nCommands:\n", group.c_str(), it->second.c_str());
  std::string prefix = group + " ";
  for (const auto& c : commands()) {
    std::vector<std::string> names = {c.name};
    names.insert(names.end(), c.aliases.begin(), c.aliases.end());
    for (const auto& n : names)
      if (n.starts_with(prefix)) {
        std::fprintf(f, "  %-10s %s\n", n.substr(prefix.size()).c_str(), c.summary.substr(0, c.summary.find('\n')).c_str());
        break;
      }
  }
  std::fprintf(f, "\nRun 'hako %s COMMAND --help' for more information on a command.\n", group.c_str());
  return true;
}

// Finds the command named by the first one or two words.
const Command* find_command(const std::vector<std::string>& words, size_t& used) {
  auto matches = [](const Command& c, const std::string& n) {
    if (c.name == n) return true;
    for (const auto& a : c.aliases)
      if (a == n) return true;
    return false;
  };
  if (words.size() >= 2) {
    std::string two = words[0] + " " + words[1];
    for (const auto& c : commands())
      if (matches(c, two)) {
        used = 2;
        return &c;
      }
  }
  for (const auto& c : commands())
    if (!words.empty() && matches(c, words[0])) {
      used = 1;
      return &c;
    }
  return nullptr;
}

int exit_code_for(const Error& e) {
  (void)e;
  return 1;
}

}  // namespace

int main(const std::vector<std::string>& argv) {
  // Global options end at the first word that is not one.
  std::vector<std::string> rest(argv.begin() + 1, argv.end());
  auto g = parse_flags(global_flags(), rest, /*stop_at_positional=*/true);
  if (!g) {
    std::fprintf(stderr, "%s\nSee 'hako --help'.\n", g.error().message().c_str());
    return 125;
  }
  if (g->boolean("version")) {
    std::printf("hako version %s, build %s\n", kVersion, kCommit);
    return 0;
  }
  const auto& words = g->args();
  if (words.empty() || g->help()) {
    print_usage(words.empty() && !g->help() ? stderr : stdout);
    return words.empty() && !g->help() ? 1 : 0;
  }
  if (words[0] == "runtime") {
    std::vector<std::string> rt = {"hako runtime"};
    rt.insert(rt.end(), words.begin() + 1, words.end());
    return runtime_cmd::main(rt);
  }
  if (words[0] == "help") {
    print_usage(stdout);
    return 0;
  }

  Globals globals;
  if (const char* r = std::getenv("HAKO_ROOT"); r && *r) globals.root = r;
  if (g->set("root")) globals.root = g->str("root");
  if (const char* d = std::getenv("HAKO_STORAGE_DRIVER"); d && *d) globals.storage_driver = d;
  if (g->set("storage-driver")) globals.storage_driver = g->str("storage-driver");
  if (const char* c = std::getenv("DOCKER_CONFIG"); c && *c) globals.config_dir = c;
  if (g->set("config")) globals.config_dir = g->str("config");
  if (const char* i = std::getenv("HAKO_INSECURE_REGISTRIES"); i && *i)
    for (auto& r : split(i, ',')) if (!r.empty()) globals.insecure_registries.push_back(r);
  for (auto& r : g->list("insecure-registry")) globals.insecure_registries.push_back(r);
  if (const char* c = std::getenv("HAKO_CERTS_DIRS"); c && *c)
    for (auto& d : split(c, ':'))
      if (!d.empty()) globals.certs_dirs.push_back(d);
  globals.debug = g->boolean("debug");

  size_t used = 0;
  const Command* cmd = find_command(words, used);
  if (!cmd) {
    // A management command alone prints its subcommands; with an unknown
    // subcommand, the same on stderr and a failure.
    if (words.size() == 1 && print_group_usage(stdout, words[0])) return 0;
    if (words.size() > 1 && print_group_usage(stderr, words[0])) {
      std::fprintf(stderr, "\nhako: '%s %s' is not a hako command.\n", words[0].c_str(), words[1].c_str());
      return 1;
    }
    std::fprintf(stderr, "hako: '%s' is not a hako command.\nSee 'hako --help'\n", words[0].c_str());
    return 1;
  }
  std::vector<std::string> cmd_args(words.begin() + static_cast<long>(used), words.end());
  auto p = parse_flags(cmd->flags, cmd_args, cmd->stop_at_positional);
  if (!p) {
    std::fprintf(stderr, "%s\nSee 'hako %s --help'.\n", p.error().message().c_str(), cmd->name.c_str());
    return 125;
  }
  if (p->help()) {
    std::fputs(command_help(*cmd).c_str(), stdout);
    return 0;
  }
  if (auto complaint = check_arg_count(*cmd, p->args().size())) {
    std::fprintf(stderr, "%s\nSee 'hako %s --help'.\n\nUsage:  hako %s %s\n\n%s\n", complaint->c_str(),
                 cmd->name.c_str(), cmd->name.c_str(), cmd->usage.c_str(), cmd->summary.c_str());
    return 1;
  }
  Context ctx(std::move(globals), *cmd);
  auto r = cmd->run(ctx, *p);
  std::fflush(stdout);
  if (!r) {
    std::fprintf(stderr, "Error: %s\n", r.error().message().c_str());
    return cmd->error_exit_code != 1 ? cmd->error_exit_code : exit_code_for(r.error());
  }
  return *r;
}

Result<int> invoke_command(Context& ctx, const std::vector<std::string>& words, bool quiet_stdout) {
  size_t used = 0;
  const Command* cmd = find_command(words, used);
  if (!cmd) return fail(ErrorKind::InvalidArgument, "'{}' is not a hako command", words.empty() ? "" : words[0]);
  std::vector<std::string> cmd_args(words.begin() + static_cast<long>(used), words.end());
  TRY_ASSIGN(auto p, parse_flags(cmd->flags, cmd_args, cmd->stop_at_positional));
  if (auto complaint = check_arg_count(*cmd, p.args().size())) return fail(ErrorKind::InvalidArgument, "{}", *complaint);
  Context sub(ctx.globals, *cmd);
  int saved = -1;
  std::fflush(stdout);
  if (quiet_stdout) {
    saved = ::dup(1);
    int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) {
      ::dup2(null, 1);
      ::close(null);
    }
  }
  auto r = cmd->run(sub, p);
  std::fflush(stdout);
  if (saved >= 0) {
    ::dup2(saved, 1);
    ::close(saved);
  }
  return r;
}

std::optional<std::string> check_arg_count(const Command& c, size_t n) {
  auto plural = [](int k) { return k == 1 ? "argument" : "arguments"; };
  int count = static_cast<int>(n);
  if (c.min_args == c.max_args && count != c.min_args)
    return fmt::format("\"hako {}\" requires exactly {} {}.", c.name, c.min_args, plural(c.min_args));
  if (count < c.min_args) return fmt::format("\"hako {}\" requires at least {} {}.", c.name, c.min_args, plural(c.min_args));
  if (c.max_args >= 0 && count > c.max_args)
    return c.max_args == 0 ? fmt::format("\"hako {}\" accepts no arguments.", c.name)
                           : fmt::format("\"hako {}\" requires at most {} {}.", c.name, c.max_args, plural(c.max_args));
  return std::nullopt;
}

std::string command_help(const Command& c) {
  std::string out = fmt::format("\nUsage:  hako {} {}\n\n{}\n", c.name, c.usage, c.summary);
  if (!c.aliases.empty()) out += "\nAliases:\n  " + c.name + ", " + join(c.aliases, ", ") + "\n";
  if (!c.flags.empty()) out += "\n" + flags_help(c.flags);
  return out;
}

Result<image::ImageStore*> Context::images() {
  if (!store_) {
    image::StoreOptions o;
    if (!globals.storage_driver.empty()) {
      TRY_ASSIGN(o.driver, layer::parse_driver(globals.storage_driver));
    }
    TRY_ASSIGN(auto s, image::ImageStore::open(globals.root, o));
    store_.emplace(std::move(s));
  }
  return &*store_;
}

Result<engine::Engine*> Context::engine() {
  if (!engine_) {
    TRY_ASSIGN(auto store, images());
    engine_.emplace(*store, globals.root);
  }
  return &*engine_;
}

std::string Context::familiar(const std::string& full) {
  auto r = image::parse_reference_exact(full);
  return r ? r->familiar_string() : full;
}

Result<int> open_input(const std::string& path) {
  if (path.empty() || path == "-") return ::dup(0);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail_sys("open " + path);
  return fd;
}

Result<> write_output(const std::string& path, const std::function<Result<>(int fd)>& write) {
  if (path.empty()) {
    if (::isatty(1))
      return fail(ErrorKind::InvalidArgument, "cowardly refusing to save to a terminal. Use the -o flag or redirect");
    return write(1);
  }
  std::string tmp = path + ".hako-tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail_sys("open " + tmp);
  auto r = write(fd);
  if (r && ::fsync(fd) < 0) r = fail_sys("fsync " + tmp);
  ::close(fd);
  if (r && ::rename(tmp.c_str(), path.c_str()) < 0) r = fail_sys("rename " + path);
  if (!r) ::unlink(tmp.c_str());
  return r;
}

Result<> print_inspected(const std::vector<Json>& values, const std::string& format, bool has_format) {
  if (!has_format) {
    std::printf("%s\n", Json(values).dump(4).c_str());
    return {};
  }
  TRY_ASSIGN(auto t, format::parse_template(format));
  format::ExecOptions opt;
  opt.missing_key = format::MissingKey::Default;
  for (const auto& j : values) {
    TRY_ASSIGN(auto line, t.execute(j, opt));
    std::printf("%s\n", line.c_str());
  }
  return {};
}

}  // namespace hako::cli
