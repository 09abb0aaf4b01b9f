// The OCI runtime-spec config.json (runtime-spec 1.2), as hako uses it.
//
// parse_spec() checks types and required fields as the JSON schema does and
// reports the offending field by path; validate_spec() checks the semantic
// rules (known namespace types, absolute paths, no duplicates).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"

namespace hako::oci {

struct IdMapping {
  uint32_t container_id = 0;
  uint32_t host_id = 0;
  uint32_t size = 0;
};

struct Mount {
  std::string destination;
  std::string type;
  std::string source;
  std::vector<std::string> options;
  std::vector<IdMapping> uid_mappings;
  std::vector<IdMapping> gid_mappings;
};

struct Rlimit {
  std::string type;
  uint64_t soft = 0;
  uint64_t hard = 0;
};

struct Capabilities {
  std::vector<std::string> bounding, effective, inheritable, permitted, ambient;
};

struct User {
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::optional<uint32_t> umask;
  std::vector<uint32_t> additional_gids;
  std::string username;
};

struct Process {
  bool terminal = false;
  unsigned console_height = 0, console_width = 0;
  std::string cwd = "/";
  std::vector<std::string> env;
  std::vector<std::string> args;
  User user;
  std::optional<Capabilities> capabilities;
  std::vector<Rlimit> rlimits;
  bool no_new_privileges = false;
  std::optional<int> oom_score_adj;
  std::string apparmor_profile;
  std::string selinux_label;
};

struct Hook {
  std::string path;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::optional<int> timeout;  // seconds
};

struct Hooks {
  std::vector<Hook> prestart, create_runtime, create_container, start_container, poststart, poststop;
  bool empty() const {
    return prestart.empty() && create_runtime.empty() && create_container.empty() && start_container.empty() &&
           poststart.empty() && poststop.empty();
  }
};

enum class NamespaceType { Pid, Network, Mount, Ipc, Uts, User, Cgroup, Time };

struct Namespace {
  NamespaceType type;
  std::string path;  // empty: create a new one
};

struct Device {
  char type = 'c';  // c, b, u, p
  std::string path;
  int64_t major = 0, minor = 0;
  std::optional<uint32_t> file_mode;
  std::optional<uint32_t> uid, gid;
};

struct TimeOffset {
  int64_t secs = 0;
  uint32_t nanosecs = 0;
};

struct Linux {
  std::vector<Namespace> namespaces;
  std::vector<IdMapping> uid_mappings, gid_mappings;
  std::optional<TimeOffset> monotonic_offset, boottime_offset;
  std::vector<Device> devices;
  std::string cgroups_path;
  Json resources;  // parsed by the cgroups layer
  std::string rootfs_propagation;
  Json seccomp;  // parsed by the linux layer; null when absent
  std::map<std::string, std::string> sysctl;
  std::vector<std::string> masked_paths, readonly_paths;
  std::string mount_label;
  std::optional<std::string> personality_domain;
};

struct Spec {
  std::string oci_version;
  std::string root_path;
  bool root_readonly = false;
  std::optional<Process> process;
  std::string hostname, domainname;
  std::vector<Mount> mounts;
  Hooks hooks;
  std::map<std::string, std::string> annotations;
  std::optional<Linux> linux;

  const Namespace* find_namespace(NamespaceType t) const;
  bool has_namespace(NamespaceType t) const { return find_namespace(t) != nullptr; }
};

Result<Spec> parse_spec(const Json& doc);
Result<Process> parse_process(const JsonObject& o);
Result<Spec> load_spec(const std::string& config_path);
Result<> validate_spec(const Spec& spec);

std::string_view to_string(NamespaceType t);
std::optional<NamespaceType> namespace_type_from(std::string_view s);
// The clone(2) flag for a namespace type.
int clone_flag(NamespaceType t);
// The /proc/PID/ns/ entry name.
std::string_view proc_ns_name(NamespaceType t);

// The default config.json that `spec` writes (runc's defaults).
Json default_spec(bool rootless);

}  // namespace hako::oci
