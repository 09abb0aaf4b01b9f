#include "cgroups/resources.h"

namespace hako::cgroups {

Result<Resources> parse_resources(const Json& j) {
  Resources r;
  if (j.is_null()) return r;
  TRY_ASSIGN(auto o, JsonObject::of(j, "linux.resources"));
  TRY_ASSIGN(auto mem, o.opt_object("memory"));
  if (mem) {
    TRY_ASSIGN(r.memory_limit, mem->opt_int("limit"));
    TRY_ASSIGN(r.memory_reservation, mem->opt_int("reservation"));
    TRY_ASSIGN(r.memory_swap, mem->opt_int("swap"));
    TRY_ASSIGN(r.memory_swappiness, mem->opt_uint("swappiness"));
    TRY_ASSIGN(r.disable_oom_killer, mem->opt_bool("disableOOMKiller"));
    TRY_ASSIGN(r.kernel_memory, mem->opt_int("kernel"));
    TRY_ASSIGN(r.kernel_tcp_memory, mem->opt_int("kernelTCP"));
    if (r.memory_swappiness && *r.memory_swappiness > 100)
      return fail(ErrorKind::InvalidArgument, "linux.resources.memory.swappiness: {} is above 100", *r.memory_swappiness);
  }
  TRY_ASSIGN(auto cpu, o.opt_object("cpu"));
  if (cpu) {
    TRY_ASSIGN(r.cpu_shares, cpu->opt_uint("shares"));
    TRY_ASSIGN(r.cpu_quota, cpu->opt_int("quota"));
    TRY_ASSIGN(r.cpu_period, cpu->opt_uint("period"));
    TRY_ASSIGN(r.cpu_burst, cpu->opt_uint("burst"));
    TRY_ASSIGN(r.cpu_realtime_runtime, cpu->opt_int("realtimeRuntime"));
    TRY_ASSIGN(r.cpu_realtime_period, cpu->opt_uint("realtimePeriod"));
    TRY_ASSIGN(auto cpus, cpu->opt_string("cpus"));
    r.cpuset_cpus = cpus.value_or("");
    TRY_ASSIGN(auto mems, cpu->opt_string("mems"));
    r.cpuset_mems = mems.value_or("");
  }
  TRY_ASSIGN(auto pids, o.opt_object("pids"));
  if (pids) {
    TRY_ASSIGN(r.pids_limit, pids->opt_int("limit"));
  }
  TRY_ASSIGN(auto devices, o.objects("devices"));
  for (const auto& d : devices) {
    DeviceRule rule;
    TRY_ASSIGN(auto allow, d.opt_bool("allow"));
    if (!allow) return fail(ErrorKind::InvalidArgument, "{}: required field is missing", d.child_path("allow"));
    rule.allow = *allow;
    TRY_ASSIGN(auto type, d.opt_string("type"));
    std::string t = type.value_or("a");
    if (t != "a" && t != "c" && t != "b")
      return fail(ErrorKind::InvalidArgument, "{}: unknown device type \"{}\"", d.child_path("type"), t);
    rule.type = t[0];
    TRY_ASSIGN(rule.major, d.opt_int("major"));
    TRY_ASSIGN(rule.minor, d.opt_int("minor"));
    TRY_ASSIGN(auto access, d.opt_string("access"));
    rule.access = access.value_or("rwm");
    if (rule.access.empty() || rule.access.find_first_not_of("rwm") != std::string::npos)
      return fail(ErrorKind::InvalidArgument, "{}: invalid access \"{}\"", d.child_path("access"), rule.access);
    r.devices.push_back(rule);
  }
  TRY_ASSIGN(auto blkio, o.opt_object("blockIO"));
  if (blkio) {
    TRY_ASSIGN(r.blkio_weight, blkio->opt_uint("weight"));
    TRY_ASSIGN(r.blkio_leaf_weight, blkio->opt_uint("leafWeight"));
    TRY_ASSIGN(auto weights, blkio->objects("weightDevice"));
    for (const auto& w : weights) {
      DeviceWeight dw;
      TRY_ASSIGN(auto major, w.opt_int("major"));
      TRY_ASSIGN(auto minor, w.opt_int("minor"));
      if (!major || !minor) return fail(ErrorKind::InvalidArgument, "{}: major and minor are required", w.path());
      dw.major = *major;
      dw.minor = *minor;
      TRY_ASSIGN(dw.weight, w.opt_uint("weight"));
      TRY_ASSIGN(dw.leaf_weight, w.opt_uint("leafWeight"));
      r.blkio_weight_devices.push_back(dw);
    }
    for (auto [key, dest] : {std::pair{"throttleReadBpsDevice", &r.throttle_read_bps},
                             std::pair{"throttleWriteBpsDevice", &r.throttle_write_bps},
                             std::pair{"throttleReadIOPSDevice", &r.throttle_read_iops},
                             std::pair{"throttleWriteIOPSDevice", &r.throttle_write_iops}}) {
      TRY_ASSIGN(auto rates, blkio->objects(key));
      for (const auto& t : rates) {
        TRY_ASSIGN(auto major, t.opt_int("major"));
        TRY_ASSIGN(auto minor, t.opt_int("minor"));
        TRY_ASSIGN(auto rate, t.opt_uint("rate"));
        if (!major || !minor || !rate)
          return fail(ErrorKind::InvalidArgument, "{}: major, minor and rate are required", t.path());
        dest->push_back({*major, *minor, *rate});
      }
    }
  }
  TRY_ASSIGN(auto hugepages, o.objects("hugepageLimits"));
  for (const auto& h : hugepages) {
    HugepageLimit l;
    TRY_ASSIGN(l.page_size, h.string("pageSize"));
    TRY_ASSIGN(auto limit, h.opt_uint("limit"));
    if (!limit) return fail(ErrorKind::InvalidArgument, "{}: required field is missing", h.child_path("limit"));
    l.limit = *limit;
    r.hugepage_limits.push_back(l);
  }
  TRY_ASSIGN(auto network, o.opt_object("network"));
  if (network) {
    TRY_ASSIGN(r.net_class_id, network->opt_uint("classID"));
    TRY_ASSIGN(auto prios, network->objects("priorities"));
    for (const auto& p : prios) {
      TRY_ASSIGN(auto name, p.string("name"));
      TRY_ASSIGN(auto prio, p.opt_uint("priority"));
      r.net_priorities.emplace_back(name, prio.value_or(0));
    }
  }
  TRY_ASSIGN(r.unified, o.string_map("unified"));
  return r;
}

const std::vector<DeviceRule>& default_device_rules() {
  static const std::vector<DeviceRule> rules = {
      {true, 'c', std::nullopt, std::nullopt, "m"}, {true, 'b', std::nullopt, std::nullopt, "m"},
      {true, 'c', 1, 3, "rwm"},   {true, 'c', 1, 5, "rwm"},   {true, 'c', 1, 7, "rwm"},
      {true, 'c', 1, 8, "rwm"},   {true, 'c', 1, 9, "rwm"},   {true, 'c', 5, 0, "rwm"},
      {true, 'c', 5, 1, "rwm"},   {true, 'c', 5, 2, "rwm"},   {true, 'c', 136, std::nullopt, "rwm"},
      {true, 'c', 10, 200, "rwm"},
  };
  return rules;
}

std::string to_v1_rule(const DeviceRule& r) {
  if (r.type == 'a' && !r.major && !r.minor) return "a";
  auto num = [](const std::optional<int64_t>& v) { return v && *v >= 0 ? std::to_string(*v) : std::string("*"); };
  return fmt::format("{} {}:{} {}", r.type, num(r.major), num(r.minor), r.access);
}

}  // namespace hako::cgroups
