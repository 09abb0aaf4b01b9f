#include "runtime/process_setup.h"

#include <signal.h>

#include <dirent.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "base/log.h"
#include "base/strings.h"
#include "linux/capabilities.h"
#include "linux/process.h"
#include "runtime/sync.h"
#include "sys/syscalls.h"

namespace hako::runtime {

Result<std::string> attach_console(int console_socket, const oci::Process& p) {
  UniqueFd master(::open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master) master.reset(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master) return fail_sys("opening /dev/ptmx for the console (is devpts mounted at /dev/pts?)");
  if (::unlockpt(master.get()) < 0) return fail_sys("unlockpt");
  char name[128];
  if (::ptsname_r(master.get(), name, sizeof name) != 0) return fail_sys("ptsname");
  if (p.console_height || p.console_width) {
    winsize ws{static_cast<unsigned short>(p.console_height), static_cast<unsigned short>(p.console_width), 0, 0};
    ::ioctl(master.get(), TIOCSWINSZ, &ws);
  }
  UniqueFd slave(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!slave) return fail_sys(fmt::format("opening console {}", name));
  TRY(send_fd(console_socket, master.get(), name));
  if (::setsid() < 0 && errno != EPERM) return fail_sys("setsid");
  if (::ioctl(slave.get(), TIOCSCTTY, 0) < 0) return fail_sys("making the console the controlling terminal");
  for (int fd = 0; fd < 3; ++fd)
    if (::dup2(slave.get(), fd) < 0) return fail_sys("dup2 console");
  return std::string(name);
}

Result<> drop_privileges(const oci::Process& p, bool may_setgroups) {
  linux::CapabilitySets caps;
  std::vector<std::string> unknown;
  if (p.capabilities) caps = linux::resolve_capabilities(*p.capabilities, &unknown);
  for (const auto& u : unknown) log::warn(fmt::format("ignoring unknown capability {}", u));
  TRY_CTX(linux::drop_bounding_set(caps), "process.capabilities");
  TRY(linux::keep_capabilities_across_setuid());
  TRY_CTX(linux::set_identity(p.user, may_setgroups), "process.user");
  TRY_CTX(linux::apply_capabilities(caps), "process.capabilities");
  if (p.no_new_privileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return fail_sys("prctl(PR_SET_NO_NEW_PRIVS)");
  return {};
}

Result<> enter_cwd(const std::string& cwd) {
  if (::chdir(cwd.c_str()) < 0) return fail_sys(fmt::format("process.cwd: chdir {}", cwd));
  char buf[4096];
  // getcwd() prefixes "(unreachable)" or fails when the directory is not
  // below the current root.
  if (!::getcwd(buf, sizeof buf) || buf[0] != '/')
    return fail(ErrorKind::PermissionDenied, "process.cwd: {} resolves outside the container's root", cwd);
  return {};
}

Result<> prepare_fds(int preserve_fds) {
  for (int fd = 3; fd < 3 + preserve_fds; ++fd) {
    int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0) ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
  }
  if (::syscall(SYS_close_range, 3 + preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return {};
  // Kernels before 5.11 lack the flag: mark the open fds one by one.
  DIR* d = ::opendir("/proc/self/fd");
  if (!d) return fail_sys("marking inherited fds close-on-exec: opendir /proc/self/fd");
  int self = ::dirfd(d);
  while (auto* e = ::readdir(d)) {
    auto fd = parse_int(e->d_name);
    if (!fd || *fd < 3 + preserve_fds || *fd == self) continue;
    int flags = ::fcntl(static_cast<int>(*fd), F_GETFD);
    if (flags >= 0) ::fcntl(static_cast<int>(*fd), F_SETFD, flags | FD_CLOEXEC);
  }
  ::closedir(d);
  return {};
}

void close_fds_except(int first, std::vector<int> keep) {
  std::sort(keep.begin(), keep.end());
  unsigned from = static_cast<unsigned>(first);
  for (int k : keep) {
    if (k < first) continue;
    if (static_cast<unsigned>(k) > from) ::syscall(SYS_close_range, from, static_cast<unsigned>(k) - 1, 0);
    from = static_cast<unsigned>(k) + 1;
  }
  ::syscall(SYS_close_range, from, ~0U, 0);
}

Result<> load_seccomp(const linux::SeccompFilter* filter, int listener_fd, const Json& state) {
  if (!filter) return {};
  TRY_ASSIGN(auto notify_fd, filter->load());
  if (!notify_fd) return {};
  if (listener_fd < 0) return fail(ErrorKind::Internal, "seccomp notify: no connection to the listener");
  Json process_state = {{"ociVersion", "1.2.0"},
                        {"fds", {"seccompFd"}},
                        {"pid", ::getpid()},
                        {"metadata", filter->listener_metadata()},
                        {"state", state}};
  TRY_CTX(send_fd(listener_fd, notify_fd.get(), process_state.dump()), "seccomp notify listener");
  return {};
}

Result<ExecTarget> resolve_exec(const oci::Process& p) {
  if (p.args.empty()) return fail(ErrorKind::InvalidArgument, "process.args: no command to run (args is empty)");
  ExecTarget t;
  t.args = p.args;
  t.env = p.env;
  TRY_ASSIGN(t.path, linux::find_executable(p.args[0], p.env));
  return t;
}

Error exec_target(ExecTarget& t) {
  std::vector<char*> argv, envp;
  for (auto& a : t.args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : t.env) envp.push_back(e.data());
  envp.push_back(nullptr);
  // The user's process starts with every signal at its default and none
  // blocked, whatever its caller (a monitor ignoring SIGPIPE and SIGINT,
  // blocking SIGCHLD for its signalfd) had: both are inherited by execve.
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execve(t.path.c_str(), argv.data(), envp.data());
  return sys_error(fmt::format("exec {}", t.path));
}

}  // namespace hako::runtime
