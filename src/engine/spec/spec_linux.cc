// Mounts, devices and cgroup resources of a container's spec, as moby's
// withMounts, WithDevices and WithResources make them.
#include <algorithm>
#include <set>

#include "engine/spec/spec_parts.h"
#include "engine/spec/tmpfs.h"
#include "engine/spec/values.h"

namespace hako::engine::detail {

namespace {

constexpr int64_t kDefaultShmSize = 64 * 1024 * 1024;
constexpr int64_t kCfsPeriod = 100000;  // microseconds: 100ms

oci::Mount make_mount(std::string dest, std::string type, std::string source, std::vector<std::string> options) {
  oci::Mount m;
  m.destination = std::move(dest);
  m.type = std::move(type);
  m.source = std::move(source);
  m.options = std::move(options);
  return m;
}

// moby's DefaultLinuxSpec mounts.
std::vector<oci::Mount> default_mounts() {
  return {
      make_mount("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}),
      make_mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
      make_mount("/dev/pts", "devpts", "devpts", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
      make_mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
      make_mount("/sys/fs/cgroup", "cgroup", "cgroup", {"ro", "nosuid", "noexec", "nodev"}),
      make_mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
      make_mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777"}),
  };
}

void clear_readonly(oci::Mount& m) { std::erase(m.options, std::string("ro")); }

size_t depth(const std::string& destination) {
  std::string c = clean_path(destination);
  return static_cast<size_t>(std::count(c.begin(), c.end(), '/')) + 1;
}

Json rule_json(bool allow, const std::string& type, std::optional<int64_t> major, std::optional<int64_t> minor,
               const std::string& access) {
  Json r = {{"allow", allow}};
  if (!type.empty()) r["type"] = type;
  if (major) r["major"] = *major;
  if (minor) r["minor"] = *minor;
  r["access"] = access;
  return r;
}

// moby's default device cgroup rules: deny all, then the devices every
// container gets, and fuse explicitly denied.
Json default_device_rules() {
  Json rules = Json::array({rule_json(false, "", std::nullopt, std::nullopt, "rwm")});
  for (auto [major, minor] : {std::pair{1, 5}, std::pair{1, 3}, std::pair{1, 9}, std::pair{1, 8}, std::pair{5, 0},
                              std::pair{5, 1}})
    rules.push_back(rule_json(true, "c", major, minor, "rwm"));
  rules.push_back(rule_json(false, "c", 10, 229, "rwm"));
  return rules;
}

}  // namespace

Json mount_json(const oci::Mount& m) {
  Json j = {{"destination", m.destination}};
  if (!m.type.empty()) j["type"] = m.type;
  if (!m.source.empty()) j["source"] = m.source;
  if (!m.options.empty()) j["options"] = m.options;
  return j;
}

Json device_json(const oci::Device& d) {
  Json j = {{"path", d.path}, {"type", std::string(1, d.type)}, {"major", d.major}, {"minor", d.minor}};
  if (d.file_mode) j["fileMode"] = *d.file_mode;
  if (d.uid) j["uid"] = *d.uid;
  if (d.gid) j["gid"] = *d.gid;
  return j;
}

Result<Json> build_mounts(const SpecInput& in, const RunOptions& o) {
  // The user's mounts: resolved volumes and binds, then --tmpfs.
  std::vector<oci::Mount> user = in.mounts;
  for (const auto& t : o.tmpfs) {
    TRY(validate_tmpfs_destination(t.destination));
    TRY_ASSIGN(auto options, tmpfs_mount_options(t.options));
    user.push_back(make_mount(t.destination, "tmpfs", "tmpfs", std::move(options)));
  }
  std::stable_sort(user.begin(), user.end(),
                   [](const oci::Mount& a, const oci::Mount& b) { return depth(a.destination) < depth(b.destination); });
  std::set<std::string> user_dests;
  for (const auto& m : user) user_dests.insert(m.destination);
  bool user_dev = user_dests.contains("/dev");

  std::vector<oci::Mount> defaults = default_mounts();
  if (o.init && !in.init_source.empty())
    defaults.push_back(make_mount(in.init_path, "bind", in.init_source, {"bind", "ro"}));
  std::vector<oci::Mount> mounts;
  for (auto& m : defaults) {
    if (user_dests.contains(m.destination)) continue;
    if (user_dev && m.destination.starts_with("/dev/")) continue;
    if (m.destination == "/dev/shm")
      m.options.push_back(fmt::format("size={}", o.shm_size > 0 ? o.shm_size : kDefaultShmSize));
    mounts.push_back(std::move(m));
  }
  mounts.insert(mounts.end(), user.begin(), user.end());

  if (o.read_only) {
    static const std::set<std::string> writable = {"/proc", "/dev/pts", "/dev/shm", "/dev/mqueue", "/dev"};
    for (auto& m : mounts) {
      if (writable.contains(m.destination) || user_dests.contains(m.destination)) continue;
      if (std::find(m.options.begin(), m.options.end(), "ro") == m.options.end()) m.options.push_back("ro");
    }
  }
  if (o.privileged) {
    for (auto& m : mounts)
      if (m.destination == "/sys" || m.type == "cgroup") clear_readonly(m);
  }
  Json out = Json::array();
  for (const auto& m : mounts) out.push_back(mount_json(m));
  return out;
}

Result<LinuxDevicesAndResources> build_devices_and_resources(const SpecInput& in, const RunOptions& o,
                                                             std::vector<std::string>& warnings) {
  LinuxDevicesAndResources out;
  Json rules = default_device_rules();
  if (o.privileged) {
    for (const auto& d : host_devices(in.host_devices_root)) out.devices.push_back(device_json(d));
    for (const auto& m : o.devices) {
      if (m.permissions != "rwm")
        warnings.push_back(fmt::format("custom {} permissions for device {} are ignored in privileged mode",
                                       m.permissions, m.host_path));
      if (m.host_path == m.container_path && !in.host_devices_root.empty()) continue;  // already there
      TRY_ASSIGN(auto devs, devices_from_path(m.host_path, m.container_path, "rwm"));
      for (const auto& d : devs) out.devices.push_back(device_json(d.device));
    }
    rules = Json::array({rule_json(true, "", std::nullopt, std::nullopt, "rwm")});
  } else {
    for (const auto& m : o.devices) {
      TRY_ASSIGN(auto devs, devices_from_path(m.host_path, m.container_path, m.permissions));
      for (const auto& d : devs) {
        out.devices.push_back(device_json(d.device));
        rules.push_back(rule_json(true, std::string(1, d.device.type), d.device.major, d.device.minor, d.access));
      }
    }
  }
  out.resources["devices"] = std::move(rules);

  // Memory: the daemon drops swap where it cannot be limited, and defaults
  // memory+swap to twice the memory limit.
  int64_t swap = o.memory_swap;
  if (o.memory > 0 && swap != -1 && !in.swap_limit_supported) {
    warnings.push_back(
        "Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.");
    swap = -1;
  }
  if (o.memory > 0 && swap == 0) swap = o.memory * 2;
  Json memory = Json::object();
  if (o.memory > 0) memory["limit"] = o.memory;
  if (o.memory_reservation > 0) memory["reservation"] = o.memory_reservation;
  if (swap > 0) memory["swap"] = swap;
  if (!memory.empty()) out.resources["memory"] = std::move(memory);

  Json cpu = Json::object();
  if (o.cpu_shares != 0) cpu["shares"] = static_cast<uint64_t>(o.cpu_shares);
  if (!o.cpuset_cpus.empty()) cpu["cpus"] = o.cpuset_cpus;
  if (o.nano_cpus > 0) {
    cpu["period"] = kCfsPeriod;
    cpu["quota"] = static_cast<int64_t>(static_cast<__int128>(o.nano_cpus) * kCfsPeriod / 1000000000);
  }
  if (!cpu.empty()) out.resources["cpu"] = std::move(cpu);
  if (o.pids_limit > 0) out.resources["pids"] = {{"limit", o.pids_limit}};
  return out;
}

}  // namespace hako::engine::detail
