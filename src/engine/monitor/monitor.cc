#include "engine/monitor/monitor.h"

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <vector>

#include "base/clock.h"
#include "base/fd.h"
#include "base/files.h"
#include "engine/attach_protocol.h"
#include "engine/container_files.h"
#include "engine/events.h"
#include "engine/monitor/monitor_network.h"
#include "engine/monitor/output_log.h"
#include "runtime/runtime.h"
#include "runtime/store.h"
#include "runtime/sync.h"

namespace hako::engine {
namespace {

int64_t now_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1'000'000;
}

Result<UniqueFd> listen_unix(const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return fail_sys("socket");
  ::unlink(path.c_str());
  // Long state roots: bind through /proc/self/fd of the directory.
  auto slash = path.find_last_of('/');
  UniqueFd dir(::open(path.substr(0, slash).c_str(), O_PATH | O_CLOEXEC));
  if (!dir) return fail_sys("open " + path.substr(0, slash));
  std::string name = fmt::format("/proc/self/fd/{}/{}", dir.get(), path.substr(slash + 1));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::copy(name.begin(), name.end(), addr.sun_path);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) return fail_sys("bind " + path);
  if (::listen(fd.get(), 16) < 0) return fail_sys("listen " + path);
  return fd;
}

struct Client {
  UniqueFd fd;
  FrameReader reader;
};

class Monitor {
 public:
  Monitor(ContainerFiles files, ContainerConfig config, int ready_fd, bool wait_start)
      : files_(std::move(files)), config_(std::move(config)), rt_(files_.runtime_root()), net_(files_),
        ready_fd_(ready_fd), wait_start_(wait_start) {}

