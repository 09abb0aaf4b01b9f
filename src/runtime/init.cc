#include "runtime/init.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/keyctl.h>

#include "base/fd.h"
#include "base/files.h"
#include "linux/process.h"
#include "linux/rootfs.h"
#include "linux/safe_path.h"
#include "runtime/hooks.h"
#include "runtime/process_setup.h"
#include "runtime/sync.h"

namespace hako::runtime {

bool joins_in_init(oci::NamespaceType t) {
  return t != oci::NamespaceType::User && t != oci::NamespaceType::Pid && t != oci::NamespaceType::Time;
}

namespace {

[[noreturn]] void die(int fd, const Error& e) { report_and_exit(fd, e); }

#define STEP(expr, what)                                             \
  do {                                                               \
    auto step_result_ = (expr);                                      \
    if (!step_result_) die(sync, step_result_.error().context(what)); \
  } while (0)

Result<> set_time_offsets(const oci::Linux& l) {
  if (::unshare(CLONE_NEWTIME) < 0) return fail_sys("unshare(CLONE_NEWTIME)");
  std::string offsets;
  if (l.monotonic_offset) offsets += fmt::format("monotonic {} {}\n", l.monotonic_offset->secs, l.monotonic_offset->nanosecs);
  if (l.boottime_offset) offsets += fmt::format("boottime {} {}\n", l.boottime_offset->secs, l.boottime_offset->nanosecs);
  if (!offsets.empty()) TRY_CTX(write_existing("/proc/self/timens_offsets", offsets), "linux.timeOffsets");
  // unshare() only moves our children; enter the new namespace ourselves.
  TRY(linux::join_namespace("/proc/self/ns/time_for_children", oci::NamespaceType::Time));
  return {};
}

Result<> set_names(const oci::Spec& s) {
  if (!s.hostname.empty() && ::sethostname(s.hostname.data(), s.hostname.size()) < 0) return fail_sys("sethostname");
  if (!s.domainname.empty() && ::setdomainname(s.domainname.data(), s.domainname.size()) < 0)
    return fail_sys("setdomainname");
  return {};
}

// Waits for the go-ahead from `run` (over the sync socket) or `start` (a
// connection on the listening socket); returns the fd to answer on.
Result<UniqueFd> wait_for_start(int sync, int listen_fd) {
  bool sync_open = true;
  for (;;) {
    pollfd fds[2] = {{listen_fd, POLLIN, 0}, {sync_open ? sync : -1, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return fail_sys("waiting for start");
    }
    if (fds[0].revents & POLLIN) {
      int conn = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (conn >= 0) return UniqueFd(conn);
    }
    if (fds[1].revents & (POLLIN | POLLHUP)) {
      auto msg = receive_message(sync);
      if (!msg || !*msg) {
        sync_open = false;  // `create` finished and went away
        continue;
      }
      if ((*msg)->value("type", "") == "start") return UniqueFd(::fcntl(sync, F_DUPFD_CLOEXEC, 0));
    }
  }
}

}  // namespace

void container_init(InitPlan& plan) {
  const int sync = plan.sync_fd;
  const oci::Spec& spec = *plan.spec;
  const oci::Process& process = *spec.process;

  close_fds_except(3 + plan.preserve_fds, {sync, plan.start_fd, plan.console_fd, plan.seccomp_listener_fd});
  // Until execve, this process is the hako binary: keep the container's
  // processes from reaching it through /proc/PID/exe (CVE-2019-5736).
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  STEP(expect_message(sync, "go"), "waiting for the runtime");
  // First, before anything the container could be charged for: into its
  // cgroup (the memory image is a copy of the runtime's, manager included).
  if (plan.join_cgroup) STEP(plan.join_cgroup->add_current_thread(), "joining the container's cgroup");
  if (plan.new_user_ns) {
    // The runtime has written our id maps: become the namespace's root.
    if (::setresgid(0, 0, 0) < 0 || ::setresuid(0, 0, 0) < 0) die(sync, sys_error("becoming root in the user namespace"));
  }
  for (const auto& ns : spec.linux->namespaces)
    if (!ns.path.empty() && joins_in_init(ns.type)) STEP(linux::join_namespace(ns.path, ns.type), "linux.namespaces");
  if (plan.new_cgroup_ns && ::unshare(CLONE_NEWCGROUP) < 0) die(sync, sys_error("unshare(CLONE_NEWCGROUP)"));
  if (plan.new_time_ns) STEP(set_time_offsets(*spec.linux), "setting up the time namespace");
  STEP(set_names(spec), "setting the hostname");
  if (plan.new_keyring) {
    // A session keyring of its own, so containers never share the host's keys.
    ::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, plan.id.c_str());
  }

