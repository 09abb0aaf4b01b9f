#include "engine/container_update.h"

#include <set>

#include "base/files.h"
#include "base/strings.h"
#include "engine/spec/values.h"
#include "runtime/runtime.h"
#include "runtime/store.h"

namespace hako::engine {

namespace {

constexpr int64_t kMinMemory = 6 * 1024 * 1024;
constexpr int64_t kCfsPeriod = 100000;  // microseconds: Docker's period for --cpus

int64_t get_int(const Json& j, const char* key, int64_t def) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number_integer()) return def;
  return j[key].get<int64_t>();
}

// parsers.ParseUintList: "0-3,5" as a set; nullopt for a bad list.
std::optional<std::set<long long>> parse_uint_list(const std::string& value) {
  std::set<long long> out;
  if (value.empty()) return out;
  for (const auto& part : split(value, ',')) {
    auto range = split(part, '-');
    if (range.empty() || range.size() > 2) return std::nullopt;
    std::vector<long long> ends;
    for (const auto& n : range) {
      if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
      ends.push_back(*parse_int(n));
    }
    if (ends.size() == 2 && ends[0] > ends[1]) return std::nullopt;
    for (long long i = ends[0]; i <= ends.back(); ++i) out.insert(i);
  }
  return out;
}

Result<> check_cpuset(const std::string& requested, const std::string& available, const char* what,
                      const char* unavailable) {
  if (requested.empty()) return {};
  auto want = parse_uint_list(requested);
  if (!want)
    return fail(ErrorKind::InvalidArgument, "Invalid value {} for cpuset {}: invalid format: {}", requested, what,
                requested);
  auto have = parse_uint_list(available);
  if (!have || available.empty()) return {};  // unknown: let the kernel judge
  for (long long n : *want)
    if (!have->contains(n))
      return fail(ErrorKind::InvalidArgument, "{} are not available - requested {}, available: {}", unavailable,
                  requested, available);
  return {};
}

// The cpus and memory nodes containers may use: the cpuset cgroup's root
// (what the daemon's sysinfo reads), else the online lists.
std::string online_list(const char* v1_file, const char* v2_file, const char* sys_file, const char* fallback) {
  for (const char* path : {v1_file, v2_file, sys_file})
    if (auto t = read_file(path); t && !trim(*t).empty()) return std::string(trim(*t));
  return fallback;
}

}  // namespace

Json HostResources::to_json() const {
  return {{"Memory", memory},
          {"MemorySwap", memory_swap},
          {"MemoryReservation", memory_reservation},
          {"NanoCpus", nano_cpus},
          {"CpuShares", cpu_shares},
          {"CpuPeriod", cpu_period},
          {"CpuQuota", cpu_quota},
          {"CpusetCpus", cpuset_cpus},
          {"CpusetMems", cpuset_mems},
          {"PidsLimit", pids_limit > 0 ? Json(pids_limit) : Json(nullptr)}};
}

HostResources HostResources::from_json(const Json& j, HostResources h) {
  h.memory = get_int(j, "Memory", h.memory);
  h.memory_swap = get_int(j, "MemorySwap", h.memory_swap);
  h.memory_reservation = get_int(j, "MemoryReservation", h.memory_reservation);
  h.nano_cpus = get_int(j, "NanoCpus", h.nano_cpus);
  h.cpu_shares = get_int(j, "CpuShares", h.cpu_shares);
  h.cpu_period = get_int(j, "CpuPeriod", h.cpu_period);
  h.cpu_quota = get_int(j, "CpuQuota", h.cpu_quota);
  if (j.is_object() && j.contains("CpusetCpus") && j["CpusetCpus"].is_string()) h.cpuset_cpus = j["CpusetCpus"];
  if (j.is_object() && j.contains("CpusetMems") && j["CpusetMems"].is_string()) h.cpuset_mems = j["CpusetMems"];
  if (j.is_object() && j.contains("PidsLimit")) h.pids_limit = j["PidsLimit"].is_null() ? 0 : get_int(j, "PidsLimit", 0);
  return h;
}

HostResources host_resources_from_spec(const Json& r) {
  HostResources h;
  if (!r.is_object()) return h;
  const Json mem = r.value("memory", Json::object()), cpu = r.value("cpu", Json::object()),
             pids = r.value("pids", Json::object());
  h.memory = std::max<int64_t>(0, get_int(mem, "limit", 0));
  h.memory_swap = get_int(mem, "swap", 0);
  h.memory_reservation = get_int(mem, "reservation", 0);
  h.cpu_shares = get_int(cpu, "shares", 0);
  int64_t period = get_int(cpu, "period", 0), quota = get_int(cpu, "quota", 0);
  if (period > 0 && quota > 0) h.nano_cpus = quota * 1'000'000'000 / period;
  h.cpuset_cpus = cpu.value("cpus", "");
  h.cpuset_mems = cpu.value("mems", "");
  h.pids_limit = std::max<int64_t>(0, get_int(pids, "limit", 0));
  return h;
}

