#include "cgroups/manager.h"

#include <linux/magic.h>
#include <signal.h>
#include <sys/vfs.h>

#include "cgroups/v1/manager_v1.h"
#include "cgroups/v2/manager_v2.h"

namespace hako::cgroups {

Version detect_version(const Environment& env) {
  struct statfs s;
  if (::statfs(env.root.c_str(), &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC) return Version::V2;
  // A plain directory (a fake tree in tests) with cgroup.controllers is v2 too.
  if (::access((env.root + "/cgroup.controllers").c_str(), F_OK) == 0) return Version::V2;
  return Version::V1;
}

Result<std::unique_ptr<Manager>> for_new_container(const std::string& cgroups_path, const std::string& id,
                                                   const Environment& env) {
  std::string path = cgroups_path.empty() ? id : cgroups_path;
  if (path.find("..") != std::string::npos)
    return fail(ErrorKind::InvalidArgument, "linux.cgroupsPath: \"{}\" must not contain \"..\"", cgroups_path);
  if (path.find(':') != std::string::npos)
    return fail(ErrorKind::NotSupported,
                "linux.cgroupsPath: \"{}\" is in systemd's slice:prefix:name form; --systemd-cgroup is not supported",
                cgroups_path);
  if (detect_version(env) == Version::V2) return v2::make(path, env);
  return v1::make(path, env);
}

Result<std::unique_ptr<Manager>> from_json(const Json& saved, const Environment& env) {
  if (saved.contains("unified") && saved["unified"].is_string())
    return std::make_unique<v2::ManagerV2>(env.root, saved["unified"].get<std::string>());
  return v1::load(saved, env);
}

Result<int> signal_all(const Manager& m, int sig) {
  TRY_ASSIGN(auto pids, m.processes());
  int n = 0;
  for (pid_t p : pids)
    if (::kill(p, sig) == 0) ++n;
  return n;
}

}  // namespace hako::cgroups
