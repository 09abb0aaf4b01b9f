#include "cgroups/v2/manager_v2.h"

#include <algorithm>

#include "base/files.h"
#include "base/strings.h"
#include "cgroups/cgroup_files.h"
#include "cgroups/v2/device_filter.h"

namespace hako::cgroups::v2 {

uint64_t shares_to_weight(uint64_t shares) {
  if (shares == 0) return 0;
  shares = std::clamp<uint64_t>(shares, 2, 262144);
  return 1 + ((shares - 2) * 9999) / 262142;
}

Result<std::unique_ptr<Manager>> make(const std::string& path, const Environment& env) {
  std::string p = path;
  if (p.empty() || p[0] != '/') {
    TRY_ASSIGN(auto self, read_file(env.self_cgroup));
    std::string own = "/";
    for (const auto& line : split(self, '\n'))
      if (line.starts_with("0::")) own = std::string(trim(line.substr(3)));
    p = (own == "/" ? "" : own) + "/" + p;
  }
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return std::make_unique<ManagerV2>(env.root, p);
}

static const char* kControllers[] = {"cpu", "cpuset", "io", "memory", "pids", "hugetlb"};

Result<> ManagerV2::create() {
  // Enable the controllers we may use in each ancestor, top down, then
  // create the leaf. Controllers the parent lacks are simply not offered.
  std::string dir = root_;
  for (const auto& part : split(path_.substr(1), '/')) {
    if (part.empty()) continue;
    auto available = CgroupDir{dir}.read("cgroup.controllers");
    if (available) {
      auto have = split(std::string(trim(*available)), ' ');
      std::string enable;
      for (const char* c : kControllers)
        if (std::find(have.begin(), have.end(), c) != have.end()) enable += fmt::format("{}+{}", enable.empty() ? "" : " ", c);
      if (!enable.empty()) (void)CgroupDir{dir}.write("cgroup.subtree_control", enable);
    }
    dir += "/" + part;
    TRY_CTX(make_dirs(dir), "creating cgroup");
  }
  return {};
}

Result<> ManagerV2::apply(const Resources& r) {
  CgroupDir d{dir()};
  auto max_or = [](int64_t v) { return v < 0 ? std::string("max") : std::to_string(v); };
  if (r.memory_limit) TRY(d.write("memory.max", max_or(*r.memory_limit)));
  if (r.memory_reservation) TRY(d.write("memory.low", max_or(*r.memory_reservation)));
  if (r.memory_swap) {
    // v1's swap is memory+swap; v2's memory.swap.max is swap alone.
    std::string swap = "max";
    if (*r.memory_swap >= 0 && r.memory_limit && *r.memory_limit >= 0) {
      if (*r.memory_swap < *r.memory_limit)
        return fail(ErrorKind::InvalidArgument, "linux.resources.memory.swap: {} is below the memory limit {}",
                    *r.memory_swap, *r.memory_limit);
      swap = std::to_string(*r.memory_swap - *r.memory_limit);
    }
    TRY(d.write("memory.swap.max", swap));
  }
  if (r.kernel_memory || r.kernel_tcp_memory)
    return fail(ErrorKind::NotSupported, "linux.resources.memory.kernel/kernelTCP: cgroup v2 has no kernel memory limits");
  if (r.disable_oom_killer && *r.disable_oom_killer)
    return fail(ErrorKind::NotSupported, "linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer");
  if (r.cpu_shares) TRY(d.write("cpu.weight", static_cast<int64_t>(shares_to_weight(*r.cpu_shares))));
  if (r.cpu_quota || r.cpu_period) {
    std::string quota = r.cpu_quota && *r.cpu_quota > 0 ? std::to_string(*r.cpu_quota) : "max";
    TRY(d.write("cpu.max", fmt::format("{} {}", quota, r.cpu_period.value_or(100000))));
  }
  if (r.cpu_burst) TRY(d.write("cpu.max.burst", static_cast<int64_t>(*r.cpu_burst)));
  if (!r.cpuset_cpus.empty()) TRY(d.write("cpuset.cpus", r.cpuset_cpus));
  if (!r.cpuset_mems.empty()) TRY(d.write("cpuset.mems", r.cpuset_mems));
  if (r.pids_limit) TRY(d.write("pids.max", *r.pids_limit > 0 ? std::to_string(*r.pids_limit) : "max"));
  if (r.blkio_weight) {
    // blkio weights are 10..1000, io.weight 1..10000: runc's linear map.
    uint64_t w = 1 + (*r.blkio_weight - 10) * 9999 / 990;
    TRY(d.write(d.has("io.bfq.weight") ? "io.bfq.weight" : "io.weight", fmt::format("default {}", w)));
  }
  for (const auto& w : r.blkio_weight_devices)
    if (w.weight) TRY(d.write(d.has("io.bfq.weight") ? "io.bfq.weight" : "io.weight", fmt::format("{}:{} {}", w.major, w.minor, *w.weight)));
  for (auto [key, rates] : {std::pair{"rbps", &r.throttle_read_bps}, std::pair{"wbps", &r.throttle_write_bps},
                            std::pair{"riops", &r.throttle_read_iops}, std::pair{"wiops", &r.throttle_write_iops}})
    for (const auto& t : *rates) TRY(d.write("io.max", fmt::format("{}:{} {}={}", t.major, t.minor, key, t.rate)));
  if (r.blkio_leaf_weight)
    return fail(ErrorKind::NotSupported, "linux.resources.blockIO.leafWeight: cgroup v2 has no leaf weights");
  for (const auto& l : r.hugepage_limits) TRY(d.write(fmt::format("hugetlb.{}.max", l.page_size), static_cast<int64_t>(l.limit)));
  if (r.net_class_id || !r.net_priorities.empty())
    return fail(ErrorKind::NotSupported, "linux.resources.network: cgroup v2 has no net_cls/net_prio controllers");
  if (!r.devices.empty()) TRY_CTX(attach_device_filter(dir(), compile_device_filter(r.devices)), "linux.resources.devices");
  for (const auto& [file, value] : r.unified) {
    if (file.find('/') != std::string::npos || file.starts_with("."))
      return fail(ErrorKind::InvalidArgument, "linux.resources.unified: invalid file name \"{}\"", file);
    TRY(d.write(file, value));
  }
  return {};
}

Result<> ManagerV2::add_process(pid_t pid) { return CgroupDir{dir()}.write("cgroup.procs", static_cast<int64_t>(pid)); }

// v2 has no per-thread fast path for a process (cgroup.threads needs a
// threaded subtree): "0" in cgroup.procs is the caller's process.
Result<> ManagerV2::add_current_thread() { return CgroupDir{dir()}.write("cgroup.procs", int64_t{0}); }

Result<std::vector<pid_t>> ManagerV2::processes() const { return CgroupDir{dir()}.pids(); }

Result<> ManagerV2::destroy() { return remove_cgroup(dir()); }

std::vector<CgroupView> ManagerV2::views() const { return {{"", "", dir()}}; }

}  // namespace hako::cgroups::v2
