// build_container_spec: moby's createSpec for one container, in the order
// the daemon applies its spec options (capabilities before seccomp, whose
// conditional rules read the bounding set).
#include "engine/spec/spec_builder.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "engine/spec/merge.h"
#include "engine/spec/spec_parts.h"
#include "engine/spec/values.h"

namespace hako::engine {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) < 0) return "";
  return buf;
}

Result<Json> build_process(const SpecInput& in, const RunOptions& o, const std::string& hostname,
                           const std::vector<std::string>& caps) {
  const auto& image = in.image->config;
  TRY_ASSIGN(auto args, container_args(o.entrypoint, o.command, image));
  if (o.init) args.insert(args.begin(), {in.init_path, "--"});
  std::string user_spec = o.user.empty() ? image.user : o.user;
  ExecUser user;
  if (in.lookup_user) {
    TRY_ASSIGN(user, in.lookup_user(user_spec));
  } else {
    TRY_ASSIGN(user, lookup_user_in_rootfs(in.rootfs, user_spec));
  }
  std::vector<uint32_t> gids = {user.gid};
  gids.insert(gids.end(), user.sgids.begin(), user.sgids.end());
  std::string cwd = !o.workdir.empty() ? o.workdir : image.working_dir;
  if (cwd.empty()) cwd = "/";

  Json p = {{"terminal", o.tty},
            {"user", {{"uid", user.uid}, {"gid", user.gid}, {"additionalGids", gids}}},
            {"args", args},
            {"env", container_env(o.env, image.env, hostname, o.tty)},
            {"cwd", cwd},
            {"capabilities", {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
            {"oomScoreAdj", o.oom_score_adj}};
  if (o.security.no_new_privileges) p["noNewPrivileges"] = true;
  if (!o.ulimits.empty()) {
    Json rlimits = Json::array();
    for (const auto& u : o.ulimits) {
      std::string type = "RLIMIT_";
      for (char c : u.name) type += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      rlimits.push_back({{"type", type}, {"soft", static_cast<uint64_t>(u.soft)}, {"hard", static_cast<uint64_t>(u.hard)}});
    }
    p["rlimits"] = std::move(rlimits);
  }
  return p;
}

Json build_namespaces(const SpecInput& in, const RunOptions& o) {
  Json ns = Json::array({{{"type", "mount"}}});
  if (o.network != "host") {
    Json net = {{"type", "network"}};
    if (in.netns_path) net["path"] = *in.netns_path;
    ns.push_back(std::move(net));
  }
  for (const char* t : {"uts", "pid", "ipc"}) ns.push_back({{"type", t}});
  if (in.cgroupns_private) ns.push_back({{"type", "cgroup"}});
  return ns;
}

Result<Json> build_seccomp(const SpecInput& in, const RunOptions& o, const std::vector<std::string>& caps) {
  const auto& sec = o.security;
  if (sec.seccomp == SeccompMode::Unconfined) return Json();
  if (sec.seccomp == SeccompMode::Custom) {
    auto profile = load_seccomp_profile(sec.seccomp_profile, caps, in.seccomp_host);
    if (!profile) return std::unexpected(profile.error().context(sec.seccomp_profile_path));
    return profile;
  }
  if (o.privileged) return Json();
  return convert_seccomp_profile(docker_default_seccomp_profile(), caps, in.seccomp_host);
}

// The sysctls Docker adds for a container with its own network namespace,
// where they are safe and the capabilities would allow it anyway.
std::map<std::string, std::string> default_sysctls(const RunOptions& o) {
  std::map<std::string, std::string> s;
  if (o.network == "host" || o.network.starts_with("container:")) return s;
  if (::access("/proc/sys/net/ipv4/ping_group_range", F_OK) == 0) s["net.ipv4.ping_group_range"] = "0 2147483647";
  if (::access("/proc/sys/net/ipv4/ip_unprivileged_port_start", F_OK) == 0)
    s["net.ipv4.ip_unprivileged_port_start"] = "0";
  // hako's networks are IPv4 only: the interfaces made in the namespace after
  // it (eth0...) get no IPv6 and send no router solicitations; lo keeps ::1.
  if (::access("/proc/sys/net/ipv6/conf/default/disable_ipv6", F_OK) == 0)
    s["net.ipv6.conf.default.disable_ipv6"] = "1";
  return s;
}

}  // namespace

const std::vector<std::string>& default_capabilities() {
  static const std::vector<std::string> caps = {
      "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",  "CAP_FOWNER", "CAP_MKNOD",
      "CAP_NET_RAW", "CAP_SETGID",      "CAP_SETUID",  "CAP_SETFCAP", "CAP_SETPCAP",
      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"};
  return caps;
}

std::vector<std::string> tweak_capabilities(const std::vector<std::string>& base, const std::vector<std::string>& add,
                                            const std::vector<std::string>& drop, bool privileged) {
  if (privileged) return all_capabilities();
  if (add.empty() && drop.empty()) return base;
  std::vector<std::string> caps;
  if (contains(add, "ALL")) {
    for (auto& c : all_capabilities())
      if (!contains(drop, c)) caps.push_back(std::move(c));
  } else if (contains(drop, "ALL")) {
    for (const auto& c : add)
      if (!contains(caps, c)) caps.push_back(c);
  } else {
    for (const auto& c : base)
      if (!contains(drop, c)) caps.push_back(c);
    for (const auto& c : add)
      if (!contains(caps, c)) caps.push_back(c);
  }
  return caps;
}

Result<ContainerSpec> build_container_spec(const SpecInput& in) {
  if (!in.options || !in.image) return fail(ErrorKind::Internal, "build_container_spec: options and image are required");
  const RunOptions& o = *in.options;
  const auto& image = in.image->config;
  ContainerSpec out;

  // What lives beside the spec.
  out.stop_signal = !o.stop_signal.empty() ? o.stop_signal : !image.stop_signal.empty() ? image.stop_signal : "SIGTERM";
  TRY_ASSIGN(out.stop_signal_number, parse_signal_name(out.stop_signal));
  out.stop_timeout = o.stop_timeout.value_or(10);
  out.labels = image.labels;
  for (const auto& [k, v] : o.labels) out.labels[k] = v;
  out.restart = o.restart;
  out.healthcheck = merge_healthcheck(o.health, image.healthcheck);
  out.log_driver = o.log_driver;
  out.log_opts = o.log_opts;

  if (!o.hostname.empty()) {
    out.hostname = o.hostname;
  } else if (o.network == "host") {
    out.hostname = !in.host_hostname.empty() ? in.host_hostname : host_name();
  } else {
    if (in.container_id.size() < 12) return fail(ErrorKind::Internal, "container id \"{}\" is too short", in.container_id);
    out.hostname = in.container_id.substr(0, 12);
  }
  if (o.network == "host" && !o.publish.empty())
    out.warnings.push_back("Published ports are discarded when using host network mode");

  std::vector<std::string> caps = tweak_capabilities(default_capabilities(), o.cap_add, o.cap_drop, o.privileged);
  TRY_ASSIGN(Json process, build_process(in, o, out.hostname, caps));
  TRY_ASSIGN(Json mounts, detail::build_mounts(in, o));
  TRY_ASSIGN(auto devres, detail::build_devices_and_resources(in, o, out.warnings));
  TRY_ASSIGN(Json seccomp, build_seccomp(in, o, caps));

  Json linux = {{"namespaces", build_namespaces(in, o)}, {"devices", std::move(devres.devices)},
                {"resources", std::move(devres.resources)}};
  if (!in.cgroups_path.empty()) linux["cgroupsPath"] = in.cgroups_path;
  if (!seccomp.is_null()) linux["seccomp"] = std::move(seccomp);
  auto sysctls = default_sysctls(o);
  for (const auto& [k, v] : o.sysctls) sysctls[k] = v;
  if (!sysctls.empty()) linux["sysctl"] = sysctls;
  if (!o.privileged && !o.security.system_paths_unconfined) {
    linux["maskedPaths"] = default_masked_paths();
    linux["readonlyPaths"] = default_readonly_paths();
  }

  Json spec = {{"ociVersion", "1.2.0"},
               {"process", std::move(process)},
               {"root", {{"path", in.rootfs}, {"readonly", o.read_only}}},
               {"hostname", out.hostname},
               {"mounts", std::move(mounts)},
               {"linux", std::move(linux)}};
  if (!o.annotations.empty()) spec["annotations"] = o.annotations;
  out.spec = std::move(spec);
  return out;
}

}  // namespace hako::engine
