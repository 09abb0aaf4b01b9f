// `hako attach`: the terminal (or pipes) joined to a running container's
// stdio through its monitor's attach socket, until the container exits
// (the exit code is its) or the user types the detach keys.
#include <cstdio>

#include "cli/commands/container_commands.h"
#include "engine/attach_client.h"
#include "engine/events.h"
#include "engine/spec/values.h"

namespace hako::cli {
namespace {

Result<int> attach(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto id, eng->resolve(p.args()[0]));
  TRY_ASSIGN(auto ci, eng->info(id));
  if (ci.status == "paused") return fail(ErrorKind::Conflict, "You cannot attach to a paused container, unpause it first");
  if (ci.status != "running" && ci.status != "restarting")
    return fail(ErrorKind::Conflict, "You cannot attach to a stopped container, start it first");
  engine::AttachOptions a;
  a.stdin = !p.boolean("no-stdin") && ci.config.open_stdin;
  a.tty = ci.config.tty;
  a.proxy_signals = p.boolean("sig-proxy") && !ci.config.tty;
  if (p.set("detach-keys")) {
    TRY_ASSIGN(a.detach_keys, engine::parse_key_sequence(p.str("detach-keys")));
  }
  engine::emit_container_event(eng->root(), ci.config, "attach");
  TRY_ASSIGN(auto r, engine::attach(eng->attach_socket(id), a));
  if (r.detached) {
    std::fprintf(stderr, "read escape sequence\n");
    return 0;
  }
  if (!r.error.empty()) std::fprintf(stderr, "Error response from daemon: %s\n", r.error.c_str());
  return r.exit_code;
}

}  // namespace

Command attach_command() {
  return {"attach",
          {"container attach"},
          "[OPTIONS] CONTAINER",
          "Attach local standard input, output, and error streams to a running container",
          {{"detach-keys", 0, Flag::String, "", "Override the key sequence for detaching a container"},
           {"no-stdin", 0, Flag::Bool, "", "Do not attach STDIN"},
           {"sig-proxy", 0, Flag::Bool, "true", "Proxy all received signals to the process"}},
          attach,
          1,
          1};
}

}  // namespace hako::cli