  int run() {
    auto st = files_.load_state();
    if (st) state_ = *st;
    state_.monitor_pid = ::getpid();
    auto listener = listen_unix(files_.attach_socket());
    if (!listener) return fatal(listener.error());
    listen_ = std::move(*listener);
    if (auto l = OutputLog::open(files_.log_path(), config_); l) log_ = std::move(*l);
    else return fatal(l.error());

    int64_t backoff_ms = 100;
    for (;;) {
      int64_t started = now_ms();
      auto r = start_container();
      if (!r) return fatal(r.error());
      serve_until_exit();
      finish_run();
      if (!should_restart()) break;
      // Docker's back-off: 100 ms doubling to a minute, reset after a run
      // of ten seconds or more.
      if (now_ms() - started >= 10'000) backoff_ms = 100;
      state_.status = "restarting";
      save();
      if (!sleep_serving(backoff_ms)) break;
      backoff_ms = std::min<int64_t>(backoff_ms * 2, 60'000);
      ++state_.restart_count;
    }
    return finish_for_good();
  }

 private:
  // The container's stdio is the monitor's own at the moment the runtime
  // clones init, so put the pipes (or nothing, with a pty) on 0-2 for it.
  Result<> start_container() {
    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
    UniqueFd console_parent, console_child;
    runtime::CreateOptions opts;
    opts.id = config_.id;
    opts.bundle = files_.bundle();
    if (config_.tty) {
      int sp[2];
      if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) return fail_sys("socketpair");
      console_parent.reset(sp[0]);
      console_child.reset(sp[1]);
      opts.console_fd = console_child.get();
    } else {
      if (::pipe2(out, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0) return fail_sys("pipe");
      if (config_.open_stdin && ::pipe2(in, O_CLOEXEC) < 0) return fail_sys("pipe");
      UniqueFd devnull(::open("/dev/null", O_RDWR | O_CLOEXEC));
      ::dup2(config_.open_stdin ? in[0] : devnull.get(), 0);
      ::dup2(out[1], 1);
      ::dup2(err[1], 2);
    }
    auto created = runtime::create(rt_, opts);
    // Back to our own stdio (nothing), whatever happened.
    UniqueFd devnull(::open("/dev/null", O_RDWR | O_CLOEXEC));
    for (int fd = 0; fd < 3; ++fd) ::dup2(devnull.get(), fd);
    for (int* p : {in, out, err})
      if (p[0] >= 0) {
        // Keep our ends: stdin's write end, the outputs' read ends.
        if (p == in) ::close(p[0]), stdin_.reset(p[1]);
        else ::close(p[1]);
      }
    if (!created) {
      for (int* p : {out, err})
        if (p[0] >= 0) ::close(p[0]);
      return std::unexpected(created.error());
    }
    if (config_.tty) {
      auto master = runtime::receive_fd(console_parent.get());
      if (!master) return std::unexpected(master.error());
      pty_ = std::move(*master);
    } else {
      out_.reset(out[0]);
      err_.reset(err[0]);
    }
    init_pid_ = created->pid;
    // The links go into the namespace between create and start, so the
    // container's process finds its network ready.
    if (auto n = net_.setup(init_pid_, config_); !n) {
      (void)runtime::kill(rt_, config_.id, SIGKILL, true);
      return std::unexpected(n.error());
    }
    if (wait_start_ && first_run_) {
      state_.status = "created";
      state_.pid = init_pid_;
      save();
      ready("created");
      if (!wait_for_start_frame()) {
        (void)runtime::kill(rt_, config_.id, SIGKILL, true);
        return fail(ErrorKind::Unavailable, "nobody attached to start the container");
      }
    }
    if (auto s = runtime::start_created(rt_, config_.id, *created); !s) return std::unexpected(s.error());
    state_.status = "running";
    state_.pid = init_pid_;
    state_.started_at = now_rfc3339();
    state_.exit_code = 0;
    state_.oom_killed = false;
    state_.error.clear();
    if (config_.health && !config_.health->test.empty() && config_.health->test[0] != "NONE") {
      state_.health.status = "starting";
      state_.health.failing_streak = 0;
      next_health_ms_ = now_ms() + config_.health->interval_ns / 1'000'000;
      health_started_ms_ = now_ms();
    }
    save();
    event("start");
    if (first_run_) ready("running");
    first_run_ = false;
    // Creating the container (the spec, the compiled seccomp filter) used
    // far more heap than serving it needs: give it back, since the monitor
    // lives as long as the container and its memory is paid per container.
    ::malloc_trim(0);
    return {};
  }

  bool wait_for_start_frame() {
    int64_t deadline = now_ms() + 60'000;
    while (now_ms() < deadline) {
      std::vector<pollfd> fds = {{listen_.get(), POLLIN, 0}};
      for (auto& c : clients_) fds.push_back({c.fd.get(), POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 1000) <= 0) continue;
      if (fds[0].revents & POLLIN) accept_client();
      for (size_t i = 1; i < fds.size(); ++i)
        if (fds[i].revents & (POLLIN | POLLHUP))
          if (read_client(i - 1)) return true;
      drop_closed_clients();
    }
    return false;
  }

  void serve_until_exit() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    UniqueFd sfd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    exited_ = false;
    while (!exited_) {
      std::vector<pollfd> fds;
      fds.push_back({sfd.get(), POLLIN, 0});
      fds.push_back({listen_.get(), POLLIN, 0});
      int output_base = 2;
      for (int fd : {out_.get(), err_.get(), pty_.get(), health_out_.get()}) fds.push_back({fd, POLLIN, 0});
      for (auto& c : clients_) fds.push_back({c.fd.get(), POLLIN, 0});
      size_t dns_base = fds.size();
      for (int fd : net_.fds()) fds.push_back({fd, POLLIN, 0});
      int timeout = -1;
      if (state_.health.status.size()) timeout = static_cast<int>(std::max<int64_t>(0, next_health_ms_ - now_ms()));
      if (health_pid_ > 0) timeout = 100;
      if (int t = net_.timeout_ms(); t >= 0 && (timeout < 0 || t < timeout)) timeout = t;
      int n = ::poll(fds.data(), fds.size(), timeout);
      if (n < 0 && errno != EINTR) break;
      if (fds[0].revents & POLLIN) {
        signalfd_siginfo si;
        while (::read(sfd.get(), &si, sizeof si) == sizeof si) {
        }
        reap();
      }
      if (fds[1].revents & POLLIN) accept_client();
      if (fds[output_base].revents & (POLLIN | POLLHUP)) pump(out_, Frame::Stdout);
      if (fds[output_base + 1].revents & (POLLIN | POLLHUP)) pump(err_, Frame::Stderr);
      if (fds[output_base + 2].revents & (POLLIN | POLLHUP)) pump(pty_, Frame::Stdout);
      if (fds[output_base + 3].revents & (POLLIN | POLLHUP)) read_health_output();
      for (size_t i = output_base + 4; i < dns_base; ++i)
        if (fds[i].revents & (POLLIN | POLLHUP)) read_client(i - output_base - 4);
      for (size_t i = dns_base; i < fds.size(); ++i)
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) net_.handle(fds[i].fd);
      net_.tick();
      drop_closed_clients();
      health_tick();
    }
    // Whatever the process wrote before it died is still in the pipes.
    while (out_ && pump(out_, Frame::Stdout)) {
    }
    while (err_ && pump(err_, Frame::Stderr)) {
    }
    while (pty_ && pump(pty_, Frame::Stdout)) {
    }
    log_.flush();
  }

