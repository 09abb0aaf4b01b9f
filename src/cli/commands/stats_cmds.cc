// top, stats and update: the commands that look at or change a container's
// processes and cgroup while it runs.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "base/strings.h"
#include "cli/command.h"
#include "cli/commands/stats_format.h"
#include "cli/format/tabwriter.h"
#include "cli/format/template.h"
#include "engine/container_stats.h"
#include "engine/container_top.h"
#include "engine/container_update.h"
#include "engine/spec/run_options.h"
#include "engine/spec/values.h"

namespace hako::cli {
namespace {

int daemon_error(const Error& e) {
  std::fprintf(stderr, "Error response from daemon: %s\n", e.message().c_str());
  return 1;
}

// --- top ---------------------------------------------------------------

Result<int> top(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  auto id = eng->resolve(p.args()[0]);
  if (!id) return daemon_error(id.error());
  // The ps options are the words after the container, as one string the
  // daemon splits again on spaces.
  std::vector<std::string> rest(p.args().begin() + 1, p.args().end());
  auto r = engine::top(*eng, *id, join(rest, " "));
  if (!r) return daemon_error(r.error());
  std::string text = join(r->titles, "\t") + "\n";
  for (const auto& row : r->processes) text += join(row, "\t") + "\n";
  // docker/cli: tabwriter.NewWriter(out, 20, 1, 3, ' ', 0).
  format::TabwriterOptions o;
  o.min_width = 20;
  std::fputs(format::tabwrite(text, o).c_str(), stdout);
  return 0;
}

// --- stats -------------------------------------------------------------

struct Target {
  std::string container;  // as the user named it, or the id
  std::string id;
};

void sleep_ms(int ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1'000'000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

struct Reading {
  engine::ContainerInfo info;
  engine::StatsSample sample;
};

// One reading of every target; ones removed meanwhile are left out.
std::map<std::string, Reading> read_all(engine::Engine& eng, const std::vector<Target>& targets) {
  std::map<std::string, Reading> out;
  for (const auto& t : targets) {
    auto ci = eng.info(t.id);
    if (!ci) continue;
    auto s = engine::sample_container(eng, *ci);
    out[t.id] = {std::move(*ci), s ? *s : engine::StatsSample{}};
  }
  return out;
}

Result<int> stats(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  bool all = p.boolean("all"), no_trunc = p.boolean("no-trunc"), stream = !p.boolean("no-stream");
  // Named containers are fixed (shown even when stopped, as zeros);
  // without names the running ones (or all, -a) are listed every round,
  // so containers started meanwhile appear and stopped ones go.
  std::vector<Target> named;
  for (const auto& name : p.args()) {
    auto id = eng->resolve(name);
    if (!id) return daemon_error(id.error());
    named.push_back({name, *id});
  }
  auto targets = [&]() -> Result<std::vector<Target>> {
    if (!p.args().empty()) return named;
    TRY_ASSIGN(auto list, eng->list());
    std::sort(list.begin(), list.end(),
              [](const auto& a, const auto& b) { return a.config.created > b.config.created; });
    std::vector<Target> out;
    for (const auto& ci : list)
      if (all || ci.status == "running" || ci.status == "paused") out.push_back({ci.config.id, ci.config.id});
    return out;
  };
  bool terminal = ::isatty(1) == 1;
  std::string format = p.str("format");

  TRY_ASSIGN(auto current, targets());
  auto previous = read_all(*eng, current);
  for (;;) {
    // CPU % needs two readings: the daemon samples every second, and its
    // --no-stream answer is the second sample too.
    sleep_ms(1000);
    if (stream) {
      TRY_ASSIGN(current, targets());
    }
    auto now = read_all(*eng, current);
    std::vector<Json> rows;
    for (const auto& t : current) {
      auto it = now.find(t.id);
      if (it == now.end()) continue;
      auto prev = previous.find(t.id);
      const engine::StatsSample* before = prev != previous.end() && prev->second.sample.running ? &prev->second.sample : nullptr;
      rows.push_back(stats_row(t.container, t.id, it->second.info.config.name, before, it->second.sample, no_trunc));
    }
    TRY_ASSIGN(auto out, format::render_listing(format, kStatsTable, rows, stats_headers()));
    // On a terminal the table is redrawn in place, as Docker does; piped,
    // each second's table follows the last.
    if (stream && terminal) std::fputs("\033[2J\033[H", stdout);
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
    if (!stream) return 0;
    previous = std::move(now);
  }
}

// --- update ------------------------------------------------------------

// pflag's wrapping of a value error: invalid argument "v" for "-m, --memory" flag: ...
Error invalid(const std::string& flag, char shorthand, const std::string& value, const Error& e) {
  std::string label = shorthand ? fmt::format("-{}, --{}", shorthand, flag) : "--" + flag;
  return Error(ErrorKind::InvalidArgument,
               fmt::format("invalid argument \"{}\" for \"{}\" flag: {}", value, label, e.message()));
}

template <typename Parse>
Result<int64_t> value_of(const ParsedFlags& p, const std::string& flag, char shorthand, Parse parse) {
  if (!p.set(flag)) return int64_t{0};
  std::string v = p.str(flag);
  auto r = parse(v);
  if (!r) return std::unexpected(invalid(flag, shorthand, v, r.error()));
  return static_cast<int64_t>(*r);
}

Result<engine::UpdateRequest> update_request(const ParsedFlags& p) {
  engine::UpdateRequest r;
  auto swap = [](std::string_view s) -> Result<int64_t> {
    if (s == "-1") return -1;
    return parse_ram_bytes(s);
  };
  TRY_ASSIGN(r.memory, value_of(p, "memory", 'm', parse_ram_bytes));
  TRY_ASSIGN(r.memory_swap, value_of(p, "memory-swap", 0, swap));
  TRY_ASSIGN(r.memory_reservation, value_of(p, "memory-reservation", 0, parse_ram_bytes));
  TRY_ASSIGN(r.nano_cpus, value_of(p, "cpus", 0, engine::parse_nano_cpus));
  TRY_ASSIGN(r.cpu_shares, value_of(p, "cpu-shares", 'c', engine::parse_go_int));
  TRY_ASSIGN(r.cpu_period, value_of(p, "cpu-period", 0, engine::parse_go_int));
  TRY_ASSIGN(r.cpu_quota, value_of(p, "cpu-quota", 0, engine::parse_go_int));
  r.cpuset_cpus = p.str("cpuset-cpus");
  r.cpuset_mems = p.str("cpuset-mems");
  if (p.set("pids-limit")) {
    TRY_ASSIGN(int64_t n, value_of(p, "pids-limit", 0, engine::parse_go_int));
    r.pids_limit = n;
  }
  return r;
}

Result<int> update(Context& ctx, const ParsedFlags& p) {
  static const char* kFlags[] = {"memory",      "memory-swap", "memory-reservation", "cpus",        "cpu-shares",
                                 "cpu-period",  "cpu-quota",   "cpuset-cpus",        "cpuset-mems", "pids-limit",
                                 "restart"};
  bool any = false;
  for (const char* f : kFlags) any = any || p.set(f);
  if (!any) return fail(ErrorKind::InvalidArgument, "you must provide one or more flags when using this command");
  auto req = update_request(p);
  if (!req) {
    // A bad value is a flag error, as pflag reports it before anything runs.
    std::fprintf(stderr, "%s\nSee 'hako update --help'.\n", req.error().message().c_str());
    return 125;
  }
  if (!p.str("restart").empty()) {
    // The policy is checked by the daemon in Docker, hence its prefix.
    auto policy = engine::parse_restart_policy(p.str("restart"));
    if (!policy) return daemon_error(policy.error());
    req->restart = engine::RestartSetting{policy->name, policy->max_retries};
  }
  TRY_ASSIGN(auto eng, ctx.engine());
  int rc = 0;
  for (const auto& name : p.args()) {
    if (auto r = engine::update_container(*eng, name, *req); !r) {
      rc = daemon_error(r.error());
      continue;
    }
    std::printf("%s\n", name.c_str());
  }
  return rc;
}

}  // namespace

std::vector<Command> stats_commands() {
  auto value = [](const char* name, char shorthand, const char* value_name, const char* help) {
    return Flag{name, shorthand, Flag::String, "", help, value_name};
  };
  return {
      {"top", {"container top"}, "CONTAINER [ps OPTIONS]", "Display the running processes of a container", {}, top, 1,
       -1, /*stop_at_positional=*/true},
      {"stats", {"container stats"}, "[OPTIONS] [CONTAINER...]",
       "Display a live stream of container(s) resource usage statistics",
       {{"all", 'a', Flag::Bool, "", "Show all containers (default shows just running)"},
        {"format", 0, Flag::String, "", "Format output using a custom template"},
        {"no-stream", 0, Flag::Bool, "", "Disable streaming stats and only pull the first result"},
        {"no-trunc", 0, Flag::Bool, "", "Do not truncate output"}},
       stats},
      {"update", {"container update"}, "[OPTIONS] CONTAINER [CONTAINER...]",
       "Update configuration of one or more containers",
       {value("cpu-period", 0, "int", "Limit CPU CFS (Completely Fair Scheduler) period"),
        value("cpu-quota", 0, "int", "Limit CPU CFS (Completely Fair Scheduler) quota"),
        value("cpu-shares", 'c', "int", "CPU shares (relative weight)"),
        value("cpus", 0, "decimal", "Number of CPUs"),
        value("cpuset-cpus", 0, "string", "CPUs in which to allow execution (0-3, 0,1)"),
        value("cpuset-mems", 0, "string", "MEMs in which to allow execution (0-3, 0,1)"),
        value("memory", 'm', "bytes", "Memory limit"),
        value("memory-reservation", 0, "bytes", "Memory soft limit"),
        value("memory-swap", 0, "bytes", "Swap limit equal to memory plus swap: -1 to enable unlimited swap"),
        value("pids-limit", 0, "int", "Tune container pids limit (set -1 for unlimited)"),
        value("restart", 0, "string", "Restart policy to apply when a container exits")},
       update, 1},
  };
}

}  // namespace hako::cli
