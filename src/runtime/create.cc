// `create`: from a bundle to a container whose init waits for `start`.
//
// The runtime validates everything it can before touching the system, then
// reserves the id, makes the cgroup, clones init and walks it through the
// sync protocol (see init.h). Any failure undoes all of it: the init is
// killed, the cgroup and the state directory removed.
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/files.h"
#include "base/log.h"
#include "cgroups/manager.h"
#include "linux/process.h"
#include "linux/rootfs.h"
#include "linux/seccomp_filter.h"
#include "runtime/hooks.h"
#include "runtime/init.h"
#include "runtime/runtime.h"
#include "runtime/sync.h"
#include "sys/syscalls.h"

namespace hako::runtime {

namespace {

Result<std::string> absolute(const std::string& path, std::string_view what) {
  char buf[PATH_MAX];
  if (!::realpath(path.c_str(), buf)) return fail_sys(fmt::format("{} {}", what, path));
  return std::string(buf);
}

Result<UniqueFd> listen_for_start(const std::string& state_dir) {
  UniqueFd dir(::open(state_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return fail_sys(fmt::format("open {}", state_dir));
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return fail_sys("socket");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string name = fmt::format("/proc/self/fd/{}/start.sock", dir.get());
  std::copy(name.begin(), name.end(), addr.sun_path);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) return fail_sys("bind start.sock");
  if (::listen(fd.get(), 4) < 0) return fail_sys("listen start.sock");
  return fd;
}

// Moves an fd above the range the container inherits (3 .. 3+preserve).
Result<UniqueFd> lift(UniqueFd fd, int preserve) {
  if (!fd || fd.get() >= 3 + preserve) return fd;
  int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3 + preserve);
  if (moved < 0) return fail_sys("fcntl(F_DUPFD_CLOEXEC)");
  return UniqueFd(moved);
}

// Undoes a half-made container unless dismissed.
struct Rollback {
  const Store& store;
  std::string id;
  pid_t pid = 0;
  std::unique_ptr<cgroups::Manager> cgroup;
  std::string host_mounted_rootfs;  // set when init mounts in our namespace
  bool armed = true;
  ~Rollback() {
    if (!armed) return;
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    if (cgroup) {
      (void)cgroups::signal_all(*cgroup, SIGKILL);
      (void)cgroup->destroy();
    }
    if (!host_mounted_rootfs.empty()) (void)linux::detach_rootfs_mounts(host_mounted_rootfs);
    (void)store.remove(id);
  }
};

struct Plan {
  oci::Spec spec;
  std::string config_text;
  std::string bundle, rootfs;
};

Result<Plan> load_bundle(const CreateOptions& opts) {
  Plan p;
  TRY_ASSIGN(p.bundle, absolute(opts.bundle, "bundle"));
  std::string config = p.bundle + "/config.json";
  TRY_ASSIGN(p.config_text, read_file(config));
  TRY_ASSIGN(auto doc, parse_json(p.config_text, config));
  auto spec = oci::parse_spec(doc);
  if (!spec) return std::unexpected(spec.error().context(config));
  TRY_CTX(oci::validate_spec(*spec), config);
  p.spec = std::move(*spec);
  if (!p.spec.process) return fail(ErrorKind::InvalidArgument, "{}: process: required to create a container", config);
  if (opts.listen_fds > 0) {
    p.spec.process->env.push_back(fmt::format("LISTEN_FDS={}", opts.listen_fds));
    p.spec.process->env.push_back("LISTEN_PID=1");
  }
  if (!p.spec.linux) p.spec.linux.emplace();
  std::string root = p.spec.root_path[0] == '/' ? p.spec.root_path : p.bundle + "/" + p.spec.root_path;
  auto rootfs = absolute(root, "root.path: rootfs");
  if (!rootfs) return std::unexpected(rootfs.error().context(config));
  p.rootfs = *rootfs;
  for (const auto& ns : p.spec.linux->namespaces)
    if (!ns.path.empty() && ::access(ns.path.c_str(), F_OK) < 0)
      return fail_sys(fmt::format("{}: linux.namespaces: {} namespace path {}", config, oci::to_string(ns.type), ns.path));
  return p;
}

// Clones init. User, pid and time namespaces given by path apply to the
// children of whoever joins them, so a short-lived helper joins and then
// clones init as our sibling-turned-child (CLONE_PARENT).
Result<pid_t> clone_init(InitPlan& init, int parent_sync, uint64_t flags) {
  std::vector<const oci::Namespace*> pre_join;
  for (const auto& ns : init.spec->linux->namespaces)
    if (!ns.path.empty() && !joins_in_init(ns.type)) pre_join.push_back(&ns);
  // User first: the others belong to it.
  std::stable_sort(pre_join.begin(), pre_join.end(),
                   [](auto* a, auto* b) { return a->type == oci::NamespaceType::User && b->type != oci::NamespaceType::User; });

  if (pre_join.empty()) {
    pid_t pid = sys::fork_with_flags(flags);
    if (pid < 0) return fail_sys("clone");
    if (pid == 0) {
      ::close(parent_sync);
      container_init(init);
    }
    return pid;
  }
  pid_t helper = ::fork();
  if (helper < 0) return fail_sys("fork");
  if (helper == 0) {
    ::close(parent_sync);
    for (auto* ns : pre_join) {
      auto r = linux::join_namespace(ns->path, ns->type);
      if (!r) {
        (void)send_message(init.sync_fd, error_message(r.error().context("linux.namespaces")));
        ::_exit(1);
      }
    }
    pid_t pid = sys::fork_with_flags(flags | CLONE_PARENT);
    if (pid == 0) container_init(init);
    if (pid < 0) {
      (void)send_message(init.sync_fd, error_message(sys_error("clone")));
      ::_exit(1);
    }
    (void)send_message(init.sync_fd, {{"type", "pid"}, {"pid", pid}});
    ::_exit(0);
  }
  int status;
  ::waitpid(helper, &status, 0);
  TRY_ASSIGN(auto msg, expect_message(parent_sync, "pid"));
  return msg["pid"].get<pid_t>();
}

}  // namespace

Result<Created> create(const Store& store, const CreateOptions& opts) {
  TRY(validate_id(opts.id));
  TRY_ASSIGN(auto plan, load_bundle(opts));
  TRY_ASSIGN(auto resources, cgroups::parse_resources(plan.spec.linux->resources));
  TRY_ASSIGN(auto cgroup, cgroups::for_new_container(plan.spec.linux->cgroups_path, opts.id));
  TRY_ASSIGN(auto seccomp, linux::SeccompFilter::compile_cached(plan.spec.linux->seccomp, store.seccomp_cache()));
  const oci::Spec& spec = plan.spec;
  if (spec.process->terminal && opts.console_socket.empty() && opts.console_fd < 0)
    return fail(ErrorKind::InvalidArgument, "process.terminal is true: --console-socket is required");

  TRY(store.reserve(opts.id));
  Rollback rollback{store, opts.id, 0, nullptr, {}};
  TRY_ASSIGN(auto lock, store.lock(opts.id));
  TRY(store.save_spec(opts.id, plan.config_text));

  TRY(cgroup->create());
  rollback.cgroup = std::move(cgroup);
  TRY(rollback.cgroup->apply(resources));

  UniqueFd console;
  if (spec.process->terminal) {
    TRY_ASSIGN(console, open_console(opts.console_fd, opts.console_socket, opts.preserve_fds));
  }
  UniqueFd seccomp_listener;
  if (seccomp && seccomp->uses_notify()) {
    TRY_ASSIGN(seccomp_listener, connect_unix(seccomp->listener_path(), "linux.seccomp.listenerPath"));
    TRY_ASSIGN(seccomp_listener, lift(std::move(seccomp_listener), opts.preserve_fds));
  }
  TRY_ASSIGN(auto listen_fd, listen_for_start(store.dir(opts.id)));
  TRY_ASSIGN(auto pair, SyncPair::make());
  TRY_ASSIGN(console, lift(std::move(console), opts.preserve_fds));
  TRY_ASSIGN(listen_fd, lift(std::move(listen_fd), opts.preserve_fds));
  TRY_ASSIGN(pair.child, lift(std::move(pair.child), opts.preserve_fds));

  InitPlan init;
  init.spec = &spec;
  init.id = opts.id;
  init.rootfs = plan.rootfs;
  init.no_pivot = opts.no_pivot;
  init.new_keyring = !opts.no_new_keyring;
  init.preserve_fds = opts.preserve_fds;
  init.sync_fd = pair.child.get();
  init.start_fd = listen_fd.get();
  init.console_fd = console.get();
  init.seccomp = seccomp.get();
  init.seccomp_listener_fd = seccomp_listener.get();
  init.cgroup_v2 = rollback.cgroup->version() == cgroups::Version::V2;
  init.cgroups = rollback.cgroup->views();
  uint64_t flags = 0;
  for (const auto& ns : spec.linux->namespaces) {
    if (!ns.path.empty()) continue;
    if (ns.type == oci::NamespaceType::Cgroup) init.new_cgroup_ns = true;  // after joining the cgroup
    else if (ns.type == oci::NamespaceType::Time) init.new_time_ns = true;  // offsets first
    else flags |= oci::clone_flag(ns.type);
    if (ns.type == oci::NamespaceType::User) init.new_user_ns = true;
  }

  // Init joins its cgroup itself unless it is in a new user namespace,
  // whose root may not write the host's cgroup files.
  if (!init.new_user_ns) init.join_cgroup = rollback.cgroup.get();
  TRY_ASSIGN(pid_t pid, clone_init(init, pair.parent.get(), flags));
  rollback.pid = pid;
  if (!spec.has_namespace(oci::NamespaceType::Mount)) rollback.host_mounted_rootfs = plan.rootfs;
  pair.child.reset();
  listen_fd.reset();
  console.reset();
  seccomp_listener.reset();

  if (init.new_user_ns) TRY(linux::write_id_mappings(pid, spec.linux->uid_mappings, spec.linux->gid_mappings));
  if (!init.join_cgroup) TRY(rollback.cgroup->add_process(pid));
  TRY(send_message(pair.parent.get(), {{"type", "go"}}));

  oci::State st;
  st.id = opts.id;
  st.status = "creating";
  st.pid = pid;
  st.bundle = plan.bundle;
  st.annotations = spec.annotations;
  if (!spec.hooks.prestart.empty() || !spec.hooks.create_runtime.empty()) {
    TRY(expect_message(pair.parent.get(), "hooks"));
    TRY(run_hooks(spec.hooks.prestart, st, "prestart"));
    TRY(run_hooks(spec.hooks.create_runtime, st, "createRuntime"));
    TRY(send_message(pair.parent.get(), {{"type", "hooks-done"}}));
  }
  if (!spec.hooks.create_container.empty())
    TRY(send_message(pair.parent.get(), {{"type", "state"}, {"bundle", plan.bundle}}));
  TRY(expect_message(pair.parent.get(), "created"));

  Record rec;
  rec.id = opts.id;
  rec.bundle = plan.bundle;
  rec.rootfs = plan.rootfs;
  rec.pid = pid;
  rec.host_mounts = !spec.has_namespace(oci::NamespaceType::Mount);
  auto start_time = linux::process_start_time(pid);
  if (!start_time) return fail(ErrorKind::Internal, "container init {} exited during create", pid);
  rec.start_time = *start_time;
  rec.created = now_rfc3339();
  rec.owner = "root";
  rec.cgroup = rollback.cgroup->to_json();
  rec.annotations = spec.annotations;
  TRY(store.save(rec));
  if (!opts.pid_file.empty()) TRY_CTX(write_file_atomic(opts.pid_file, std::to_string(pid)), "--pid-file");

  rollback.armed = false;
  Created c;
  c.pid = pid;
  c.sync = std::move(pair.parent);
  c.spec = std::move(plan.spec);
  return c;
}

}  // namespace hako::runtime
