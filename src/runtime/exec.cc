// exec: a new process inside a running container. A helper joins the
// container's cgroup and namespaces (user first, mount last), then clones
// the process itself so that it lands in the container's pid namespace too,
// as a child of the exec command (CLONE_PARENT) which can wait for it.
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/files.h"
#include "cgroups/manager.h"
#include "linux/process.h"
#include "linux/seccomp_filter.h"
#include "runtime/process_setup.h"
#include "runtime/runtime.h"
#include "runtime/sync.h"
#include "sys/syscalls.h"

namespace hako::runtime {

namespace {

struct NsFd {
  oci::NamespaceType type;
  UniqueFd fd;
};

// The container's namespaces that differ from ours, in joining order.
Result<std::vector<NsFd>> open_namespaces(pid_t pid, const oci::Spec& spec) {
  using T = oci::NamespaceType;
  std::vector<NsFd> out;
  for (T t : {T::User, T::Ipc, T::Uts, T::Network, T::Pid, T::Cgroup, T::Time, T::Mount}) {
    if (!spec.has_namespace(t)) continue;
    std::string theirs = fmt::format("/proc/{}/ns/{}", pid, oci::proc_ns_name(t));
    struct stat a, b;
    if (::stat(theirs.c_str(), &a) < 0) return fail_sys(fmt::format("container namespace {}", theirs));
    std::string ours = fmt::format("/proc/self/ns/{}", oci::proc_ns_name(t));
    if (::stat(ours.c_str(), &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) continue;
    UniqueFd fd(::open(theirs.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return fail_sys(fmt::format("open {}", theirs));
    out.push_back({t, std::move(fd)});
  }
  return out;
}

[[noreturn]] void die(int sync, const Error& e) { report_and_exit(sync, e); }

struct SeccompPlan {
  const linux::SeccompFilter* filter = nullptr;
  int listener_fd = -1;
  Json state;
};

[[noreturn]] void exec_child(const ExecOptions& opts, int sync, int console, const SeccompPlan& seccomp) {
  const oci::Process& p = opts.process;
  if (p.terminal) {
    auto r = attach_console(console, p);
    if (!r) die(sync, r.error().context("setting up the console"));
    ::close(console);
  }
  auto rl = linux::apply_rlimits(p.rlimits);
  if (!rl) die(sync, rl.error());
  if (p.oom_score_adj) (void)write_existing("/proc/self/oom_score_adj", std::to_string(*p.oom_score_adj));
  if (p.user.umask) ::umask(*p.user.umask);
  auto target = resolve_exec(p);
  if (!target) die(sync, target.error());
  // Housekeeping before any seccomp filter (see init.cc).
  auto fds = prepare_fds(opts.preserve_fds);
  if (!fds) die(sync, fds.error());
  auto cwd = enter_cwd(p.cwd);
  if (!cwd) die(sync, cwd.error());
  // The container's seccomp profile applies to exec'd processes too.
  if (!p.no_new_privileges) {
    auto r = load_seccomp(seccomp.filter, seccomp.listener_fd, seccomp.state);
    if (!r) die(sync, r.error().context("linux.seccomp"));
  }
  auto priv = drop_privileges(p, true);
  if (!priv) die(sync, priv.error());
  if (p.no_new_privileges) {
    auto r = load_seccomp(seccomp.filter, seccomp.listener_fd, seccomp.state);
    if (!r) die(sync, r.error().context("linux.seccomp"));
  }
  die(sync, exec_target(*target));  // the listener socket is close-on-exec
}

}  // namespace

Result<pid_t> exec(const Store& store, const std::string& id, const ExecOptions& opts) {
  TRY_ASSIGN(auto rec, store.load(id));
  std::string status = current_status(rec);
  if (status != "running" && status != "created")
    return fail(ErrorKind::Conflict, "cannot exec in container \"{}\": it is {}", id, status);
  TRY_ASSIGN(auto spec, store.load_spec(id));
  TRY_ASSIGN(auto namespaces, open_namespaces(rec.pid, spec));
  TRY_ASSIGN(auto cgroup, cgroups::from_json(rec.cgroup));
  if (opts.process.terminal && opts.console_socket.empty() && opts.console_fd < 0)
    return fail(ErrorKind::InvalidArgument, "--tty needs --console-socket");
  UniqueFd console;
  if (opts.process.terminal) {
    TRY_ASSIGN(console, open_console(opts.console_fd, opts.console_socket, opts.preserve_fds));
  }
  TRY_ASSIGN(auto filter,
             linux::SeccompFilter::compile_cached(spec.linux ? spec.linux->seccomp : Json(), store.seccomp_cache()));
  SeccompPlan seccomp;
  seccomp.filter = filter.get();
  seccomp.state = state_of(rec, status).to_json();
  UniqueFd listener;
  if (filter && filter->uses_notify()) {
    TRY_ASSIGN(listener, connect_unix(filter->listener_path(), "linux.seccomp.listenerPath"));
    seccomp.listener_fd = listener.get();
  }
  TRY_ASSIGN(auto pair, SyncPair::make());
  bool new_user_ns = false;
  for (const auto& ns : namespaces) new_user_ns |= ns.type == oci::NamespaceType::User;

  pid_t helper = ::fork();
  if (helper < 0) return fail_sys("fork");
  if (helper == 0) {
    int sync = pair.child.get();
    std::vector<int> keep = {sync, console.get(), listener.get()};
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);  // see init.cc: CVE-2019-5736
    for (const auto& ns : namespaces) keep.push_back(ns.fd.get());
    close_fds_except(3 + opts.preserve_fds, keep);
    // Still in the host's namespaces and single-threaded: join ourselves,
    // the cheap way (cgroups/manager.h).
    auto joined = cgroup->add_current_thread();
    if (!joined) die(sync, joined.error().context("joining the container's cgroup"));
    for (const auto& ns : namespaces) {
      if (::setns(ns.fd.get(), oci::clone_flag(ns.type)) < 0)
        die(sync, sys_error(fmt::format("joining the container's {} namespace", oci::to_string(ns.type))));
      ::close(ns.fd.get());
    }
    // A container without its own mount namespace is only a chroot.
    if (rec.host_mounts && (::chroot(rec.rootfs.c_str()) < 0 || ::chdir("/") < 0))
      die(sync, sys_error(fmt::format("chroot {}", rec.rootfs)));
    if (new_user_ns && (::setresgid(0, 0, 0) < 0 || ::setresuid(0, 0, 0) < 0))
      die(sync, sys_error("becoming root in the container's user namespace"));
    pid_t pid = sys::fork_with_flags(CLONE_PARENT);
    if (pid < 0) die(sync, sys_error("clone"));
    if (pid == 0) exec_child(opts, sync, console.get(), seccomp);
    (void)send_message(sync, {{"type", "pid"}, {"pid", pid}});
    ::_exit(0);
  }
  pair.child.reset();
  console.reset();
  listener.reset();
  int status_code;
  ::waitpid(helper, &status_code, 0);
  TRY_ASSIGN(auto msg, expect_message(pair.parent.get(), "pid"));
  pid_t pid = msg["pid"].get<pid_t>();
  // EOF: the process exec'd (the socket is close-on-exec). A message: it failed.
  auto after = receive_message(pair.parent.get());
  if (after && *after && (**after).value("type", "") == "error") {
    ::waitpid(pid, nullptr, 0);
    return std::unexpected(error_from_message(**after));
  }
  if (!opts.pid_file.empty()) TRY_CTX(write_file_atomic(opts.pid_file, std::to_string(pid)), "--pid-file");
  return pid;
}

}  // namespace hako::runtime
