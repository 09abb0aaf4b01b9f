// linux.resources from config.json, parsed once for both cgroup backends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"

namespace hako::cgroups {

struct DeviceRule {
  bool allow = false;
  char type = 'a';  // a, c, b
  std::optional<int64_t> major, minor;  // nullopt: any ("*")
  std::string access = "rwm";
};

struct Resources {
  // memory
  std::optional<int64_t> memory_limit, memory_reservation, memory_swap;
  std::optional<uint64_t> memory_swappiness;
  std::optional<bool> disable_oom_killer;
  // cpu
  std::optional<uint64_t> cpu_shares, cpu_period, cpu_burst, cpu_realtime_period;
  std::optional<int64_t> cpu_quota, cpu_realtime_runtime;
  std::string cpuset_cpus, cpuset_mems;
  // pids
  std::optional<int64_t> pids_limit;
  // devices (v1 allow-list)
  std::vector<DeviceRule> devices;
};

Result<Resources> parse_resources(const Json& resources);  // null: no limits

// The devices every container may use (null, zero, full, tty, random,
// urandom, ptys, /dev/console), allowed after the spec's own rules, as runc.
const std::vector<DeviceRule>& default_device_rules();

// v1 "c 1:3 rwm" form.
std::string to_v1_rule(const DeviceRule& r);

}  // namespace hako::cgroups
