// Freezer and statistics for cgroup v2, in the same shape as v1's.
#include <time.h>

#include "base/strings.h"
#include "cgroups/cgroup_files.h"
#include "cgroups/stat_files.h"
#include "cgroups/v2/manager_v2.h"

namespace hako::cgroups::v2 {

namespace {
uint64_t read_value(const CgroupDir& d, const std::string& file) {
  auto t = d.read(file);
  return t ? parse_value(*t) : 0;
}
}  // namespace

Result<> ManagerV2::set_frozen(bool frozen) {
  CgroupDir d{dir()};
  if (!d.has("cgroup.freeze")) return fail(ErrorKind::NotSupported, "{} has no cgroup.freeze: cannot pause", dir());
  TRY(d.write("cgroup.freeze", frozen ? "1" : "0"));
  // cgroup.events says "frozen 1" once every task has stopped.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    TRY_ASSIGN(auto events, d.read("cgroup.events"));
    if (parse_flat_keyed(events)["frozen"] == (frozen ? 1u : 0u)) return {};
    timespec ts{0, 1'000'000};
    ::nanosleep(&ts, nullptr);
  }
  return fail(ErrorKind::Unavailable, "the freezer did not settle in {}", dir());
}

Result<bool> ManagerV2::frozen() const {
  auto text = CgroupDir{dir()}.read("cgroup.freeze");
  return text && trim(*text) == "1";
}

Result<Json> ManagerV2::stats() const {
  CgroupDir d{dir()};
  Json data = {{"cpu", Json::object()}, {"memory", Json::object()}, {"pids", Json::object()},
               {"blkio", Json::object()}, {"hugetlb", Json::object()}, {"intel_rdt", Json::object()},
               {"network_interfaces", nullptr}};
  if (auto t = d.read("cpu.stat")) {
    auto kv = parse_flat_keyed(*t);
    // v2 counts microseconds; runc reports nanoseconds.
    data["cpu"]["usage"] = {{"total", kv["usage_usec"] * 1000}, {"user", kv["user_usec"] * 1000},
                            {"kernel", kv["system_usec"] * 1000}};
    data["cpu"]["throttling"] = {{"periods", kv["nr_periods"]},
                                 {"throttledPeriods", kv["nr_throttled"]},
                                 {"throttledTime", kv["throttled_usec"] * 1000}};
  }
  Json m = {{"usage", {{"usage", read_value(d, "memory.current")},
                       {"limit", read_value(d, "memory.max")},
                       {"max", read_value(d, "memory.peak")},
                       {"failcnt", 0}}}};
  if (d.has("memory.swap.current"))
    m["swap"] = {{"usage", read_value(d, "memory.swap.current")}, {"limit", read_value(d, "memory.swap.max")}, {"failcnt", 0}};
  if (auto t = d.read("memory.stat")) {
    auto raw = parse_flat_keyed(*t);
    m["cache"] = raw["file"];
    m["raw"] = raw;
  }
  if (auto t = d.read("memory.events")) {
    auto ev = parse_flat_keyed(*t);
    m["usage"]["failcnt"] = ev["max"];
    m["oom_kill"] = ev["oom_kill"];
  }
  data["memory"] = m;
  data["pids"] = {{"current", read_value(d, "pids.current")}, {"limit", read_value(d, "pids.max")}};
  if (auto t = d.read("io.stat")) {
    Json bytes = Json::array(), ios = Json::array();
    for (const auto& line : split(*t, '\n')) {
      auto f = split(std::string(trim(line)), ' ');
      if (f.empty()) continue;
      auto devs = split(f[0], ':');
      if (devs.size() != 2) continue;
      for (size_t i = 1; i < f.size(); ++i) {
        auto kv = split(f[i], '=');
        if (kv.size() != 2) continue;
        Json e = {{"major", parse_value(devs[0])}, {"minor", parse_value(devs[1])}, {"value", parse_value(kv[1])}};
        if (kv[0] == "rbytes" || kv[0] == "wbytes") {
          e["op"] = kv[0] == "rbytes" ? "Read" : "Write";
          bytes.push_back(e);
        } else if (kv[0] == "rios" || kv[0] == "wios") {
          e["op"] = kv[0] == "rios" ? "Read" : "Write";
          ios.push_back(e);
        }
      }
    }
    data["blkio"] = {{"ioServiceBytesRecursive", bytes}, {"ioServicedRecursive", ios}};
  }
  return data;
}

Result<uint64_t> ManagerV2::oom_kills() const {
  TRY_ASSIGN(auto text, CgroupDir{dir()}.read("memory.events"));
  return parse_flat_keyed(text)["oom_kill"];
}

}  // namespace hako::cgroups::v2
