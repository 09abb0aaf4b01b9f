// `hako exec`: a process in a running container, with the container's
// environment, working directory and user unless the flags say otherwise.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "base/fd.h"
#include "cli/commands/container_commands.h"
#include "engine/spec/run_options.h"
#include "engine/spec/users.h"
#include "runtime/runtime.h"
#include "engine/events.h"
#include "runtime/store.h"
#include "runtime/sync.h"

namespace hako::cli {
namespace {

Result<int> exec(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto id, eng->resolve(p.args()[0]));
  TRY_ASSIGN(auto ci, eng->info(id));
  if (ci.status == "paused")
    return fail(ErrorKind::Conflict, "container {} is paused, unpause the container before exec", id);
  if (ci.status != "running") return fail(ErrorKind::Conflict, "container {} is not running", id);
  runtime::Store rt(eng->files(id).runtime_root());
  TRY_ASSIGN(auto spec, rt.load_spec(id));
  if (!spec.process) return fail(ErrorKind::Internal, "container {} has no process in its spec", id);

  runtime::ExecOptions eo;
  eo.process = *spec.process;
  auto& proc = eo.process;
  proc.args.assign(p.args().begin() + 1, p.args().end());
  proc.terminal = p.boolean("tty");
  for (const auto& e : p.list("env")) {
    std::string kv = e;
    if (kv.find('=') == std::string::npos) {
      // KEY alone: the value from our environment, as Docker; unset: skip.
      const char* v = std::getenv(kv.c_str());
      if (!v) continue;
      kv += std::string("=") + v;
    }
    std::string key = kv.substr(0, kv.find('=') + 1);
    std::erase_if(proc.env, [&](const std::string& have) { return have.starts_with(key); });
    proc.env.push_back(kv);
  }
  if (p.set("workdir")) {
    proc.cwd = p.str("workdir");
    if (!proc.cwd.starts_with('/'))
      return fail(ErrorKind::InvalidArgument, "the working directory '{}' is invalid, it needs to be an absolute path",
                  proc.cwd);
  }
  if (p.set("user")) {
    TRY_ASSIGN(auto u, engine::lookup_user_in_rootfs(spec.root_path, p.str("user")));
    proc.user.uid = u.uid;
    proc.user.gid = u.gid;
    proc.user.additional_gids = u.sgids;
  }
  if (p.boolean("privileged")) {
    auto all = engine::all_capabilities();
    proc.capabilities = oci::Capabilities{all, all, {}, all, {}};
  }
  eo.detach = p.boolean("detach");

  UniqueFd ours, theirs;
  if (proc.terminal) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return fail_sys("socketpair");
    ours.reset(sv[0]);
    theirs.reset(sv[1]);
    eo.console_fd = theirs.get();
  }
  // The process gets our stdio; without -i its stdin is /dev/null, as in
  // Docker, so it cannot eat input meant for the shell that ran us.
  if (!p.boolean("interactive")) {
    UniqueFd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    ::dup2(null.get(), 0);
  }
  std::string cmd;
  for (const auto& a : proc.args) cmd += (cmd.empty() ? "" : " ") + a;
  std::string exec_id = engine::new_container_id();
  const std::string& root = eng->root();
  engine::emit_container_event(root, ci.config, "exec_create: " + cmd, {{"execID", exec_id}});
  auto started = runtime::exec(rt, id, eo);
  if (started) engine::emit_container_event(root, ci.config, "exec_start: " + cmd, {{"execID", exec_id}});
  if (!started) {
    // Docker's codes: 127 for a command that is not there, 126 otherwise.
    std::fprintf(stderr, "Error: %s\n", started.error().message().c_str());
    return started.error().kind() == ErrorKind::NotFound ? 127 : 126;
  }
  pid_t pid = *started;
  theirs.reset();
  if (eo.detach) return 0;
  UniqueFd master;
  if (proc.terminal) {
    TRY_ASSIGN(master, runtime::receive_fd(ours.get()));
  }
  int code = runtime::wait_forwarding_signals(pid, pid, master.get());
  engine::emit_container_event(root, ci.config, "exec_die", {{"execID", exec_id}, {"exitCode", std::to_string(code)}});
  return code;
}

}  // namespace

Command exec_command() {
  return {"exec",
          {"container exec"},
          "[OPTIONS] CONTAINER COMMAND [ARG...]",
          "Execute a command in a running container",
          {{"detach", 'd', Flag::Bool, "", "Detached mode: run command in the background"},
           {"env", 'e', Flag::List, "", "Set environment variables"},
           {"interactive", 'i', Flag::Bool, "", "Keep STDIN open even if not attached"},
           {"privileged", 0, Flag::Bool, "", "Give extended privileges to the command"},
           {"tty", 't', Flag::Bool, "", "Allocate a pseudo-TTY"},
           {"user", 'u', Flag::String, "", "Username or UID (format: \"<name|uid>[:<group|gid>]\")"},
           {"workdir", 'w', Flag::String, "", "Working directory inside the container"}},
          exec,
          2,
          -1,
          true};
}

}  // namespace hako::cli
