// The OCI runtime as a library: what `hako runtime VERB` (runc's command
// line) and `hako run` call. Every function works on one Store (--root).
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/fd.h"
#include "oci/spec.h"
#include "oci/state.h"
#include "runtime/store.h"

namespace hako::runtime {

struct CreateOptions {
  std::string id;
  std::string bundle = ".";
  std::string pid_file;
  std::string console_socket;
  bool no_pivot = false;
  bool no_new_keyring = false;
  int preserve_fds = 0;
  // systemd socket activation: how many of the preserved fds are listening
  // sockets (LISTEN_FDS); the process gets LISTEN_FDS and LISTEN_PID=1.
  int listen_fds = 0;
  // Set by `run` when it proxies a terminal itself: the socket to send the
  // pty master to, instead of connecting to console_socket.
  int console_fd = -1;
};

struct Created {
  pid_t pid = 0;
  UniqueFd sync;  // open until the user's process starts: run's fast path
  oci::Spec spec;
};

Result<Created> create(const Store& store, const CreateOptions& opts);
// `start`: for a container created by another command.
Result<> start(const Store& store, const std::string& id);
// `run`: start what this process just created, over its sync socket.
Result<> start_created(const Store& store, const std::string& id, Created& c);

Result<oci::State> state(const Store& store, const std::string& id);
Result<> kill(const Store& store, const std::string& id, int sig, bool all);
// `delete`: refuses a container that is not stopped unless force.
Result<> remove(const Store& store, const std::string& id, bool force);
Result<std::vector<pid_t>> processes(const Store& store, const std::string& id);

// pause/resume through the freezer.
Result<> pause(const Store& store, const std::string& id);
Result<> resume(const Store& store, const std::string& id);
// Applies the given linux.resources fields to a live container and records
// them in its saved config.
Result<> update(const Store& store, const std::string& id, const Json& resources);
// How many processes the OOM killer ended in the container's cgroup; works
// on a stopped container until it is deleted.
Result<uint64_t> oom_kills(const Store& store, const std::string& id);
// {"type":"stats","id":..,"data":{..}} for a running container.
Result<Json> stats_event(const Store& store, const std::string& id);
// Streams events (stats every `interval_ms`, "oom" when the kernel OOM-kills
// in the container) to `emit` until the container stops.
Result<> watch_events(const Store& store, const std::string& id, int interval_ms,
                      const std::function<void(const Json&)>& emit);

struct ExecOptions {
  oci::Process process;
  std::string pid_file;
  std::string console_socket;
  int console_fd = -1;
  bool detach = false;
  int preserve_fds = 0;
};
// Starts a process inside a running container; returns its pid.
Result<pid_t> exec(const Store& store, const std::string& id, const ExecOptions& opts);

// Waits for `pid` (a child of ours), forwarding the signals a user would
// send us to `forward_to`; returns an exit code in the shell's convention
// (128+N for a signal).
int wait_forwarding_signals(pid_t pid, pid_t forward_to, int console_master);

Result<int> parse_signal(const std::string& name);

}  // namespace hako::runtime
