// start, state, kill, delete: the verbs that act on an existing container.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "base/files.h"
#include "base/log.h"
#include "base/strings.h"
#include "cgroups/manager.h"
#include "linux/process.h"
#include "linux/rootfs.h"
#include "runtime/hooks.h"
#include "runtime/runtime.h"
#include "runtime/sync.h"
#include "sys/syscalls.h"

namespace hako::runtime {

namespace {

Result<> not_created(const Record& r, const std::string& status) {
  return fail(ErrorKind::Conflict, "cannot start container \"{}\": it is {}, not created", r.id, status);
}

// After init has been told to start: EOF means the user's process replaced
// it (the socket is close-on-exec); a message means it failed.
Result<> await_exec(int fd) {
  TRY_ASSIGN(auto msg, receive_message(fd));
  if (!msg) return {};
  if (msg->value("type", "") == "error") return std::unexpected(error_from_message(*msg));
  return fail(ErrorKind::Internal, "unexpected message from container init while starting");
}

Result<> finish_start(const Store& store, Record& rec, const oci::Spec& spec) {
  rec.started = true;
  TRY(store.save(rec));
  ::unlink((store.dir(rec.id) + "/start.sock").c_str());
  auto st = state_of(rec, "running");
  // The spec: a failing poststart hook is a warning; the container runs on.
  run_hooks_warning_only(spec.hooks.poststart, st, "poststart");
  return {};
}

}  // namespace

Result<> start(const Store& store, const std::string& id) {
  TRY_ASSIGN(auto rec, store.load(id));
  TRY_ASSIGN(auto lock, store.lock(id));
  TRY_ASSIGN(rec, store.load(id));
  std::string status = current_status(rec);
  if (status != "created") return not_created(rec, status);
  TRY_ASSIGN(auto spec, store.load_spec(id));
  TRY_ASSIGN(auto conn, connect_unix(store.dir(id) + "/start.sock", fmt::format("container \"{}\"", id)));
  TRY_CTX(await_exec(conn.get()), fmt::format("starting container \"{}\"", id));
  return finish_start(store, rec, spec);
}

Result<> start_created(const Store& store, const std::string& id, Created& c) {
  TRY_ASSIGN(auto lock, store.lock(id));
  TRY_ASSIGN(auto rec, store.load(id));
  TRY(send_message(c.sync.get(), {{"type", "start"}}));
  TRY_CTX(await_exec(c.sync.get()), fmt::format("starting container \"{}\"", id));
  c.sync.reset();
  return finish_start(store, rec, c.spec);
}

Result<oci::State> state(const Store& store, const std::string& id) {
  TRY_ASSIGN(auto rec, store.load(id));
  return state_of(rec, current_status(rec));
}

Result<> kill(const Store& store, const std::string& id, int sig, bool all) {
  TRY_ASSIGN(auto rec, store.load(id));
  std::string status = current_status(rec);
  if (status == "stopped") return fail(ErrorKind::Conflict, "container \"{}\" is not running", id);
  TRY_ASSIGN(auto cg, cgroups::from_json(rec.cgroup));
  // A frozen v1 task only acts on SIGKILL once thawed; killing a paused
  // container must still work, so thaw after signalling.
  auto thaw_if_killed = [&] {
    if (sig == SIGKILL && status == "paused") (void)cg->set_frozen(false);
  };
  if (all) {
    TRY(cgroups::signal_all(*cg, sig));
    thaw_if_killed();
    return {};
  }
  UniqueFd pidfd(sys::pidfd_open(rec.pid));
  if (!pidfd) return fail_sys(fmt::format("container \"{}\" init {}", id, rec.pid));
  // Holding the pidfd, check the pid is still our init before signalling.
  auto st = linux::process_start_time(rec.pid);
  if (!st || *st != rec.start_time) return fail(ErrorKind::Conflict, "container \"{}\" is not running", id);
  if (sys::pidfd_send_signal(pidfd.get(), sig) < 0) return fail_sys(fmt::format("signalling container \"{}\"", id));
  thaw_if_killed();
  return {};
}

static void wait_gone(pid_t pid, unsigned long long start_time) {
  UniqueFd pidfd(sys::pidfd_open(pid));
  if (pidfd) {
    auto st = linux::process_start_time(pid);
    if (st && *st == start_time) {
      pollfd p{pidfd.get(), POLLIN, 0};
      ::poll(&p, 1, 10000);
    }
  }
  // Our own child (run's case): reap it so it does not linger as a zombie.
  ::waitpid(pid, nullptr, WNOHANG);
}

Result<> remove(const Store& store, const std::string& id, bool force) {
  TRY_ASSIGN(auto rec, store.load(id));
  TRY_ASSIGN(auto lock, store.lock(id));
  std::string status = current_status(rec);
  if (status != "stopped" && !force)
    return fail(ErrorKind::Conflict, "cannot delete container \"{}\": it is {} (stop it first, or use --force)", id, status);
  auto cg = cgroups::from_json(rec.cgroup);
  if (status != "stopped") {
    if (cg) {
      (void)cgroups::signal_all(**cg, SIGKILL);
      if (status == "paused") (void)(*cg)->set_frozen(false);
    }
    ::kill(rec.pid, SIGKILL);
    wait_gone(rec.pid, rec.start_time);
  } else if (cg) {
    // Processes left in the cgroup (init died, children lived on) go too.
    (void)cgroups::signal_all(**cg, SIGKILL);
  }
  if (cg) {
    auto r = (*cg)->destroy();
    if (!r) return std::unexpected(r.error().context(fmt::format("deleting container \"{}\"", id)));
  }
  if (rec.host_mounts) TRY(linux::detach_rootfs_mounts(rec.rootfs));
  auto spec = store.load_spec(id);
  if (spec) {
    run_hooks_warning_only(spec->hooks.poststop, state_of(rec, "stopped"), "poststop");
  }
  return store.remove(id);
}

Result<std::vector<pid_t>> processes(const Store& store, const std::string& id) {
  TRY_ASSIGN(auto rec, store.load(id));
  TRY_ASSIGN(auto cg, cgroups::from_json(rec.cgroup));
  return cg->processes();
}

Result<int> parse_signal(const std::string& name) {
  if (auto n = parse_int(name)) {
    if (*n <= 0 || *n >= NSIG) return fail(ErrorKind::InvalidArgument, "invalid signal \"{}\"", name);
    return static_cast<int>(*n);
  }
  std::string s = name;
  for (auto& ch : s) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
  if (s.starts_with("SIG")) s = s.substr(3);
  for (int i = 1; i < NSIG; ++i) {
    const char* abbrev = sigabbrev_np(i);
    if (abbrev && s == abbrev) return i;
  }
  if (s.starts_with("RTMIN+")) {
    if (auto n = parse_int(s.substr(6))) return SIGRTMIN + static_cast<int>(*n);
  }
  return fail(ErrorKind::InvalidArgument, "unknown signal \"{}\"", name);
}

int wait_forwarding_signals(pid_t pid, pid_t forward_to, int console_master) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGTSTP}) sigaddset(&set, s);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  UniqueFd sfd(::signalfd(-1, &set, SFD_CLOEXEC));
  UniqueFd pidfd(sys::pidfd_open(pid));
  bool stdin_open = console_master >= 0;
  for (;;) {
    pollfd fds[4] = {{pidfd.get(), POLLIN, 0}, {sfd.get(), POLLIN, 0},
                     {console_master, POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}};
    if (::poll(fds, 4, -1) < 0 && errno != EINTR) break;
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo si;
      if (::read(sfd.get(), &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGWINCH && console_master >= 0) {
          winsize ws;
          if (::ioctl(0, TIOCGWINSZ, &ws) == 0) ::ioctl(console_master, TIOCSWINSZ, &ws);
        } else {
          ::kill(forward_to, static_cast<int>(si.ssi_signo));
        }
      }
    }
    if (console_master >= 0 && (fds[2].revents & (POLLIN | POLLHUP))) {
      char buf[8192];
      ssize_t n = ::read(console_master, buf, sizeof buf);
      if (n > 0) (void)!::write(1, buf, static_cast<size_t>(n));
    }
    if (stdin_open && (fds[3].revents & (POLLIN | POLLHUP))) {
      char buf[8192];
      ssize_t n = ::read(0, buf, sizeof buf);
      if (n > 0) (void)!::write(console_master, buf, static_cast<size_t>(n));
      else stdin_open = false;
    }
    if (fds[0].revents & POLLIN) break;
  }
  if (console_master >= 0) {
    // Drain what the process wrote just before it exited.
    char buf[8192];
    ::fcntl(console_master, F_SETFL, O_NONBLOCK);
    ssize_t n;
    while ((n = ::read(console_master, buf, sizeof buf)) > 0) (void)!::write(1, buf, static_cast<size_t>(n));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

}  // namespace hako::runtime
