// One interface over cgroup v1 (including the hybrid layout) and cgroup v2.
//
// A Manager owns one container's cgroup: it creates it, applies
// linux.resources, moves processes in, lists and signals them, and removes
// it. Backends take a root directory so tests can run them on fake trees.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "cgroups/resources.h"
#include "cgroups/view.h"

namespace hako::cgroups {

enum class Version { V1, V2 };

class Manager {
 public:
  virtual ~Manager() = default;
  virtual Version version() const = 0;
  // The container's cgroup path (as in /proc/PID/cgroup), per hierarchy for v1.
  virtual Json to_json() const = 0;
  virtual Result<> create() = 0;
  virtual Result<> apply(const Resources& resources) = 0;
  virtual Result<> add_process(pid_t pid) = 0;
  // Moves the calling (single-threaded) process in. On v1 this writes "0"
  // to each hierarchy's `tasks`: the kernel moves the current thread
  // without taking the global threadgroup lock, whose RCU grace period
  // makes a cgroup.procs write cost 10-40 ms here (a quarter of a
  // container start). Callers that can, join themselves this way.
  virtual Result<> add_current_thread() = 0;
  virtual Result<std::vector<pid_t>> processes() const = 0;
  // rmdir, retrying while the kernel still reaps exiting tasks.
  virtual Result<> destroy() = 0;
  // How the container sees its cgroups at /sys/fs/cgroup.
  virtual std::vector<CgroupView> views() const = 0;
  // Freezes or thaws every process, returning once the kernel says done.
  virtual Result<> set_frozen(bool frozen) = 0;
  virtual Result<bool> frozen() const = 0;
  // runc's "stats" event data: cpu, memory, pids, blkio, hugetlb figures.
  virtual Result<Json> stats() const = 0;
  // The file whose change signals an OOM kill (v2 memory.events; v1 uses
  // memory.oom_control through cgroup.event_control), and the count so far.
  virtual Result<uint64_t> oom_kills() const = 0;
};

struct Environment {
  std::string root = "/sys/fs/cgroup";
  std::string mountinfo = "/proc/self/mountinfo";
  std::string self_cgroup = "/proc/self/cgroup";
};

Version detect_version(const Environment& env);

// For a new container: cgroupsPath (absolute, relative to the caller's own
// cgroup, or empty for "<caller's cgroup>/<id>").
Result<std::unique_ptr<Manager>> for_new_container(const std::string& cgroups_path, const std::string& id,
                                                   const Environment& env = {});
// For an existing container, from what to_json() saved.
Result<std::unique_ptr<Manager>> from_json(const Json& saved, const Environment& env = {});

// Signals every process in the cgroup; returns how many were signalled.
Result<int> signal_all(const Manager& m, int sig);

}  // namespace hako::cgroups
