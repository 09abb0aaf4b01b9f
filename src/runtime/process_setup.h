// The last steps before execve that container init and exec share: the
// console, limits, identity, capabilities, no_new_privs, the working
// directory and the executable lookup.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "base/fd.h"
#include "base/json.h"
#include "linux/seccomp_filter.h"
#include "oci/spec.h"

namespace hako::runtime {

// Opens a pty in the current /dev/pts, sends the master over `console_socket`,
// and makes the slave the controlling terminal and stdio of this process.
// Returns the slave's path (for /dev/console).
Result<std::string> attach_console(int console_socket, const oci::Process& p);

// Identity, capabilities and no_new_privs, in the order the kernel needs:
// bounding set while still privileged, keep caps across setuid, then set.
Result<> drop_privileges(const oci::Process& p, bool may_setgroups);

// chdir into cwd (relative to the current root); refuses to end up outside
// it (a leaked fd as cwd, the CVE-2024-21626 class).
Result<> enter_cwd(const std::string& cwd);

// Clears FD_CLOEXEC on 3 .. 3+preserve-1 and sets it on everything above,
// so only stdio and the preserved fds reach the container's process.
Result<> prepare_fds(int preserve_fds);

// Closes every fd from `first` up except those in `keep`: nothing the
// runtime had open (locks, logs) may stay with a container process.
void close_fds_except(int first, std::vector<int> keep);

// Loads the seccomp filter, and hands its notify fd (if any) to the
// listener with the container process state, as the runtime-spec says.
Result<> load_seccomp(const linux::SeccompFilter* filter, int listener_fd, const Json& state);

struct ExecTarget {
  std::string path;
  std::vector<std::string> args;
  std::vector<std::string> env;
};
Result<ExecTarget> resolve_exec(const oci::Process& p);
// execve; returns only on failure.
Error exec_target(ExecTarget& t);

}  // namespace hako::runtime
