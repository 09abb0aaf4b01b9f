#include <unistd.h>

#include <cstdio>
#include <map>

#include "base/log.h"
#include "cli/args.h"
#include "cli/runtime/commands.h"
#include "cli/version.h"

namespace hako::cli::runtime_cmd {

Result<std::string> require_id(const std::vector<std::string>& positional, std::string_view verb) {
  if (positional.empty()) return fail(ErrorKind::InvalidArgument, "\"{}\" requires a container id", verb);
  return positional[0];
}

namespace {

struct Verb {
  Command run;
  const char* usage;
};

const std::map<std::string, Verb>& commands() {
  static const std::map<std::string, Verb> table = {
      {"create", {create, "create [--bundle DIR] [--console-socket SOCK] [--pid-file FILE] [--no-pivot] "
                          "[--no-new-keyring] [--preserve-fds N] ID"}},
      {"start", {start, "start ID"}},
      {"run", {run, "run [create's flags] [--detach] [--keep] ID"}},
      {"state", {state, "state ID"}},
      {"kill", {kill, "kill [--all] ID [SIGNAL]"}},
      {"delete", {remove, "delete [--force] ID"}},
      {"list", {list, "list [--format table|json] [--quiet]"}},
      {"exec", {exec, "exec [--process FILE] [--tty] [--console-socket SOCK] [--detach] [--pid-file FILE] "
                      "[--cwd DIR] [--env K=V]... [--user UID[:GID]] [--cap CAP]... [--no-new-privs] ID [COMMAND...]"}},
      {"ps", {ps, "ps [--format table|json] ID [PS_ARGS...]"}},
      {"spec", {spec, "spec [--bundle DIR] [--rootless]"}},
      {"features", {features, "features"}},
      {"pause", {pause, "pause ID"}},
      {"resume", {resume, "resume ID"}},
      {"update", {update, "update [--resources FILE|-] [--memory N] [--memory-swap N] [--memory-reservation N] "
                          "[--cpu-quota N] [--cpu-period N] [--cpu-share N] [--cpuset-cpus L] [--cpuset-mems L] "
                          "[--pids-limit N] [--blkio-weight N] ID"}},
      {"events", {events, "events [--stats] [--interval DURATION] ID"}},
  };
  return table;
}

void usage() {
  std::fputs(
      "usage: hako-runtime [global flags] COMMAND [flags] [args]\n\n"
      "An OCI runtime with runc's command line.\n\n"
      "commands: create start run state kill delete list exec ps spec features pause resume update events\n"
      "global flags: --root DIR --log FILE --log-format text|json --debug --version\n",
      stdout);
}

}  // namespace

int main(const std::vector<std::string>& argv) {
  static const std::vector<FlagSpec> globals = {
      {"root", "", true},           {"log", "", true},          {"log-format", "", true},
      {"debug", "", false},         {"systemd-cgroup", "", false}, {"criu", "", true},
      {"rootless", "", true},       {"version", "v", false},    {"help", "h", false},
  };
  auto report = [](const Error& e) {
    log::error(e.message());
    if (!log::to_stderr()) std::fprintf(stderr, "hako-runtime: %s\n", e.message().c_str());
    return 1;
  };
  auto parsed = Args::parse(argv, 1, globals);
  if (!parsed) return report(parsed.error());
  const Args& g = *parsed;
  std::string format = g.get("log-format", "text");
  if (format != "text" && format != "json")
    return report(Error(ErrorKind::InvalidArgument, fmt::format("invalid --log-format \"{}\": use text or json", format)));
  if (auto r = log::configure(g.get("log"), format == "json" ? log::Format::Json : log::Format::Text, g.has("debug")); !r)
    return report(r.error());
  if (g.has("version")) {
    std::printf("runc version %s-hako\ncommit: %s\nspec: %s\n", kVersion, kCommit, kOciSpecVersion);
    return 0;
  }
  if (g.has("help") || g.positional().empty()) {
    usage();
    return g.has("help") ? 0 : 1;
  }
  if (g.has("systemd-cgroup"))
    return report(Error(ErrorKind::NotSupported,
                        "--systemd-cgroup is not supported: hako manages cgroups through cgroupfs; drop the flag"));
  const std::string& verb = g.positional()[0];
  auto it = commands().find(verb);
  if (it == commands().end())
    return report(Error(ErrorKind::InvalidArgument, fmt::format("unknown command \"{}\" (see --help)", verb)));
  Context ctx{hako::runtime::Store(g.get("root", "/run/hako")),
              std::vector<std::string>(g.positional().begin() + 1, g.positional().end())};
  if (!ctx.argv.empty() && (ctx.argv[0] == "--help" || ctx.argv[0] == "-h")) {
    std::printf("usage: hako-runtime %s\n", it->second.usage);
    return 0;
  }
  auto r = it->second.run(ctx);
  if (!r) return report(r.error());
  return *r;
}

}  // namespace hako::cli::runtime_cmd
