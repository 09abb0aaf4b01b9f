// The container's init: the process the runtime clones, which builds the
// container around itself (namespaces, rootfs, console, identity) while
// reporting each step to the runtime over the sync socket, then waits for
// `start` and execs the user's process.
//
// Protocol (runtime -> init, init -> runtime):
//   go          ids mapped and cgroup joined: continue
//   hooks       (init) ready for prestart/createRuntime hooks
//   hooks-done  hooks ran: continue
//   created     (init) all set up, waiting for start
//   start       begin the user's process (run's fast path; `start` uses the
//               listening socket instead). EOF afterwards means exec worked.
//   error       (init) what failed, with its errno; init then exits.
#pragma once

#include <string>
#include <vector>

#include "cgroups/manager.h"
#include "cgroups/view.h"
#include "linux/seccomp_filter.h"
#include "oci/spec.h"

namespace hako::runtime {

struct InitPlan {
  const oci::Spec* spec = nullptr;
  std::string id;
  std::string rootfs;  // absolute
  bool no_pivot = false;
  bool new_keyring = true;
  int preserve_fds = 0;
  int sync_fd = -1;
  int start_fd = -1;    // listening socket that `start` connects to
  int console_fd = -1;  // connected console socket, or -1
  int seccomp_listener_fd = -1;  // connected listenerPath socket, or -1
  const linux::SeccompFilter* seccomp = nullptr;
  bool cgroup_v2 = false;
  std::vector<cgroups::CgroupView> cgroups;
  bool new_user_ns = false, new_cgroup_ns = false, new_time_ns = false;
  // When set, init joins this cgroup itself right after "go" (the cheap
  // way, see cgroups/manager.h); otherwise the runtime has moved it.
  cgroups::Manager* join_cgroup = nullptr;
};

// Namespaces that init joins itself (all but user and pid, which the
// runtime joins before cloning, since they apply to children only).
bool joins_in_init(oci::NamespaceType t);

[[noreturn]] void container_init(InitPlan& plan);

}  // namespace hako::runtime
