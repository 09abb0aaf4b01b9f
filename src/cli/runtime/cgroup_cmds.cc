// pause, resume, update, events: runc's verbs over the container's cgroup.
#include <unistd.h>

#include <cstdio>

#include "base/files.h"
#include "base/strings.h"
#include "cli/args.h"
#include "cli/runtime/commands.h"
#include "runtime/runtime.h"

namespace hako::cli::runtime_cmd {

namespace rt = hako::runtime;

namespace {

// "64m", "1g", "1024" (bytes), or -1 for unlimited; as Docker's RAMInBytes.
Result<int64_t> parse_bytes(const std::string& flag, const std::string& text) {
  if (text == "-1") return -1;
  std::string num = text;
  int64_t mult = 1;
  if (!num.empty()) {
    char unit = static_cast<char>(tolower(static_cast<unsigned char>(num.back())));
    if (unit == 'b') num.pop_back(), unit = num.empty() ? 0 : static_cast<char>(tolower(static_cast<unsigned char>(num.back())));
    const std::string units = "kmgt";
    if (auto pos = units.find(unit); pos != std::string::npos) {
      num.pop_back();
      for (size_t i = 0; i <= pos; ++i) mult *= 1024;
    }
  }
  auto v = parse_int(num);
  if (!v || *v < 0) return fail(ErrorKind::InvalidArgument, "--{}: invalid size \"{}\"", flag, text);
  return *v * mult;
}

Result<int64_t> parse_number(const std::string& flag, const std::string& text) {
  auto v = parse_int(text);
  if (!v) return fail(ErrorKind::InvalidArgument, "--{}: \"{}\" is not a number", flag, text);
  return *v;
}

Result<int> parse_interval_ms(const std::string& text) {
  // Go durations as runc takes them: "5s", "500ms", "1m".
  std::string t = text;
  int64_t mult = 1000;
  if (t.ends_with("ms")) mult = 1, t.resize(t.size() - 2);
  else if (t.ends_with("s")) mult = 1000, t.pop_back();
  else if (t.ends_with("m")) mult = 60000, t.pop_back();
  auto v = parse_int(t);
  if (!v || *v <= 0) return fail(ErrorKind::InvalidArgument, "--interval: invalid duration \"{}\"", text);
  return static_cast<int>(*v * mult);
}

}  // namespace

Result<int> pause(Context& ctx) {
  TRY_ASSIGN(auto a, Args::parse(ctx.argv, 0, {}));
  TRY_ASSIGN(auto id, require_id(a.positional(), "pause"));
  TRY(rt::pause(ctx.store, id));
  return 0;
}

Result<int> resume(Context& ctx) {
  TRY_ASSIGN(auto a, Args::parse(ctx.argv, 0, {}));
  TRY_ASSIGN(auto id, require_id(a.positional(), "resume"));
  TRY(rt::resume(ctx.store, id));
  return 0;
}

Result<int> update(Context& ctx) {
  TRY_ASSIGN(auto a, Args::parse(ctx.argv, 0,
                                 {{"resources", "r", true}, {"blkio-weight", "", true}, {"cpu-period", "", true},
                                  {"cpu-quota", "", true}, {"cpu-share", "", true}, {"cpu-rt-period", "", true},
                                  {"cpu-rt-runtime", "", true}, {"cpuset-cpus", "", true}, {"cpuset-mems", "", true},
                                  {"memory", "", true}, {"memory-reservation", "", true}, {"memory-swap", "", true},
                                  {"pids-limit", "", true}, {"kernel-memory", "", true}}));
  TRY_ASSIGN(auto id, require_id(a.positional(), "update"));
  Json patch = Json::object();
  if (a.has("resources")) {
    std::string file = a.get("resources");
    std::string text;
    if (file == "-") {
      char buf[8192];
      ssize_t n;
      while ((n = ::read(0, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    } else {
      TRY_ASSIGN(text, read_file(file));
    }
    TRY_ASSIGN(patch, parse_json(text, file == "-" ? "resources from stdin" : file));
    if (!patch.is_object()) return fail(ErrorKind::InvalidArgument, "--resources: expected a JSON object");
  }
  for (auto [flag, group, key] : {std::tuple{"memory", "memory", "limit"}, {"memory-reservation", "memory", "reservation"},
                                  {"memory-swap", "memory", "swap"}}) {
    if (!a.has(flag)) continue;
    TRY_ASSIGN(patch[group][key], parse_bytes(flag, a.get(flag)));
  }
  for (auto [flag, group, key] : {std::tuple{"cpu-period", "cpu", "period"}, {"cpu-quota", "cpu", "quota"},
                                  {"cpu-share", "cpu", "shares"}, {"cpu-rt-period", "cpu", "realtimePeriod"},
                                  {"cpu-rt-runtime", "cpu", "realtimeRuntime"}, {"pids-limit", "pids", "limit"},
                                  {"blkio-weight", "blockIO", "weight"}}) {
    if (!a.has(flag)) continue;
    TRY_ASSIGN(patch[group][key], parse_number(flag, a.get(flag)));
  }
  if (a.has("cpuset-cpus")) patch["cpu"]["cpus"] = a.get("cpuset-cpus");
  if (a.has("cpuset-mems")) patch["cpu"]["mems"] = a.get("cpuset-mems");
  TRY(rt::update(ctx.store, id, patch));
  return 0;
}

Result<int> events(Context& ctx) {
  TRY_ASSIGN(auto a, Args::parse(ctx.argv, 0, {{"stats", "", false}, {"interval", "", true}}));
  TRY_ASSIGN(auto id, require_id(a.positional(), "events"));
  if (a.has("stats")) {
    TRY_ASSIGN(auto ev, rt::stats_event(ctx.store, id));
    std::printf("%s\n", ev.dump().c_str());
    return 0;
  }
  TRY_ASSIGN(int interval, parse_interval_ms(a.get("interval", "5s")));
  TRY(rt::watch_events(ctx.store, id, interval, [](const Json& ev) {
    std::printf("%s\n", ev.dump().c_str());
    std::fflush(stdout);
  }));
  return 0;
}

}  // namespace hako::cli::runtime_cmd
