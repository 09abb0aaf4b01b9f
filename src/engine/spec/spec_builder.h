// The OCI runtime spec (config.json, in the shape oci::parse_spec reads) of
// a container made by `run`/`create`, with Docker's defaults: moby's
// DefaultLinuxSpec and the daemon's spec options (capabilities, masked and
// read-only paths, the default mounts, namespaces, device rules, seccomp,
// resources, rlimits, sysctls, user, env and args).
//
// What is not in the spec (stop signal and timeout, restart policy,
// healthcheck, labels, log options) comes back beside it, for the engine to
// store and the monitor to act on.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "engine/spec/run_options.h"
#include "engine/spec/seccomp.h"
#include "engine/spec/users.h"
#include "oci/image_spec.h"
#include "oci/spec.h"

namespace hako::engine {

struct SpecInput {
  const RunOptions* options = nullptr;
  const oci::ImageConfig* image = nullptr;
  std::string rootfs;        // root.path
  std::string container_id;  // 64 hex; the default hostname is its first 12
  // Resolves -u (or the image's User); default: the rootfs's /etc/passwd.
  UserLookup lookup_user;
  // The network namespace to join (made by the network layer); nullopt: a
  // new one. --network host means none at all, whatever this says.
  std::optional<std::string> netns_path;
  // Docker gives containers their own cgroup namespace on cgroup v2 hosts and
  // the host's on v1.
  bool cgroupns_private = true;
  // --init: the init's path inside the container (args become
  // INIT -- ARGS...), and the host binary bind-mounted there read-only
  // (empty: the caller provides it).
  std::string init_path = "/sbin/docker-init";
  std::string init_source;
  // Mounts resolved from -v/--mount, /etc/hosts and friends; they replace a
  // default mount of the same destination (a /dev mount replaces all of /dev/*).
  std::vector<oci::Mount> mounts;
  // --privileged: the host devices found under this directory are added
  // (skipping pts, shm, mqueue, fd and console); empty: none, the caller
  // adds its own.
  std::string host_devices_root = "/dev";
  bool swap_limit_supported = true;  // memory.memsw / memory.swap.max exists
  std::string cgroups_path;          // linux.cgroupsPath; empty: the runtime's default
  SeccompHost seccomp_host = SeccompHost::current();
  std::string host_hostname;         // --network host without -h; empty: gethostname()
};

struct ContainerSpec {
  Json spec;  // the runtime spec
  std::string hostname;
  std::string stop_signal = "SIGTERM";  // the flag's, the image's, or SIGTERM
  int stop_signal_number = 15;
  int stop_timeout = 10;                // seconds
  std::map<std::string, std::string> labels;  // the image's, overridden by the flags'
  RestartPolicy restart;
  std::optional<oci::HealthConfig> healthcheck;  // nullopt or test ["NONE"]: none
  std::string log_driver;
  std::map<std::string, std::string> log_opts;
  std::vector<std::string> warnings;  // what Docker's daemon would warn about
};

Result<ContainerSpec> build_container_spec(const SpecInput& in);

// Docker's default capability set (moby caps.DefaultCapabilities).
const std::vector<std::string>& default_capabilities();
// caps.TweakCapabilities: --cap-add/--cap-drop (already normalized) over `base`.
std::vector<std::string> tweak_capabilities(const std::vector<std::string>& base, const std::vector<std::string>& add,
                                            const std::vector<std::string>& drop, bool privileged);

inline const std::vector<std::string>& default_masked_paths() {
  static const std::vector<std::string> paths = {
      "/proc/asound",    "/proc/acpi",      "/proc/kcore",       "/proc/keys",
      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
      "/proc/scsi",      "/sys/firmware",   "/sys/devices/virtual/powercap"};
  return paths;
}
inline const std::vector<std::string>& default_readonly_paths() {
  static const std::vector<std::string> paths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                                 "/proc/sysrq-trigger"};
  return paths;
}

// A --device source: the device node itself, or every device node below a
// directory (as moby's DevicesFromPath). Symlinks are followed. Each comes
// back with the access its cgroup allow rule gets ("rwm").
struct HostDevice {
  oci::Device device;
  std::string access;
};
Result<std::vector<HostDevice>> devices_from_path(const std::string& host_path, const std::string& container_path,
                                                  const std::string& permissions);
// The device nodes under `root` (containerd's HostDevices), for --privileged.
std::vector<oci::Device> host_devices(const std::string& root);

}  // namespace hako::engine
