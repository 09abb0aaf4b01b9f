#include "sys/syscalls.h"

#include <linux/sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

namespace hako::sys {

int pivot_root(const char* new_root, const char* put_old) {
  return static_cast<int>(::syscall(SYS_pivot_root, new_root, put_old));
}

int openat2(int dirfd, const char* path, uint64_t flags, uint64_t mode, uint64_t resolve) {
  struct open_how how;
  std::memset(&how, 0, sizeof how);
  how.flags = flags;
  how.mode = mode;
  how.resolve = resolve;
  return static_cast<int>(::syscall(SYS_openat2, dirfd, path, &how, sizeof how));
}

int pidfd_open(pid_t pid, unsigned flags) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, flags)); }

int pidfd_send_signal(int pidfd, int sig) {
  return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

int close_range_from(unsigned first) { return static_cast<int>(::syscall(SYS_close_range, first, ~0U, 0)); }

pid_t fork_with_flags(uint64_t flags, int exit_signal) {
  struct clone_args args;
  std::memset(&args, 0, sizeof args);
  args.flags = flags;
  // With CLONE_PARENT the child inherits our own exit signal; clone3
  // insists that none is given then.
  args.exit_signal = (flags & CLONE_PARENT) ? 0 : static_cast<uint64_t>(exit_signal);
  return static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
}

}  // namespace hako::sys
