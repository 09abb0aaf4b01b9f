#include "engine/attach_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "base/fd.h"
#include "base/files.h"
#include "engine/attach_protocol.h"
#include "runtime/sync.h"

namespace hako::engine {
namespace {

// Puts the terminal on fd 0 in raw mode for the life of the object.
class RawTerminal {
 public:
  explicit RawTerminal(bool want) {
    if (!want || !::isatty(0) || ::tcgetattr(0, &saved_) < 0) return;
    termios raw = saved_;
    ::cfmakeraw(&raw);
    active_ = ::tcsetattr(0, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() {
    if (active_) ::tcsetattr(0, TCSANOW, &saved_);
  }

 private:
  termios saved_{};
  bool active_ = false;
};

Result<> send_size(int sock) {
  winsize ws{};
  if (::ioctl(0, TIOCGWINSZ, &ws) < 0) return {};
  return write_frame(sock, Frame::Resize, fmt::format("{} {}", ws.ws_row, ws.ws_col));
}

}  // namespace

Result<AttachResult> attach(const std::string& socket_path, const AttachOptions& o) {
  TRY_ASSIGN(auto sock, runtime::connect_unix(socket_path, "attach socket"));
  RawTerminal raw(o.tty && o.stdin);
  // The signals Docker's client forwards (all but those about the client
  // itself: SIGCHLD, SIGPIPE, SIGURG, SIGWINCH, and the uncatchable).
  static const int kProxied[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGCONT, SIGTSTP};
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGWINCH);
  if (o.proxy_signals)
    for (int s : kProxied) sigaddset(&set, s);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  UniqueFd winch(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (o.tty) TRY(send_size(sock.get()));
  if (o.send_start) TRY(write_frame(sock.get(), Frame::Start, ""));

  AttachResult result;
  FrameReader reader;
  bool stdin_open = o.stdin;
  size_t detach_matched = 0;
  for (;;) {
    pollfd fds[3] = {{sock.get(), POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}, {winch.get(), POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return fail_sys("poll");
    }
    if (fds[2].revents & POLLIN) {
      signalfd_siginfo si;
      bool resized = false;
      while (::read(winch.get(), &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGWINCH) resized = true;
        else (void)write_frame(sock.get(), Frame::Signal, std::to_string(si.ssi_signo));
      }
      if (resized) (void)send_size(sock.get());
    }
    if (fds[1].revents & (POLLIN | POLLHUP)) {
      char buf[8192];
      ssize_t n = ::read(0, buf, sizeof buf);
      if (n <= 0) {
        stdin_open = false;
        (void)write_frame(sock.get(), Frame::CloseStdin, "");
      } else {
        std::string_view in(buf, static_cast<size_t>(n));
        if (o.tty && !o.detach_keys.empty()) {
          // The detach sequence is swallowed; a partial match that breaks
          // off is sent on as typed.
          std::string forward;
          for (char c : in) {
            if (c == o.detach_keys[detach_matched]) {
              if (++detach_matched == o.detach_keys.size()) {
                result.detached = true;
                return result;
              }
              continue;
            }
            forward.append(o.detach_keys.substr(0, detach_matched));
            detach_matched = 0;
            forward += c;
          }
          if (!forward.empty()) TRY(write_frame(sock.get(), Frame::Stdin, forward));
        } else {
          TRY(write_frame(sock.get(), Frame::Stdin, in));
        }
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      char buf[16384];
      ssize_t n = ::read(sock.get(), buf, sizeof buf);
      if (n <= 0) return fail(ErrorKind::Unavailable, "the container's monitor went away");
      reader.feed(std::string_view(buf, static_cast<size_t>(n)));
      while (auto f = reader.next()) {
        switch (f->first) {
          case Frame::Stdout: (void)write_all(o.stdout_fd, f->second, "stdout"); break;
          case Frame::Stderr: (void)write_all(o.stderr_fd, f->second, "stderr"); break;
          case Frame::Error: result.error = f->second; break;
          case Frame::Exit:
            result.exit_code = std::atoi(f->second.c_str());
            return result;
          default: break;
        }
      }
    }
  }
}

}  // namespace hako::engine
