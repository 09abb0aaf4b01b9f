#include "linux/process.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>

#include "base/fd.h"
#include "base/files.h"
#include "base/strings.h"

namespace hako::linux {

std::optional<int> rlimit_from_name(std::string_view name) {
  static const std::pair<std::string_view, int> table[] = {
      {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_DATA", RLIMIT_DATA},
      {"RLIMIT_STACK", RLIMIT_STACK},     {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_RSS", RLIMIT_RSS},
      {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_NOFILE", RLIMIT_NOFILE},   {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
      {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_LOCKS", RLIMIT_LOCKS},     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
      {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},     {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
      {"RLIMIT_RTTIME", RLIMIT_RTTIME}};
  for (auto [n, v] : table)
    if (n == name) return v;
  return std::nullopt;
}

static bool have_cap_sys_resource() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capget, &header, data) < 0) return false;
  return data[0].effective & (1u << CAP_SYS_RESOURCE);
}

Result<> apply_rlimits(const std::vector<oci::Rlimit>& rlimits) {
  for (const auto& r : rlimits) {
    auto res = rlimit_from_name(r.type);
    if (!res) return fail(ErrorKind::InvalidArgument, "process.rlimits: unknown rlimit type \"{}\"", r.type);
    if (r.soft > r.hard)
      return fail(ErrorKind::InvalidArgument, "process.rlimits: {} soft limit {} is above its hard limit {}", r.type,
                  r.soft, r.hard);
    struct rlimit current;
    ::getrlimit(*res, &current);
    if (r.hard > current.rlim_max && !have_cap_sys_resource())
      return fail(ErrorKind::PermissionDenied,
                  "process.rlimits: {} hard limit {} is above the caller's hard limit {} and raising it needs "
                  "CAP_SYS_RESOURCE",
                  r.type, r.hard, current.rlim_max);
    struct rlimit want = {static_cast<rlim_t>(r.soft), static_cast<rlim_t>(r.hard)};
    if (::setrlimit(*res, &want) < 0) return fail_sys(fmt::format("setrlimit {}", r.type));
  }
  return {};
}

Result<> apply_sysctls(const std::map<std::string, std::string>& sysctl) {
  for (const auto& [key, value] : sysctl) {
    if (key.find("..") != std::string::npos || key.find('/') != std::string::npos)
      return fail(ErrorKind::InvalidArgument, "linux.sysctl: invalid key \"{}\"", key);
    std::string path = "/proc/sys/" + key;
    for (size_t i = 10; i < path.size(); ++i)
      if (path[i] == '.') path[i] = '/';
    TRY_CTX(write_existing(path, value), fmt::format("setting sysctl {}", key));
  }
  return {};
}

static std::string format_mappings(const std::vector<oci::IdMapping>& maps) {
  std::string out;
  for (const auto& m : maps) out += fmt::format("{} {} {}\n", m.container_id, m.host_id, m.size);
  return out;
}

Result<> write_id_mappings(pid_t pid, const std::vector<oci::IdMapping>& uid_map,
                           const std::vector<oci::IdMapping>& gid_map) {
  if (!uid_map.empty())
    TRY_CTX(write_existing(fmt::format("/proc/{}/uid_map", pid), format_mappings(uid_map)), "writing uid mappings");
  if (!gid_map.empty())
    TRY_CTX(write_existing(fmt::format("/proc/{}/gid_map", pid), format_mappings(gid_map)), "writing gid mappings");
  return {};
}

Result<> set_identity(const oci::User& user, bool may_setgroups) {
  if (may_setgroups) {
    std::vector<gid_t> groups(user.additional_gids.begin(), user.additional_gids.end());
    if (::setgroups(groups.size(), groups.data()) < 0) return fail_sys("setgroups");
  } else if (!user.additional_gids.empty()) {
    return fail(ErrorKind::PermissionDenied, "process.user.additionalGids: setgroups is denied in this user namespace");
  }
  if (::setresgid(user.gid, user.gid, user.gid) < 0) return fail_sys(fmt::format("setresgid {}", user.gid));
  if (::setresuid(user.uid, user.uid, user.uid) < 0) return fail_sys(fmt::format("setresuid {}", user.uid));
  return {};
}

static bool is_executable_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

Result<std::string> find_executable(const std::string& name, const std::vector<std::string>& env) {
  if (name.empty()) return fail(ErrorKind::InvalidArgument, "process.args: the executable is empty");
  if (name.find('/') != std::string::npos) {
    struct stat st;
    if (::stat(name.c_str(), &st) < 0) return fail_sys(fmt::format("exec: \"{}\"", name));
    if (S_ISDIR(st.st_mode)) return fail(ErrorKind::InvalidArgument, "exec: \"{}\": is a directory", name);
    if (!(st.st_mode & 0111)) return fail(ErrorKind::PermissionDenied, "exec: \"{}\": permission denied", name);
    return name;
  }
  std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const auto& e : env)
    if (e.starts_with("PATH=")) path = e.substr(5);
  for (const auto& dir : split(path, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (is_executable_file(candidate)) return candidate;
  }
  return fail(ErrorKind::NotFound, "exec: \"{}\": executable file not found in $PATH", name);
}

Result<> join_namespace(const std::string& path, oci::NamespaceType type) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_sys(fmt::format("open {} namespace {}", oci::to_string(type), path));
  if (::setns(fd.get(), oci::clone_flag(type)) < 0)
    return fail_sys(fmt::format("joining {} namespace {}", oci::to_string(type), path));
  return {};
}

static std::optional<std::string> stat_fields_after_comm(pid_t pid) {
  auto text = read_file(fmt::format("/proc/{}/stat", pid));
  if (!text) return std::nullopt;
  auto close = text->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  return text->substr(close + 2);
}

std::optional<unsigned long long> process_start_time(pid_t pid) {
  auto rest = stat_fields_after_comm(pid);
  if (!rest) return std::nullopt;
  auto fields = split(*rest, ' ');
  // After "pid (comm) ", field 3 (state) is index 0, so field 22 is index 19.
  if (fields.size() < 20) return std::nullopt;
  auto v = parse_int(fields[19]);
  if (!v) return std::nullopt;
  return static_cast<unsigned long long>(*v);
}

bool process_alive(pid_t pid) {
  auto rest = stat_fields_after_comm(pid);
  return rest && !rest->empty() && (*rest)[0] != 'Z' && (*rest)[0] != 'X';
}

}  // namespace hako::linux