  // Reads what is there; false at EOF (the fd is then closed).
  bool pump(UniqueFd& fd, Frame stream) {
    if (!fd) return false;
    char buf[16384];
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n <= 0) {
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
      fd.reset();
      return false;
    }
    std::string_view data(buf, static_cast<size_t>(n));
    log_.write(stream == Frame::Stderr ? "stderr" : "stdout", data);
    for (auto& c : clients_)
      if (c.fd && !write_frame(c.fd.get(), stream, data)) c.fd.reset();
    return true;
  }

  void reap() {
    for (;;) {
      int status;
      pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid <= 0) break;
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      if (pid == init_pid_) {
        exited_ = true;
        exit_code_ = code;
      } else if (pid == health_pid_) {
        health_done(code);
      }
    }
  }

  void accept_client() {
    for (;;) {
      int fd = ::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) break;
      clients_.push_back(Client{UniqueFd(fd), {}});
    }
  }

  // Handles what a client sent; returns whether it asked to Start.
  bool read_client(size_t i) {
    if (i >= clients_.size() || !clients_[i].fd) return false;
    char buf[16384];
    ssize_t n = ::read(clients_[i].fd.get(), buf, sizeof buf);
    if (n <= 0) {
      clients_[i].fd.reset();
      return false;
    }
    clients_[i].reader.feed(std::string_view(buf, static_cast<size_t>(n)));
    bool start = false;
    while (auto f = clients_[i].reader.next()) {
      start = start || f->first == Frame::Start;
      switch (f->first) {
        case Frame::Stdin: {
          int fd = pty_ ? pty_.get() : stdin_.get();
          if (fd >= 0) (void)!::write(fd, f->second.data(), f->second.size());
          break;
        }
        case Frame::CloseStdin:
          if (!config_.tty) stdin_.reset();
          break;
        case Frame::Resize:
          if (pty_) {
            winsize ws{};
            unsigned rows = 0, cols = 0;
            if (std::sscanf(f->second.c_str(), "%u %u", &rows, &cols) == 2) {
              ws.ws_row = static_cast<unsigned short>(rows);
              ws.ws_col = static_cast<unsigned short>(cols);
              ::ioctl(pty_.get(), TIOCSWINSZ, &ws);
            }
          }
          break;
        case Frame::Signal: {
          // The client's --sig-proxy: the signal the user sent it, for the container.
          int sig = std::atoi(f->second.c_str());
          if (sig > 0 && sig < NSIG && init_pid_ > 0) (void)runtime::kill(rt_, config_.id, sig, false);
          break;
        }
        default: break;
      }
    }
    return start;
  }

  void drop_closed_clients() {
    std::erase_if(clients_, [](const Client& c) { return !c.fd; });
  }

  // --- healthcheck -------------------------------------------------------

  void health_tick() {
    if (state_.health.status.empty() || health_pid_ > 0 || exited_) {
      if (health_pid_ > 0 && now_ms() > health_deadline_ms_) {
        ::kill(health_pid_, SIGKILL);
        health_timed_out_ = true;
      }
      return;
    }
    if (now_ms() < next_health_ms_) return;
    const auto& test = config_.health->test;
    runtime::ExecOptions eo;
    auto spec = rt_.load_spec(config_.id);
    if (!spec) return;
    if (!spec->process) return;
    eo.process = *spec->process;
    eo.process.terminal = false;
    if (test[0] == "CMD-SHELL") eo.process.args = {"/bin/sh", "-c", test.size() > 1 ? test[1] : ""};
    else eo.process.args.assign(test.begin() + (test[0] == "CMD" ? 1 : 0), test.end());
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) return;
    UniqueFd devnull(::open("/dev/null", O_RDWR | O_CLOEXEC));
    ::dup2(devnull.get(), 0);
    ::dup2(p[1], 1);
    ::dup2(p[1], 2);
    ::close(p[1]);
    health_start_ = now_rfc3339();
    auto pid = runtime::exec(rt_, config_.id, eo);
    for (int fd = 0; fd < 3; ++fd) ::dup2(devnull.get(), fd);
    health_out_.reset(p[0]);
    health_output_.clear();
    health_timed_out_ = false;
    if (!pid) {
      health_out_.reset();
      health_done(-1);
      return;
    }
    health_pid_ = *pid;
    health_deadline_ms_ = now_ms() + config_.health->timeout_ns / 1'000'000;
  }

  void read_health_output() {
    char buf[4096];
    ssize_t n = ::read(health_out_.get(), buf, sizeof buf);
    if (n <= 0) {
      health_out_.reset();
      return;
    }
    if (health_output_.size() < 4096) health_output_.append(buf, static_cast<size_t>(std::min<ssize_t>(n, 4096)));
  }

  void health_done(int code) {
    health_pid_ = 0;
    while (health_out_) read_health_output();
    const auto& h = *config_.health;
    bool ok = code == 0 && !health_timed_out_;
    std::string output = health_timed_out_
                             ? fmt::format("Health check exceeded timeout ({}s)", h.timeout_ns / 1'000'000'000)
                             : health_output_;
    state_.health.log.push_back(
        {{"Start", health_start_}, {"End", now_rfc3339()}, {"ExitCode", ok ? 0 : (code == 0 ? -1 : code)}, {"Output", output}});
    while (state_.health.log.size() > 5) state_.health.log.erase(state_.health.log.begin());
    bool in_start_period = now_ms() - health_started_ms_ < h.start_period_ns / 1'000'000;
    std::string before = state_.health.status;
    if (ok) {
      state_.health.status = "healthy";
      state_.health.failing_streak = 0;
    } else if (!in_start_period || state_.health.status != "starting") {
      if (++state_.health.failing_streak >= h.retries) state_.health.status = "unhealthy";
    }
    next_health_ms_ = now_ms() + h.interval_ns / 1'000'000;
    save();
    if (state_.health.status != before && state_.health.status != "starting")
      event("health_status: " + state_.health.status);
  }

  // --- the end of a run --------------------------------------------------

  void finish_run() {
    if (health_pid_ > 0) ::kill(health_pid_, SIGKILL);
    health_pid_ = 0;
    auto ooms = runtime::oom_kills(rt_, config_.id);
    state_.oom_killed = ooms && *ooms > 0;
    (void)runtime::remove(rt_, config_.id, /*force=*/true);
    net_.end_run();
    state_.exit_code = exit_code_;
    state_.pid = 0;
    state_.finished_at = now_rfc3339();
    state_.status = "exited";
    state_.stopped_by_user = path_exists(files_.dir() + "/stopped-by-user");
    if (!state_.health.status.empty()) state_.health.status = "unhealthy";
    // Recorded before the state says exited, so a `stop` waiting for that
    // logs its "stop" after our "die", as Docker orders them.
    if (state_.oom_killed) event("oom");
    event("die", {{"exitCode", std::to_string(exit_code_)}});
    save();
    out_.reset();
    err_.reset();
    pty_.reset();
    stdin_.reset();
  }

  bool should_restart() const {
    if (state_.stopped_by_user || config_.auto_remove) return false;
    // Read again: `hako update --restart` changes the policy while we run.
    auto fresh = files_.load_config();
    const auto& p = fresh ? fresh->restart : config_.restart;
    if (p.name == "always" || p.name == "unless-stopped") return true;
    if (p.name == "on-failure")
      return state_.exit_code != 0 && (p.max_retries == 0 || state_.restart_count < p.max_retries);
    return false;
  }

  // Waits `ms` while still answering attach clients; false if stopped meanwhile.
  bool sleep_serving(int64_t ms) {
    int64_t until = now_ms() + ms;
    while (now_ms() < until) {
      pollfd p{listen_.get(), POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(until - now_ms())) > 0) accept_client();
      if (path_exists(files_.dir() + "/stopped-by-user")) {
        state_.status = "exited";
        save();
        return false;
      }
    }
    return true;
  }

  int finish_for_good() {
    for (auto& c : clients_)
      if (c.fd) (void)write_frame(c.fd.get(), Frame::Exit, std::to_string(state_.exit_code));
    clients_.clear();
    listen_.reset();
    ::unlink(files_.attach_socket().c_str());
    unmount_rootfs();
    net_.finish(config_);
    state_.monitor_pid = 0;
    save();
    if (config_.auto_remove && config_.run_options.value("monitor_removes", false)) remove_self();
    return 0;
  }

  void unmount_rootfs() {
    std::string mounted = config_.run_options.value("rootfs_mount", "");
    if (!mounted.empty()) ::umount2(mounted.c_str(), MNT_DETACH);
  }

  // --rm: the full hako does the removal (database row, snapshot, files).
  void remove_self() {
    std::string hako = config_.run_options.value("hako_binary", "");
    std::string root = config_.run_options.value("engine_root", "");
    if (hako.empty()) return;
    ::execl(hako.c_str(), hako.c_str(), "--root", root.c_str(), "rm", "-f", "-v", config_.id.c_str(), nullptr);
  }

  int fatal(const Error& e) {
    state_.status = "exited";
    state_.error = e.message();
    // Docker's codes: 127 when the command is not found, 126 when it cannot
    // be run, 125 for the rest.
    state_.exit_code = e.kind() == ErrorKind::NotFound ? 127 : e.kind() == ErrorKind::PermissionDenied ? 126 : 125;
    state_.finished_at = now_rfc3339();
    save();
    if (first_run_) ready("error: " + e.message());
    for (auto& c : clients_)
      if (c.fd) {
        (void)write_frame(c.fd.get(), Frame::Error, e.message());
        (void)write_frame(c.fd.get(), Frame::Exit, std::to_string(state_.exit_code));
      }
    (void)runtime::remove(rt_, config_.id, true);
    return finish_for_good();
  }

  void ready(const std::string& line) {
    if (ready_fd_ < 0) return;
    std::string msg = line + "\n";
    (void)!::write(ready_fd_, msg.data(), msg.size());
    ::close(ready_fd_);
    ready_fd_ = -1;
  }

  void save() { (void)files_.save_state(state_); }
  // Events name the container as it is now: `rename` changes config.json
  // while we run, and events are rare enough to re-read it for each.
  void event(std::string action, const std::map<std::string, std::string>& extra = {}) {
    auto now = files_.load_config();
    emit_container_event(files_.engine_root(), now ? *now : config_, std::move(action), extra);
  }

  ContainerFiles files_;
  ContainerConfig config_;
  runtime::Store rt_;
  MonitorNetwork net_;
  ContainerState state_;
  OutputLog log_;
  int ready_fd_;
  bool wait_start_;
  bool first_run_ = true;
  UniqueFd listen_, out_, err_, pty_, stdin_;
  std::vector<Client> clients_;
  pid_t init_pid_ = 0;
  bool exited_ = false;
  int exit_code_ = 0;
  // healthcheck
  pid_t health_pid_ = 0;
  UniqueFd health_out_;
  std::string health_output_, health_start_;
  bool health_timed_out_ = false;
  int64_t next_health_ms_ = 0, health_deadline_ms_ = 0, health_started_ms_ = 0;
};

}  // namespace

int monitor_main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: hako-monitor ENGINE_ROOT ID READY_FD [--wait-start]\n");
    return 2;
  }
  std::string root = argv[1], id = argv[2];
  int ready_fd = std::atoi(argv[3]);
  bool wait_start = argc > 4 && std::strcmp(argv[4], "--wait-start") == 0;
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  ::prctl(PR_SET_NAME, "hako-monitor");
  // SIGCHLD is read from a signalfd; the rest must not kill the monitor
  // (a closed attach client, the terminal that ran `hako run` going away).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGHUP, SIG_IGN);
  ::signal(SIGINT, SIG_IGN);
  ContainerFiles files(root, id);
  auto config = files.load_config();
  if (!config) {
    std::string msg = "error: " + config.error().message() + "\n";
    (void)!::write(ready_fd, msg.data(), msg.size());
    return 1;
  }
  Monitor m(files, *config, ready_fd, wait_start);
  return m.run();
}

}  // namespace hako::engine
