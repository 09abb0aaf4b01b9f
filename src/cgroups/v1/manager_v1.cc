#include "cgroups/v1/manager_v1.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <utility>

#include "base/files.h"
#include "base/strings.h"
#include "cgroups/cgroup_files.h"

namespace hako::cgroups::v1 {

static Result<std::vector<Hierarchy>> discover_uncached(const Environment& env);

// Remembered per process: `ps` asks for every container, and the kernel
// takes ~0.3 ms to print a mountinfo with a hundred overlay mounts (their
// long lowerdir options). Cgroup hierarchies are mounted once at boot.
Result<std::vector<Hierarchy>> discover(const Environment& env) {
  static std::mutex mu;
  static std::map<std::pair<std::string, std::string>, std::vector<Hierarchy>> cache;
  std::lock_guard lock(mu);
  auto key = std::make_pair(env.mountinfo, env.root);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  TRY_ASSIGN(auto found, discover_uncached(env));
  cache[key] = found;
  return found;
}

static Result<std::vector<Hierarchy>> discover_uncached(const Environment& env) {
  TRY_ASSIGN(auto mountinfo, read_file(env.mountinfo));
  std::vector<Hierarchy> out;
  for (const auto& line : split(mountinfo, '\n')) {
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    auto pre = split(line.substr(0, dash), ' ');
    auto post = split(line.substr(dash + 3), ' ');
    if (pre.size() < 5 || post.size() < 3 || post[0] != "cgroup") continue;
    Hierarchy h;
    h.mount_root = pre[3];
    h.mount_point = pre[4];
    if (!h.mount_point.starts_with(env.root + "/")) continue;
    h.name = h.mount_point.substr(env.root.size() + 1);
    for (const auto& opt : split(post[2], ',')) {
      static const char* generic[] = {"rw", "ro", "relatime", "nosuid", "nodev", "noexec", "clone_children", "xattr"};
      if (std::find(std::begin(generic), std::end(generic), opt) != std::end(generic)) continue;
      if (opt.starts_with("release_agent=")) continue;
      h.controllers.push_back(opt);
    }
    if (!h.controllers.empty()) out.push_back(std::move(h));
  }
  if (out.empty()) return fail(ErrorKind::NotSupported, "no cgroup v1 hierarchies are mounted under {}", env.root);
  return out;
}

// The caller's cgroup in the hierarchy holding `controllers`.
static std::string own_cgroup(const std::string& self_cgroup, const std::vector<std::string>& controllers) {
  for (const auto& line : split(self_cgroup, '\n')) {
    auto parts = split(line, ':');
    if (parts.size() < 3) continue;
    auto names = split(parts[1], ',');
    for (const auto& c : controllers)
      if (std::find(names.begin(), names.end(), c) != names.end()) return parts[2];
  }
  return "/";
}

static std::string join_path(const std::string& a, const std::string& b) {
  if (b.empty()) return a;
  if (a.empty() || a == "/") return "/" + std::string(b[0] == '/' ? b.substr(1) : b);
  return a + (b[0] == '/' ? "" : "/") + b;
}

static void locate(Hierarchy& h) {
  std::string rel = h.cgroup_path;
  if (h.mount_root != "/" && rel.starts_with(h.mount_root)) rel = rel.substr(h.mount_root.size());
  h.dir = join_path(h.mount_point, rel);
  if (h.dir.size() > 1 && h.dir.back() == '/') h.dir.pop_back();
}

Result<std::unique_ptr<Manager>> make(const std::string& path, const Environment& env) {
  TRY_ASSIGN(auto hierarchies, discover(env));
  std::string self;
  if (path.empty() || path[0] != '/') {
    TRY_ASSIGN(self, read_file(env.self_cgroup));
  }
  for (auto& h : hierarchies) {
    h.cgroup_path = path[0] == '/' ? path : join_path(own_cgroup(self, h.controllers), path);
    locate(h);
  }
  return std::make_unique<ManagerV1>(std::move(hierarchies));
}

Result<std::unique_ptr<Manager>> load(const Json& saved, const Environment& env) {
  TRY_ASSIGN(auto hierarchies, discover(env));
  std::vector<Hierarchy> kept;
  for (auto& h : hierarchies) {
    if (!saved.contains(h.name) || !saved[h.name].is_string()) continue;
    h.cgroup_path = saved[h.name].get<std::string>();
    locate(h);
    kept.push_back(std::move(h));
  }
  return std::make_unique<ManagerV1>(std::move(kept));
}

const Hierarchy* ManagerV1::find(std::string_view controller) const {
  for (const auto& h : hierarchies_)
    if (std::find(h.controllers.begin(), h.controllers.end(), controller) != h.controllers.end()) return &h;
  return nullptr;
}

Json ManagerV1::to_json() const {
  Json j = Json::object();
  for (const auto& h : hierarchies_) j[h.name] = h.cgroup_path;
  return j;
}

// A new cpuset cgroup starts with empty cpus and mems, and refuses tasks
// until they are filled in: copy them down from the nearest ancestor.
static Result<> inherit_cpuset(const Hierarchy& h, const std::string& dir) {
  for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
    auto mine = read_file(dir + "/" + file);
    if (!mine || !trim(*mine).empty()) continue;
    std::string parent = dir.substr(0, dir.find_last_of('/'));
    if (parent.size() > h.mount_point.size()) TRY(inherit_cpuset(h, parent));
    TRY_ASSIGN(auto value, read_file(parent + "/" + file));
    TRY(write_existing(dir + "/" + file, trim(value)));
  }
  return {};
}