  linux::RootfsPlan rootfs;
  rootfs.spec = &spec;
  rootfs.rootfs = plan.rootfs;
  rootfs.no_pivot = plan.no_pivot;
  rootfs.user_ns = spec.has_namespace(oci::NamespaceType::User);
  rootfs.mount_ns = spec.has_namespace(oci::NamespaceType::Mount);
  rootfs.mounts.cgroup_ns = spec.has_namespace(oci::NamespaceType::Cgroup);
  rootfs.mounts.cgroup_v2 = plan.cgroup_v2;
  rootfs.mounts.cgroups = plan.cgroups;
  STEP(linux::prepare_rootfs(rootfs), "preparing the rootfs");
  {
    // The working directory is created inside the rootfs if the image lacks it.
    UniqueFd root(::open(plan.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (root) STEP(linux::open_in_root(root.get(), process.cwd, linux::Create::Directory), "process.cwd");
  }

  oci::State state;
  state.id = plan.id;
  state.status = "creating";
  state.pid = 0;
  if (!spec.hooks.prestart.empty() || !spec.hooks.create_runtime.empty()) {
    STEP(send_message(sync, {{"type", "hooks"}}), "asking for createRuntime hooks");
    STEP(expect_message(sync, "hooks-done"), "createRuntime hooks");
  }
  if (!spec.hooks.create_container.empty()) {
    auto msg = expect_message(sync, "state");
    if (!msg) die(sync, msg.error());
    // Hooks in the container's namespaces see its pid as the container does.
    state.pid = static_cast<int>(::getpid());
    state.bundle = (*msg)["bundle"].get<std::string>();
    state.annotations = spec.annotations;
    STEP(run_hooks(spec.hooks.create_container, state, "createContainer"), "createContainer hooks");
  }

  STEP(linux::enter_rootfs(rootfs), "entering the rootfs");
  if (process.terminal) {
    if (plan.console_fd < 0)
      die(sync, Error(ErrorKind::InvalidArgument, "process.terminal is true but there is no console socket"));
    auto slave = attach_console(plan.console_fd, process);
    if (!slave) die(sync, slave.error().context("setting up the console"));
    STEP(linux::mount_console(*slave), "mounting /dev/console");
    ::close(plan.console_fd);
  }
  if (spec.linux) STEP(linux::apply_sysctls(spec.linux->sysctl), "linux.sysctl");
  STEP(linux::finalize_rootfs(rootfs), "finishing the rootfs");
  if (process.oom_score_adj)
    STEP(write_existing("/proc/self/oom_score_adj", std::to_string(*process.oom_score_adj)), "process.oomScoreAdj");
  STEP(linux::apply_rlimits(process.rlimits), "process.rlimits");
  if (process.user.umask) ::umask(*process.user.umask);
  auto target = resolve_exec(process);
  if (!target) die(sync, target.error());
  // Our own housekeeping syscalls (close_range, getcwd) come before any
  // seccomp filter: a profile need not allow what the runtime uses.
  STEP(prepare_fds(plan.preserve_fds), "preparing file descriptors");
  STEP(enter_cwd(process.cwd), "entering the working directory");
  Json seccomp_state = {{"ociVersion", "1.2.0"}, {"id", plan.id}, {"status", "creating"}, {"pid", ::getpid()}};
  // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: do it now.
  if (!process.no_new_privileges)
    STEP(load_seccomp(plan.seccomp, plan.seccomp_listener_fd, seccomp_state), "linux.seccomp");
  STEP(drop_privileges(process, true), "dropping privileges");

  STEP(send_message(sync, {{"type", "created"}}), "reporting creation");
  auto reply = wait_for_start(sync, plan.start_fd);
  if (!reply) ::_exit(1);
  ::close(plan.start_fd);
  if (!spec.hooks.start_container.empty()) {
    state.status = "created";
    state.pid = static_cast<int>(::getpid());
    auto r = run_hooks(spec.hooks.start_container, state, "startContainer");
    if (!r) die(reply->get(), r.error().context("startContainer hooks"));
  }
  if (process.no_new_privileges) {
    // As late as possible, so the filter need not allow our own syscalls.
    auto r = load_seccomp(plan.seccomp, plan.seccomp_listener_fd, seccomp_state);
    if (!r) die(reply->get(), r.error().context("linux.seccomp"));
  }
  Error e = exec_target(*target);  // the listener socket is close-on-exec
  die(reply->get(), e);
}

}  // namespace hako::runtime
