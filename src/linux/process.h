// Per-process attributes of a container process: identity, limits, sysctls,
// id mappings and the executable lookup. Each is one small kernel call
// sequence with an error that names what was being set.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "base/error.h"
#include "oci/spec.h"

namespace hako::linux {

std::optional<int> rlimit_from_name(std::string_view name);  // "RLIMIT_NOFILE"
// Refuses, with a clear error, to raise a hard limit above ours without
// CAP_SYS_RESOURCE (the kernel would only say EPERM).
Result<> apply_rlimits(const std::vector<oci::Rlimit>& rlimits);

Result<> apply_sysctls(const std::map<std::string, std::string>& sysctl);

// Writes /proc/PID/{uid_map,gid_map}.
Result<> write_id_mappings(pid_t pid, const std::vector<oci::IdMapping>& uid_map,
                           const std::vector<oci::IdMapping>& gid_map);

// setgroups, setresgid, setresuid. Capabilities survive if asked beforehand.
Result<> set_identity(const oci::User& user, bool may_setgroups);

// Finds argv[0] the way execvp would, using PATH from `env`; "" with an error
// that says "executable file not found in $PATH" when there is none.
Result<std::string> find_executable(const std::string& name, const std::vector<std::string>& env);

Result<> join_namespace(const std::string& path, oci::NamespaceType type);

// The start time of a process (field 22 of /proc/PID/stat), so a pid reused
// by another process is not mistaken for the container.
std::optional<unsigned long long> process_start_time(pid_t pid);
// True if /proc/PID exists and is not a zombie.
bool process_alive(pid_t pid);

}  // namespace hako::linux
