// `hako logs`: the json-file log a container's monitor writes.
#include <unistd.h>

#include <cstdio>

#include "cli/commands/container_commands.h"
#include "engine/logs/log_format.h"
#include "engine/logs/log_options.h"
#include "engine/logs/log_reader.h"

namespace hako::cli {
namespace {

Result<int> logs(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto id, eng->resolve(p.args()[0]));
  TRY_ASSIGN(auto ci, eng->info(id));
  if (ci.config.log_driver == "none")
    return fail(ErrorKind::NotSupported, "configured logging driver does not support reading");
  engine::logs::ReadOptions o;
  std::string tail = p.str("tail");
  if (!tail.empty() && tail != "all") {
    auto n = p.integer("tail");
    if (!n) return fail(ErrorKind::InvalidArgument, "invalid value for \"tail\": {}", tail);
    o.tail = *n;
  }
  int64_t now = engine::logs::now_unix_nanos();
  if (p.set("since")) {
    TRY_ASSIGN(o.since, engine::logs::parse_log_time(p.str("since"), "since", now));
  }
  if (p.set("until")) {
    TRY_ASSIGN(o.until, engine::logs::parse_log_time(p.str("until"), "until", now));
  }
  o.timestamps = p.boolean("timestamps");
  o.follow = p.boolean("follow");
  engine::logs::FollowHooks hooks;
  hooks.exited = [&] {
    auto i = eng->info(id);
    return !i || !i->active();
  };
  bool follow = o.follow;
  auto flushing_sink = [follow](const engine::logs::LogEntry& e) {
    FILE* out = e.stream == engine::logs::Stream::Stderr ? stderr : stdout;
    std::fwrite(e.text.data(), 1, e.text.size(), out);
    if (follow) std::fflush(out);
    return true;
  };
  TRY(engine::logs::read_logs(eng->files(id).log_path(), o, flushing_sink, hooks));
  return 0;
}

}  // namespace

Command logs_command() {
  return {"logs",
          {"container logs"},
          "[OPTIONS] CONTAINER",
          "Fetch the logs of a container",
          {{"details", 0, Flag::Bool, "", "Show extra details provided to logs"},
           {"follow", 'f', Flag::Bool, "", "Follow log output"},
           {"since", 0, Flag::String, "", "Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)"},
           {"tail", 'n', Flag::String, "all", "Number of lines to show from the end of the logs"},
           {"timestamps", 't', Flag::Bool, "", "Show timestamps"},
           {"until", 0, Flag::String, "", "Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)"}},
          logs,
          1,
          1};
}

}  // namespace hako::cli
