// create, start, run, state, kill, delete.
#include <signal.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>

#include "base/strings.h"
#include "cli/args.h"
#include "cli/runtime/commands.h"
#include "runtime/runtime.h"
#include "runtime/sync.h"

namespace hako::cli::runtime_cmd {

namespace rt = hako::runtime;

namespace {

const std::vector<FlagSpec> kCreateFlags = {
    {"bundle", "b", true},        {"console-socket", "", true}, {"pid-file", "", true},
    {"no-pivot", "", false},      {"no-new-keyring", "", false}, {"preserve-fds", "", true},
    {"detach", "d", false},       {"keep", "", false},          {"no-subreaper", "", false},
};

Result<rt::CreateOptions> create_options(const Args& a, std::string_view verb) {
  rt::CreateOptions o;
  TRY_ASSIGN(o.id, require_id(a.positional(), verb));
  o.bundle = a.get("bundle", ".");
  o.console_socket = a.get("console-socket");
  o.pid_file = a.get("pid-file");
  o.no_pivot = a.has("no-pivot");
  o.no_new_keyring = a.has("no-new-keyring");
  if (a.has("preserve-fds")) {
    auto n = parse_int(a.get("preserve-fds"));
    if (!n || *n < 0) return fail(ErrorKind::InvalidArgument, "--preserve-fds: \"{}\" is not a count", a.get("preserve-fds"));
    o.preserve_fds = static_cast<int>(*n);
  }
  // systemd socket activation: LISTEN_FDS fds after stdio are passed on
  // too, when they were meant for us (LISTEN_PID is our pid).
  const char* listen = getenv("LISTEN_FDS");
  const char* listen_pid = getenv("LISTEN_PID");
  if (listen && listen_pid && parse_int(listen_pid) == getpid()) {
    if (auto n = parse_int(listen); n && *n > 0) {
      o.listen_fds = static_cast<int>(*n);
      o.preserve_fds += o.listen_fds;
    }
  }
  return o;
}

// Puts the caller's terminal in raw mode for the life of the object.
struct RawTerminal {
  termios saved{};
  bool active = false;
  RawTerminal() {
    if (!::isatty(0) || ::tcgetattr(0, &saved) < 0) return;
    termios raw = saved;
    ::cfmakeraw(&raw);
    active = ::tcsetattr(0, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() {
    if (active) ::tcsetattr(0, TCSANOW, &saved);
  }
};

}  // namespace

Result<int> create(Context& ctx) {
  TRY_ASSIGN(auto a, Args::parse(ctx.argv, 0, kCreateFlags));
  TRY_ASSIGN(auto opts, create_options(a, "create"));
  TRY(rt::create(ctx.store, opts));
  return 0;
}

Result<int> start(Context& ctx) {
  TRY_ASSIGN(auto a, Args::parse(ctx.argv, 0, {}));
  TRY_ASSIGN(auto id, require_id(a.positional(), "start"));
  TRY(rt::start(ctx.store, id));
  return 0;
}

Result<int> run(Context& ctx) {
  TRY_ASSIGN(auto a, Args::parse(ctx.argv, 0, kCreateFlags));
  TRY_ASSIGN(auto opts, create_options(a, "run"));
  bool detach = a.has("detach");
  // A terminal without a console socket: we hold the pty master ourselves
  // and connect it to our own stdio, as runc does in the foreground.
  UniqueFd ours, theirs;
  if (opts.console_socket.empty() && !detach) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return fail_sys("socketpair");
    ours.reset(sv[0]);
    theirs.reset(sv[1]);
    opts.console_fd = theirs.get();
  }
  TRY_ASSIGN(auto created, rt::create(ctx.store, opts));
  theirs.reset();
  UniqueFd master;
  if (created.spec.process->terminal && ours) {
    auto m = rt::receive_fd(ours.get());
    if (!m) {
      (void)rt::remove(ctx.store, opts.id, true);
      return std::unexpected(m.error().context("receiving the console"));
    }
    master = std::move(*m);
  }
  ours.reset();
  auto started = rt::start_created(ctx.store, opts.id, created);
  if (!started) {
    (void)rt::remove(ctx.store, opts.id, true);
    return std::unexpected(started.error());
  }
  if (detach) return 0;
  int code;
  {
    std::optional<RawTerminal> raw;
    if (master) raw.emplace();
    code = rt::wait_forwarding_signals(created.pid, created.pid, master.get());
  }
  if (!a.has("keep")) TRY(rt::remove(ctx.store, opts.id, true));
  return code;
}

Result<int> state(Context& ctx) {
  TRY_ASSIGN(auto a, Args::parse(ctx.argv, 0, {}));
  TRY_ASSIGN(auto id, require_id(a.positional(), "state"));
  TRY_ASSIGN(auto st, rt::state(ctx.store, id));
  std::printf("%s\n", st.to_json().dump(2).c_str());
  return 0;
}

Result<int> kill(Context& ctx) {
  TRY_ASSIGN(auto a, Args::parse(ctx.argv, 0, {{"all", "a", false}, {"pid", "p", true}}));
  TRY_ASSIGN(auto id, require_id(a.positional(), "kill"));
  int sig = SIGTERM;
  if (a.positional().size() > 1) {
    TRY_ASSIGN(sig, rt::parse_signal(a.positional()[1]));
  }
  TRY(rt::kill(ctx.store, id, sig, a.has("all")));
  return 0;
}

Result<int> remove(Context& ctx) {
  TRY_ASSIGN(auto a, Args::parse(ctx.argv, 0, {{"force", "f", false}}));
  TRY_ASSIGN(auto id, require_id(a.positional(), "delete"));
  auto r = rt::remove(ctx.store, id, a.has("force"));
  // runc: deleting a container that does not exist is fine with --force.
  if (!r && a.has("force") && r.error().kind() == ErrorKind::NotFound) return 0;
  TRY(r);
  return 0;
}

}  // namespace hako::cli::runtime_cmd