Result<> ManagerV1::create() {
  for (const auto& h : hierarchies_) {
    TRY_CTX(make_dirs(h.dir), "creating cgroup");
    if (h.name == "cpuset" || std::find(h.controllers.begin(), h.controllers.end(), "cpuset") != h.controllers.end())
      TRY_CTX(inherit_cpuset(h, h.dir), "setting up cpuset cgroup");
  }
  return {};
}

Result<> ManagerV1::apply(const Resources& r) {
  if (auto* h = find("memory")) {
    CgroupDir d{h->dir};
    if (r.memory_swap && !d.has("memory.memsw.limit_in_bytes"))
      return fail(ErrorKind::NotSupported, "linux.resources.memory.swap: this kernel has no swap accounting");
    // The kernel keeps memory.memsw >= memory at every write, so raising
    // both (an update) writes the swap limit first, as runc's
    // setMemoryAndSwap does, when it exceeds the current memory limit.
    bool swap_first = false;
    if (r.memory_limit && r.memory_swap) {
      auto cur = d.read("memory.limit_in_bytes");
      auto cur_limit = cur ? parse_int(trim(*cur)) : std::nullopt;
      swap_first = *r.memory_swap == -1 || (cur_limit && *cur_limit < *r.memory_swap);
    }
    if (swap_first) TRY(d.write("memory.memsw.limit_in_bytes", *r.memory_swap));
    if (r.memory_limit) TRY(d.write("memory.limit_in_bytes", *r.memory_limit));
    if (r.memory_swap && !swap_first) TRY(d.write("memory.memsw.limit_in_bytes", *r.memory_swap));
    if (r.memory_reservation) TRY(d.write("memory.soft_limit_in_bytes", *r.memory_reservation));
    if (r.memory_swappiness) TRY(d.write("memory.swappiness", static_cast<int64_t>(*r.memory_swappiness)));
    if (r.disable_oom_killer && *r.disable_oom_killer) TRY(d.write("memory.oom_control", int64_t{1}));
    // Kernel memory limits: deprecated, but v1 kernels still take them.
    for (auto [value, file] : {std::pair{&r.kernel_memory, "memory.kmem.limit_in_bytes"},
                               std::pair{&r.kernel_tcp_memory, "memory.kmem.tcp.limit_in_bytes"}}) {
      if (!*value) continue;
      if (!d.has(file)) return fail(ErrorKind::NotSupported, "linux.resources.memory: this kernel has no {}", file);
      TRY(d.write(file, **value));
    }
  } else if (r.memory_limit || r.memory_reservation || r.memory_swap) {
    return fail(ErrorKind::NotSupported, "linux.resources.memory: no memory cgroup is mounted");
  }
  if (auto* h = find("cpu")) {
    CgroupDir d{h->dir};
    if (r.cpu_shares) TRY(d.write("cpu.shares", static_cast<int64_t>(*r.cpu_shares)));
    if (r.cpu_period) TRY(d.write("cpu.cfs_period_us", static_cast<int64_t>(*r.cpu_period)));
    if (r.cpu_quota) TRY(d.write("cpu.cfs_quota_us", *r.cpu_quota));
    if (r.cpu_burst) TRY(d.write("cpu.cfs_burst_us", static_cast<int64_t>(*r.cpu_burst)));
    if (r.cpu_realtime_period) TRY(d.write("cpu.rt_period_us", static_cast<int64_t>(*r.cpu_realtime_period)));
    if (r.cpu_realtime_runtime) TRY(d.write("cpu.rt_runtime_us", *r.cpu_realtime_runtime));
  }
  if (auto* h = find("cpuset")) {
    CgroupDir d{h->dir};
    if (!r.cpuset_cpus.empty()) TRY(d.write("cpuset.cpus", r.cpuset_cpus));
    if (!r.cpuset_mems.empty()) TRY(d.write("cpuset.mems", r.cpuset_mems));
  }
  if (auto* h = find("pids"); h && r.pids_limit) {
    CgroupDir d{h->dir};
    TRY(*r.pids_limit > 0 ? d.write("pids.max", *r.pids_limit) : d.write("pids.max", std::string("max")));
  }
  TRY(apply_blkio(r));
  if (!r.hugepage_limits.empty()) {
    auto* h = find("hugetlb");
    if (!h) return fail(ErrorKind::NotSupported, "linux.resources.hugepageLimits: no hugetlb cgroup is mounted");
    for (const auto& l : r.hugepage_limits) TRY(CgroupDir{h->dir}.write(fmt::format("hugetlb.{}.limit_in_bytes", l.page_size), static_cast<int64_t>(l.limit)));
  }
  if (r.net_class_id) {
    auto* h = find("net_cls");
    if (!h) return fail(ErrorKind::NotSupported, "linux.resources.network.classID: no net_cls cgroup is mounted");
    TRY(CgroupDir{h->dir}.write("net_cls.classid", static_cast<int64_t>(*r.net_class_id)));
  }
  if (!r.net_priorities.empty()) {
    auto* h = find("net_prio");
    if (!h) return fail(ErrorKind::NotSupported, "linux.resources.network.priorities: no net_prio cgroup is mounted");
    for (const auto& [name, prio] : r.net_priorities)
      TRY(CgroupDir{h->dir}.write("net_prio.ifpriomap", fmt::format("{} {}", name, prio)));
  }
  if (!r.unified.empty())
    return fail(ErrorKind::NotSupported, "linux.resources.unified: needs cgroup v2, this host uses cgroup v1");
  if (auto* h = find("devices")) {
    CgroupDir d{h->dir};
    // Rules are applied in order after a deny-all, like runc; the defaults
    // (null, zero, ptys, ...) are allowed last so a container always has them.
    bool wrote_any = false;
    for (const auto& rule : r.devices) {
      TRY(d.write(rule.allow ? "devices.allow" : "devices.deny", to_v1_rule(rule)));
      wrote_any = true;
    }
    if (wrote_any)
      for (const auto& rule : default_device_rules()) TRY(d.write("devices.allow", to_v1_rule(rule)));
  }
  return {};
}

