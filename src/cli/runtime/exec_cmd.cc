// exec: runc's flags on top of the container's own process settings.
#include <sys/socket.h>
#include <unistd.h>

#include "base/files.h"
#include "base/strings.h"
#include "cli/args.h"
#include "cli/runtime/commands.h"
#include "runtime/runtime.h"
#include "runtime/sync.h"

namespace hako::cli::runtime_cmd {

namespace rt = hako::runtime;

namespace {

Result<oci::Process> process_from_file(const std::string& path) {
  TRY_ASSIGN(auto text, read_file(path));
  TRY_ASSIGN(auto doc, parse_json(text, path));
  TRY_ASSIGN(auto obj, JsonObject::of(doc, ""));
  auto p = oci::parse_process(obj);
  if (!p) return std::unexpected(p.error().context(path));
  return p;
}

Result<> apply_user(oci::Process& p, const std::string& user) {
  auto parts = split(user, ':');
  auto uid = parse_int(parts[0]);
  if (!uid || *uid < 0) return fail(ErrorKind::InvalidArgument, "--user \"{}\": use UID[:GID]", user);
  p.user.uid = static_cast<uint32_t>(*uid);
  if (parts.size() > 1) {
    auto gid = parse_int(parts[1]);
    if (!gid || *gid < 0) return fail(ErrorKind::InvalidArgument, "--user \"{}\": use UID[:GID]", user);
    p.user.gid = static_cast<uint32_t>(*gid);
  }
  return {};
}

}  // namespace

Result<int> exec(Context& ctx) {
  TRY_ASSIGN(auto a, Args::parse(ctx.argv, 0,
                                 {{"console-socket", "", true}, {"cwd", "", true}, {"env", "e", true},
                                  {"tty", "t", false}, {"user", "u", true}, {"additional-gids", "g", true},
                                  {"process", "p", true}, {"detach", "d", false}, {"pid-file", "", true},
                                  {"process-label", "", true}, {"apparmor", "", true}, {"no-new-privs", "", false},
                                  {"cap", "c", true}, {"preserve-fds", "", true}, {"cgroup", "", true},
                                  {"ignore-paused", "", false}}));
  TRY_ASSIGN(auto id, require_id(a.positional(), "exec"));
  rt::ExecOptions opts;
  if (a.has("process")) {
    TRY_ASSIGN(opts.process, process_from_file(a.get("process")));
  } else {
    if (a.positional().size() < 2) return fail(ErrorKind::InvalidArgument, "exec: no command given (use ARGS or --process)");
    TRY_ASSIGN(auto spec, ctx.store.load_spec(id));
    opts.process = spec.process.value_or(oci::Process{});
    opts.process.args.assign(a.positional().begin() + 1, a.positional().end());
    opts.process.terminal = a.has("tty");
    if (a.has("cwd")) opts.process.cwd = a.get("cwd");
    for (const auto& e : a.all("env")) opts.process.env.push_back(e);
    if (a.has("user")) TRY(apply_user(opts.process, a.get("user")));
    for (const auto& g : a.all("additional-gids")) {
      auto gid = parse_int(g);
      if (!gid || *gid < 0) return fail(ErrorKind::InvalidArgument, "--additional-gids \"{}\" is not a group id", g);
      opts.process.user.additional_gids.push_back(static_cast<uint32_t>(*gid));
    }
    if (a.has("no-new-privs")) opts.process.no_new_privileges = true;
    auto caps = a.all("cap");
    if (!caps.empty()) {
      if (!opts.process.capabilities) opts.process.capabilities.emplace();
      auto& c = *opts.process.capabilities;
      for (auto* set : {&c.bounding, &c.effective, &c.permitted, &c.inheritable, &c.ambient})
        set->insert(set->end(), caps.begin(), caps.end());
    }
  }
  if (opts.process.cwd.empty() || opts.process.cwd[0] != '/')
    return fail(ErrorKind::InvalidArgument, "cwd \"{}\" must be an absolute path", opts.process.cwd);
  opts.console_socket = a.get("console-socket");
  opts.detach = a.has("detach");
  opts.pid_file = a.get("pid-file");
  if (a.has("preserve-fds")) {
    auto n = parse_int(a.get("preserve-fds"));
    if (!n || *n < 0) return fail(ErrorKind::InvalidArgument, "--preserve-fds: \"{}\" is not a count", a.get("preserve-fds"));
    opts.preserve_fds = static_cast<int>(*n);
  }
  UniqueFd ours, theirs;
  bool proxy = opts.process.terminal && opts.console_socket.empty();
  if (proxy) {
    if (opts.detach) return fail(ErrorKind::InvalidArgument, "exec --detach --tty needs --console-socket");
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return fail_sys("socketpair");
    ours.reset(sv[0]);
    theirs.reset(sv[1]);
    opts.console_fd = theirs.get();
  }
  TRY_ASSIGN(pid_t pid, rt::exec(ctx.store, id, opts));
  theirs.reset();
  if (opts.detach) return 0;
  UniqueFd master;
  if (proxy) {
    TRY_ASSIGN(master, rt::receive_fd(ours.get()));
  }
  return rt::wait_forwarding_signals(pid, pid, master.get());
}

}  // namespace hako::cli::runtime_cmd
