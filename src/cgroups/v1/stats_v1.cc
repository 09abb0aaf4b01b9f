// Freezer and statistics for cgroup v1.
#include <time.h>
#include <unistd.h>

#include "base/strings.h"
#include "cgroups/cgroup_files.h"
#include "cgroups/stat_files.h"
#include "cgroups/v1/manager_v1.h"

namespace hako::cgroups::v1 {

namespace {

uint64_t read_value(const CgroupDir& d, const std::string& file) {
  auto t = d.read(file);
  return t ? parse_value(*t) : 0;
}

Json memory_entry(const CgroupDir& d, const std::string& prefix) {
  Json e = {{"limit", read_value(d, prefix + ".limit_in_bytes")}, {"failcnt", read_value(d, prefix + ".failcnt")}};
  if (auto u = read_value(d, prefix + ".usage_in_bytes")) e["usage"] = u;
  if (auto m = read_value(d, prefix + ".max_usage_in_bytes")) e["max"] = m;
  return e;
}

Json blkio_entries(const CgroupDir& d, const std::string& file) {
  Json out = Json::array();
  auto text = d.read(file);
  if (!text) return out;
  for (const auto& line : split(*text, '\n')) {
    auto f = split(std::string(trim(line)), ' ');
    if (f.size() < 2) continue;
    auto devs = split(f[0], ':');
    if (devs.size() != 2) continue;
    Json e = {{"major", parse_value(devs[0])}, {"minor", parse_value(devs[1])}};
    if (f.size() == 3) {
      e["op"] = f[1];
      e["value"] = parse_value(f[2]);
    } else {
      e["op"] = "";
      e["value"] = parse_value(f[1]);
    }
    out.push_back(e);
  }
  return out;
}

}  // namespace

Result<> ManagerV1::set_frozen(bool frozen) {
  const Hierarchy* h = find("freezer");
  if (!h) return fail(ErrorKind::NotSupported, "no freezer cgroup is mounted: cannot pause");
  CgroupDir d{h->dir};
  // Writing FROZEN starts the freeze; the state reads FREEZING until every
  // task has stopped. Re-writing it nudges tasks that raced with the freeze.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    TRY(d.write("freezer.state", frozen ? "FROZEN" : "THAWED"));
    TRY_ASSIGN(auto state, d.read("freezer.state"));
    if (trim(state) == (frozen ? "FROZEN" : "THAWED")) return {};
    timespec ts{0, 1'000'000};
    ::nanosleep(&ts, nullptr);
  }
  return fail(ErrorKind::Unavailable, "the freezer did not settle in {}", h->dir);
}

Result<bool> ManagerV1::frozen() const {
  const Hierarchy* h = find("freezer");
  if (!h) return false;
  TRY_ASSIGN(auto state, CgroupDir{h->dir}.read("freezer.state"));
  auto t = trim(state);
  return t == "FROZEN" || t == "FREEZING";
}

Result<Json> ManagerV1::stats() const {
  Json data = {{"cpu", Json::object()}, {"memory", Json::object()}, {"pids", Json::object()},
               {"blkio", Json::object()}, {"hugetlb", Json::object()}, {"intel_rdt", Json::object()},
               {"network_interfaces", nullptr}};
  if (const Hierarchy* h = find("cpuacct")) {
    CgroupDir d{h->dir};
    Json usage = {{"total", read_value(d, "cpuacct.usage")}};
    if (auto t = d.read("cpuacct.usage_percpu")) usage["percpu"] = parse_numbers(*t);
    if (auto t = d.read("cpuacct.stat")) {
      // cpuacct.stat is in USER_HZ ticks; runc reports nanoseconds.
      uint64_t ns_per_tick = 1'000'000'000ULL / static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
      auto kv = parse_flat_keyed(*t);
      usage["user"] = kv["user"] * ns_per_tick;
      usage["kernel"] = kv["system"] * ns_per_tick;
    }
    data["cpu"]["usage"] = usage;
  }
  if (const Hierarchy* h = find("cpu")) {
    CgroupDir d{h->dir};
    if (auto t = d.read("cpu.stat")) {
      auto kv = parse_flat_keyed(*t);
      data["cpu"]["throttling"] = {{"periods", kv["nr_periods"]},
                                   {"throttledPeriods", kv["nr_throttled"]},
                                   {"throttledTime", kv["throttled_time"]}};
    }
  }
  if (const Hierarchy* h = find("memory")) {
    CgroupDir d{h->dir};
    Json m = {{"usage", memory_entry(d, "memory")}};
    if (d.has("memory.memsw.usage_in_bytes")) m["swap"] = memory_entry(d, "memory.memsw");
    if (d.has("memory.kmem.usage_in_bytes")) m["kernel"] = memory_entry(d, "memory.kmem");
    if (auto t = d.read("memory.stat")) {
      auto raw = parse_flat_keyed(*t);
      m["cache"] = raw["cache"];
      m["raw"] = raw;
    }
    if (auto t = d.read("memory.oom_control")) m["oom_kill"] = parse_flat_keyed(*t)["oom_kill"];
    data["memory"] = m;
  }
  if (const Hierarchy* h = find("pids")) {
    CgroupDir d{h->dir};
    data["pids"] = {{"current", read_value(d, "pids.current")}, {"limit", read_value(d, "pids.max")}};
  }
  if (const Hierarchy* h = find("blkio")) {
    CgroupDir d{h->dir};
    data["blkio"] = {{"ioServiceBytesRecursive", blkio_entries(d, "blkio.throttle.io_service_bytes_recursive")},
                     {"ioServicedRecursive", blkio_entries(d, "blkio.throttle.io_serviced_recursive")}};
  }
  if (const Hierarchy* h = find("hugetlb")) {
    CgroupDir d{h->dir};
    // hugetlb.<size>.usage_in_bytes for each page size the kernel offers.
    for (const char* size : {"2MB", "1GB"}) {
      std::string p = fmt::format("hugetlb.{}", size);
      if (!d.has(p + ".usage_in_bytes")) continue;
      data["hugetlb"][size] = {{"usage", read_value(d, p + ".usage_in_bytes")},
                               {"max", read_value(d, p + ".max_usage_in_bytes")},
                               {"failcnt", read_value(d, p + ".failcnt")}};
    }
  }
  return data;
}

Result<uint64_t> ManagerV1::oom_kills() const {
  const Hierarchy* h = find("memory");
  if (!h) return uint64_t{0};
  TRY_ASSIGN(auto text, CgroupDir{h->dir}.read("memory.oom_control"));
  return parse_flat_keyed(text)["oom_kill"];
}

}  // namespace hako::cgroups::v1