HostResources current_host_resources(const ContainerFiles& files, const ContainerConfig& config) {
  HostResources h;
  if (auto text = read_file(files.bundle() + "/config.json"))
    if (auto spec = parse_json(*text, "container spec"); spec && spec->contains("linux"))
      h = host_resources_from_spec((*spec)["linux"].value("resources", Json::object()));
  return HostResources::from_json(config.run_options.value("HostConfig", Json::object()), h);
}

Result<> verify_update(const UpdateRequest& r, int host_cpus, const std::string& cpus_online,
                       const std::string& mems_online) {
  auto bad = [](const char* m) { return fail(ErrorKind::InvalidArgument, "{}", m); };
  if (r.memory != 0 && r.memory < kMinMemory) return bad("Minimum memory limit allowed is 6MB");
  if (r.memory > 0 && r.memory_swap > 0 && r.memory_swap < r.memory)
    return bad("Minimum memoryswap limit should be larger than memory limit, see usage");
  if (r.memory_reservation > 0 && r.memory_reservation < kMinMemory)
    return bad("Minimum memory reservation allowed is 6MB");
  if (r.memory > 0 && r.memory_reservation > 0 && r.memory < r.memory_reservation)
    return bad("Minimum memory limit can not be less than memory reservation limit, see usage");
  if (r.nano_cpus > 0 && r.cpu_period > 0) return bad("Conflicting options: Nano CPUs and CPU Period cannot both be set");
  if (r.nano_cpus > 0 && r.cpu_quota > 0) return bad("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
  if (r.nano_cpus < 0 || r.nano_cpus > int64_t{host_cpus} * 1'000'000'000)
    return fail(ErrorKind::InvalidArgument, "Range of CPUs is from 0.01 to {}.00, as there are only {} CPUs available",
                host_cpus, host_cpus);
  if (r.cpu_shares < 0)
    return fail(ErrorKind::InvalidArgument, "invalid CPU shares ({}): value must be a positive integer", r.cpu_shares);
  if (r.cpu_period != 0 && (r.cpu_period < 1000 || r.cpu_period > 1000000))
    return bad("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
  if (r.cpu_quota > 0 && r.cpu_quota < 1000) return bad("CPU cfs quota can not be less than 1ms (i.e. 1000)");
  TRY(check_cpuset(r.cpuset_cpus, cpus_online, "cpus", "Requested CPUs"));
  TRY(check_cpuset(r.cpuset_mems, mems_online, "mems", "Requested memory nodes"));
  return {};
}

Result<HostResources> merge_update(const HostResources& cur, const UpdateRequest& r) {
  auto conflict = [](const char* m) { return fail(ErrorKind::Conflict, "{}", m); };
  // NanoCpus and CpuPeriod/CpuQuota set the same cgroup files: once one
  // way is used, the other is refused.
  if (r.nano_cpus > 0 && cur.cpu_period > 0)
    return conflict("Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set");
  if (r.nano_cpus > 0 && cur.cpu_quota > 0)
    return conflict("Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set");
  if (r.cpu_period > 0 && cur.nano_cpus > 0)
    return conflict("Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set");
  if (r.cpu_quota > 0 && cur.nano_cpus > 0)
    return conflict("Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set");
  HostResources m = cur;
  if (r.cpu_shares != 0) m.cpu_shares = r.cpu_shares;
  if (r.nano_cpus != 0) m.nano_cpus = r.nano_cpus;
  if (r.cpu_period != 0) m.cpu_period = r.cpu_period;
  if (r.cpu_quota != 0) m.cpu_quota = r.cpu_quota;
  if (!r.cpuset_cpus.empty()) m.cpuset_cpus = r.cpuset_cpus;
  if (!r.cpuset_mems.empty()) m.cpuset_mems = r.cpuset_mems;
  if (r.memory != 0) {
    if (cur.memory_swap > 0 && r.memory > cur.memory_swap && r.memory_swap == 0)
      return conflict(
          "Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time");
    m.memory = r.memory;
  }
  if (r.memory_swap != 0) m.memory_swap = r.memory_swap;
  if (r.memory_reservation != 0) m.memory_reservation = r.memory_reservation;
  if (r.pids_limit) m.pids_limit = std::max<int64_t>(0, *r.pids_limit);
  // Beyond Docker, which leaves these to fail in the kernel (or at the next
  // start of a stopped container): memory+swap below memory, or without a
  // memory limit, cannot be written to the cgroup.
  if (r.memory != 0 || r.memory_swap != 0) {
    if (m.memory_swap > 0 && m.memory == 0)
      return conflict("You should always set the Memory limit when using Memoryswap limit, see usage");
    if (m.memory_swap > 0 && m.memory_swap < m.memory)
      return conflict("Minimum memoryswap limit should be larger than memory limit, see usage");
  }
  return m;
}

Json resources_patch(const HostResources& m, const UpdateRequest& r) {
  Json p = Json::object();
  if (r.memory != 0 || r.memory_swap != 0) {
    // Both together: v1 orders the writes by them (memory.memsw must stay
    // above memory), v2 computes memory.swap.max = swap - memory.
    if (m.memory > 0) p["memory"]["limit"] = m.memory;
    if (m.memory_swap != 0) p["memory"]["swap"] = m.memory_swap;
  }
  if (r.memory_reservation != 0) p["memory"]["reservation"] = m.memory_reservation;
  if (r.cpu_shares != 0) p["cpu"]["shares"] = m.cpu_shares;
  if (r.nano_cpus != 0) {
    p["cpu"]["period"] = kCfsPeriod;
    p["cpu"]["quota"] = static_cast<int64_t>(static_cast<__int128>(m.nano_cpus) * kCfsPeriod / 1'000'000'000);
  } else if (r.cpu_period != 0 || r.cpu_quota != 0) {
    // cpu.max (v2) holds both: give both so neither is reset.
    p["cpu"]["period"] = m.cpu_period > 0 ? m.cpu_period : kCfsPeriod;
    if (m.cpu_quota != 0) p["cpu"]["quota"] = m.cpu_quota;
  }
  if (!r.cpuset_cpus.empty()) p["cpu"]["cpus"] = m.cpuset_cpus;
  if (!r.cpuset_mems.empty()) p["cpu"]["mems"] = m.cpuset_mems;
  if (r.pids_limit) p["pids"]["limit"] = m.pids_limit > 0 ? m.pids_limit : -1;  // -1: back to unlimited
  return p;
}

Result<> update_container(Engine& engine, const std::string& name, const UpdateRequest& r) {
  TRY(verify_update(r, host_cpu_count(),
                    online_list("/sys/fs/cgroup/cpuset/cpuset.cpus", "/sys/fs/cgroup/cpuset.cpus.effective",
                                "/sys/devices/system/cpu/online", ""),
                    online_list("/sys/fs/cgroup/cpuset/cpuset.mems", "/sys/fs/cgroup/cpuset.mems.effective",
                                "/sys/devices/system/node/online", "0")));
  TRY_ASSIGN(auto id, engine.resolve(name));
  auto cannot = [&](const Error& e) { return fail(e.kind(), "Cannot update container {}: {}", id, e.message()); };
  auto f = engine.files(id);
  // The container's lock keeps a concurrent start from reading the bundle
  // half-way through this change.
  TRY_ASSIGN(auto lock, f.lock());
  TRY_ASSIGN(auto ci, engine.info(id));
  if (r.restart && ci.config.auto_remove && r.restart->name != "no" && !r.restart->name.empty())
    return cannot(Error(ErrorKind::Conflict,
                        "Restart policy cannot be updated because AutoRemove is enabled for the container"));
  auto merged = merge_update(current_host_resources(f, ci.config), r);
  if (!merged) return cannot(merged.error());
  Json patch = resources_patch(*merged, r);

  if (!patch.empty() && (ci.status == "running" || ci.status == "paused")) {
    runtime::Store rt(f.runtime_root());
    if (auto applied = runtime::update(rt, id, patch); !applied) return cannot(applied.error());
  }
  if (!patch.empty()) {
    std::string path = f.bundle() + "/config.json";
    TRY_ASSIGN(auto text, read_file(path));
    TRY_ASSIGN(auto spec, parse_json(text, path));
    spec["linux"]["resources"].merge_patch(patch);
    TRY(write_file_atomic(path, spec.dump()));
  }
  Json& host = ci.config.run_options["HostConfig"];
  if (!host.is_object()) host = Json::object();
  host.merge_patch(merged->to_json());
  if (!merged->pids_limit) host["PidsLimit"] = nullptr;  // merge_patch drops nulls
  if (r.restart) ci.config.restart = *r.restart;
  return f.save_config(ci.config);
}

}  // namespace hako::engine
