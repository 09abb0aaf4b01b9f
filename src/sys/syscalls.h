// Thin wrappers for syscalls glibc 2.36 does not wrap (or wraps awkwardly).
// They return -1 and set errno, like the libc calls they sit beside.
#pragma once

#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <sys/types.h>

#include <cstdint>

namespace hako::sys {

int pivot_root(const char* new_root, const char* put_old);
int openat2(int dirfd, const char* path, uint64_t flags, uint64_t mode, uint64_t resolve);
int pidfd_open(pid_t pid, unsigned flags = 0);
int pidfd_send_signal(int pidfd, int sig);
int close_range_from(unsigned first);  // closes every fd >= first

// fork() with clone flags (namespaces, CLONE_PARENT); returns the child's pid
// in the parent and 0 in the child. Stack-less, so the child continues here
// with a copy of the address space, exactly like fork().
pid_t fork_with_flags(uint64_t flags, int exit_signal = SIGCHLD);

}  // namespace hako::sys
