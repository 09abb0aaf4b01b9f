// Docker's default seccomp profile, as data: the facts of moby/profiles'
// seccomp/default.json (syscall lists, the capability- and
// architecture-conditional rules, the clone namespace-flag filter, the
// allowed personality values, the socket family filter). It is built in
// Docker's own format so that the default and a user's --security-opt
// seccomp=FILE go through the same conversion (seccomp_convert.cc).
//
// Default action: EPERM. Everything the table does not allow fails with
// EPERM, except clone3 without CAP_SYS_ADMIN, which fails with ENOSYS so
// that libcs fall back to clone(2), where the flags can be filtered.
#include <optional>

#include "engine/spec/seccomp.h"

namespace hako::engine {

namespace {

struct Condition {
  std::vector<const char*> caps, arches;
  const char* min_kernel = nullptr;
  bool empty() const { return caps.empty() && arches.empty() && !min_kernel; }
};

struct Arg {
  unsigned index;
  uint64_t value;
  const char* op;
};

struct Rule {
  std::vector<const char*> names;
  std::vector<Arg> args = {};
  Condition includes = {}, excludes = {};
  const char* action = "SCMP_ACT_ALLOW";
  std::optional<unsigned> errno_ret = std::nullopt;
};

constexpr uint64_t kCloneNamespaceFlags = 0x7E020000;  // CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET
constexpr unsigned kENOSYS = 38;

// Syscalls every container may make.
const std::vector<const char*> kAllowed = {
    "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "cachestat", "capget", "capset", "chdir",
    "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres", "clock_getres_time64",
    "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "close", "close_range",
    "connect", "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl",
    "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2",
    "execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64",
    "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat",
    "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr",
    "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex",
    "futex_requeue", "futex_time64", "futex_wait", "futex_waitv", "futex_wake", "futimesat", "getcpu", "getcwd",
    "getdents", "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups",
    "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority",
    "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit", "get_robust_list",
    "getrusage", "getsid", "getsockname", "getsockopt", "get_thread_area", "gettid", "gettimeofday", "getuid",
    "getuid32", "getxattr", "getxattrat", "inotify_add_watch", "inotify_init", "inotify_init1",
    "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy", "io_getevents", "io_pgetevents",
    "io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup", "io_submit", "ipc", "kill",
    "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr",
    "link", "linkat", "listen", "listmount", "listxattr", "listxattrat", "llistxattr", "_llseek",
    "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise", "map_shadow_stack", "membarrier",
    "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2",
    "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive",
    "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap", "mseal", "msgctl",
    "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall", "munmap", "name_to_handle_at", "nanosleep",
    "newfstatat", "_newselect", "open", "openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe",
    "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl", "pread64",
    "preadv", "preadv2", "prlimit64", "process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev",
    "pwritev2", "read", "readahead", "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg",
    "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "removexattrat", "rename", "renameat",
    "renameat2", "restart_syscall", "riscv_hwprobe", "rmdir", "rseq", "rt_sigaction", "rt_sigpending",
    "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
    "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr", "sched_getparam",
    "sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler", "sched_rr_get_interval",
    "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr", "sched_setparam",
    "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget", "semop", "semtimedop",
    "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto", "setfsgid",
    "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups", "setgroups32", "setitimer",
    "setpgid", "setpriority", "setregid", "setregid32", "setresgid", "setresgid32", "setresuid", "setresuid32",
    "setreuid", "setreuid32", "setrlimit", "set_robust_list", "setsid", "setsockopt", "set_thread_area",
    "set_tid_address", "setuid", "setuid32", "setxattr", "setxattrat", "shmat", "shmctl", "shmdt", "shmget",
    "shutdown", "sigaltstack", "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair",
    "splice", "stat", "stat64", "statfs", "statfs64", "statmount", "statx", "symlink", "symlinkat", "sync",
    "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete",
    "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64",
    "timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times",
    "tkill", "truncate", "truncate64", "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "uretprobe",
    "utime", "utimensat", "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid", "waitpid",
    "write", "writev"
};

std::vector<Rule> rules() {
  auto caps = [](std::vector<const char*> c) { return Condition{std::move(c), {}, nullptr}; };
  auto arches = [](std::vector<const char*> a) { return Condition{{}, std::move(a), nullptr}; };
  return {
      {kAllowed},
      {{"process_vm_readv", "process_vm_writev", "ptrace"}, {}, Condition{{}, {}, "4.8"}},
      // Every socket family but AF_ALG (38) and AF_VSOCK (40).
      {{"socket"}, {{0, 38, "SCMP_CMP_LT"}}},
      {{"socket"}, {{0, 39, "SCMP_CMP_EQ"}}},
      {{"socket"}, {{0, 40, "SCMP_CMP_GT"}}},
      // personality(2): PER_LINUX, UNAME26, ADDR_NO_RANDOMIZE, both, and the query value.
      {{"personality"}, {{0, 0x0, "SCMP_CMP_EQ"}}},
      {{"personality"}, {{0, 0x8, "SCMP_CMP_EQ"}}},
      {{"personality"}, {{0, 0x20000, "SCMP_CMP_EQ"}}},
      {{"personality"}, {{0, 0x20008, "SCMP_CMP_EQ"}}},
      {{"personality"}, {{0, 0xffffffff, "SCMP_CMP_EQ"}}},
      {{"sync_file_range2", "swapcontext"}, {}, arches({"ppc64le"})},
      {{"arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush", "set_tls"},
       {},
       arches({"arm", "arm64"})},
      {{"arch_prctl"}, {}, arches({"amd64", "x32"})},
      {{"modify_ldt"}, {}, arches({"amd64", "x32", "x86"})},
      {{"s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"}, {}, arches({"s390", "s390x"})},
      {{"riscv_flush_icache"}, {}, arches({"riscv64"})},
      {{"open_by_handle_at"}, {}, caps({"CAP_DAC_READ_SEARCH"})},
      {{"bpf",       "clone",         "clone3",      "fanotify_init",     "fsconfig",         "fsmount",
        "fsopen",    "fspick",        "lookup_dcookie", "lsm_get_self_attr", "lsm_list_modules", "lsm_set_self_attr",
        "mount",     "mount_setattr", "move_mount",  "open_tree",         "perf_event_open",  "quotactl",
        "quotactl_fd", "setdomainname", "sethostname", "setns",           "syslog",           "umount",
        "umount2",   "unshare"},
       {},
       caps({"CAP_SYS_ADMIN"})},
      // Without CAP_SYS_ADMIN, clone may not make namespaces (flags are
      // argument 1 on s390), and clone3 (whose flags are in memory) is
      // reported missing.
      {{"clone"}, {{0, kCloneNamespaceFlags, "SCMP_CMP_MASKED_EQ"}}, {},
       Condition{{"CAP_SYS_ADMIN"}, {"s390", "s390x"}, nullptr}},
      {{"clone"}, {{1, kCloneNamespaceFlags, "SCMP_CMP_MASKED_EQ"}}, arches({"s390", "s390x"}),
       caps({"CAP_SYS_ADMIN"})},
      {{"clone3"}, {}, {}, caps({"CAP_SYS_ADMIN"}), "SCMP_ACT_ERRNO", kENOSYS},
      {{"reboot"}, {}, caps({"CAP_SYS_BOOT"})},
      {{"chroot"}, {}, caps({"CAP_SYS_CHROOT"})},
      {{"delete_module", "init_module", "finit_module"}, {}, caps({"CAP_SYS_MODULE"})},
      {{"acct"}, {}, caps({"CAP_SYS_PACCT"})},
      {{"kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"},
       {},
       caps({"CAP_SYS_PTRACE"})},
      {{"iopl", "ioperm"}, {}, caps({"CAP_SYS_RAWIO"})},
      {{"settimeofday", "stime", "clock_settime", "clock_settime64"}, {}, caps({"CAP_SYS_TIME"})},
      {{"vhangup"}, {}, caps({"CAP_SYS_TTY_CONFIG"})},
      {{"get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"}, {}, caps({"CAP_SYS_NICE"})},
      {{"syslog"}, {}, caps({"CAP_SYSLOG"})},
      {{"bpf"}, {}, caps({"CAP_BPF"})},
      {{"perf_event_open"}, {}, caps({"CAP_PERFMON"})},
  };
}

Json condition_json(const Condition& c) {
  Json j = Json::object();
  if (!c.caps.empty()) j["caps"] = c.caps;
  if (!c.arches.empty()) j["arches"] = c.arches;
  if (c.min_kernel) j["minKernel"] = c.min_kernel;
  return j;
}

Json build_profile() {
  Json p = {{"defaultAction", "SCMP_ACT_ERRNO"}, {"defaultErrnoRet", 1}};
  p["archMap"] = Json::array({
      {{"architecture", "SCMP_ARCH_X86_64"}, {"subArchitectures", {"SCMP_ARCH_X86", "SCMP_ARCH_X32"}}},
      {{"architecture", "SCMP_ARCH_AARCH64"}, {"subArchitectures", {"SCMP_ARCH_ARM"}}},
      {{"architecture", "SCMP_ARCH_MIPS64"}, {"subArchitectures", {"SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64N32"}}},
      {{"architecture", "SCMP_ARCH_MIPS64N32"}, {"subArchitectures", {"SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64"}}},
      {{"architecture", "SCMP_ARCH_MIPSEL64"}, {"subArchitectures", {"SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64N32"}}},
      {{"architecture", "SCMP_ARCH_MIPSEL64N32"}, {"subArchitectures", {"SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64"}}},
      {{"architecture", "SCMP_ARCH_S390X"}, {"subArchitectures", {"SCMP_ARCH_S390"}}},
      {{"architecture", "SCMP_ARCH_RISCV64"}, {"subArchitectures", nullptr}},
      {{"architecture", "SCMP_ARCH_LOONGARCH64"}, {"subArchitectures", nullptr}},
  });
  Json syscalls = Json::array();
  for (const auto& r : rules()) {
    Json s = {{"names", r.names}, {"action", r.action}};
    if (r.errno_ret) s["errnoRet"] = *r.errno_ret;
    if (!r.args.empty()) {
      Json args = Json::array();
      for (const auto& a : r.args) args.push_back({{"index", a.index}, {"value", a.value}, {"op", a.op}});
      s["args"] = args;
    }
    if (!r.includes.empty()) s["includes"] = condition_json(r.includes);
    if (!r.excludes.empty()) s["excludes"] = condition_json(r.excludes);
    syscalls.push_back(std::move(s));
  }
  p["syscalls"] = std::move(syscalls);
  return p;
}

}  // namespace

const Json& docker_default_seccomp_profile() {
  static const Json profile = build_profile();
  return profile;
}

}  // namespace hako::engine