Result<> ManagerV1::apply_blkio(const Resources& r) {
  bool wanted = r.blkio_weight || r.blkio_leaf_weight || !r.blkio_weight_devices.empty() ||
                !r.throttle_read_bps.empty() || !r.throttle_write_bps.empty() || !r.throttle_read_iops.empty() ||
                !r.throttle_write_iops.empty();
  if (!wanted) return {};
  auto* h = find("blkio");
  if (!h) return fail(ErrorKind::NotSupported, "linux.resources.blockIO: no blkio cgroup is mounted");
  CgroupDir d{h->dir};
  // Kernels with BFQ expose blkio.bfq.weight instead of CFQ's blkio.weight.
  std::string weight_file = d.has("blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
  std::string device_file = d.has("blkio.weight_device") ? "blkio.weight_device" : "blkio.bfq.weight_device";
  if (r.blkio_weight) {
    if (!d.has(weight_file)) return fail(ErrorKind::NotSupported, "linux.resources.blockIO.weight: this kernel has no blkio weights");
    TRY(d.write(weight_file, static_cast<int64_t>(*r.blkio_weight)));
  }
  if (r.blkio_leaf_weight) {
    if (!d.has("blkio.leaf_weight"))
      return fail(ErrorKind::NotSupported, "linux.resources.blockIO.leafWeight: this kernel has no blkio.leaf_weight");
    TRY(d.write("blkio.leaf_weight", static_cast<int64_t>(*r.blkio_leaf_weight)));
  }
  for (const auto& w : r.blkio_weight_devices) {
    if (w.weight) {
      if (!d.has(device_file))
        return fail(ErrorKind::NotSupported, "linux.resources.blockIO.weightDevice: this kernel has no per-device weights");
      TRY(d.write(device_file, fmt::format("{}:{} {}", w.major, w.minor, *w.weight)));
    }
    if (w.leaf_weight) {
      if (!d.has("blkio.leaf_weight_device"))
        return fail(ErrorKind::NotSupported, "linux.resources.blockIO.weightDevice.leafWeight: this kernel has no leaf weights");
      TRY(d.write("blkio.leaf_weight_device", fmt::format("{}:{} {}", w.major, w.minor, *w.leaf_weight)));
    }
  }
  for (auto [file, rates] : {std::pair{"blkio.throttle.read_bps_device", &r.throttle_read_bps},
                             std::pair{"blkio.throttle.write_bps_device", &r.throttle_write_bps},
                             std::pair{"blkio.throttle.read_iops_device", &r.throttle_read_iops},
                             std::pair{"blkio.throttle.write_iops_device", &r.throttle_write_iops}})
    for (const auto& t : *rates) TRY(d.write(file, fmt::format("{}:{} {}", t.major, t.minor, t.rate)));
  return {};
}

Result<> ManagerV1::add_process(pid_t pid) {
  for (const auto& h : hierarchies_) TRY(CgroupDir{h.dir}.write("cgroup.procs", static_cast<int64_t>(pid)));
  return {};
}

Result<> ManagerV1::add_current_thread() {
  for (const auto& h : hierarchies_) TRY(CgroupDir{h.dir}.write("tasks", int64_t{0}));
  return {};
}

Result<std::vector<pid_t>> ManagerV1::processes() const {
  // Every hierarchy holds the same processes; read the pids one (or any).
  const Hierarchy* h = find("pids");
  if (!h && !hierarchies_.empty()) h = &hierarchies_.front();
  if (!h) return std::vector<pid_t>{};
  return CgroupDir{h->dir}.pids();
}

Result<> ManagerV1::destroy() {
  Result<> result;
  for (const auto& h : hierarchies_) {
    auto r = remove_cgroup(h.dir);
    if (!r && result) result = r;
  }
  return result;
}

std::vector<CgroupView> ManagerV1::views() const {
  std::vector<CgroupView> out;
  for (const auto& h : hierarchies_) {
    std::string options = join(h.controllers, ",");
    if (options.starts_with("name=")) options = "none," + options;
    out.push_back({h.name, options, h.dir});
  }
  return out;
}

}  // namespace hako::cgroups::v1
