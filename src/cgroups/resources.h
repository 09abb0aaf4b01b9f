// linux.resources from config.json, parsed once for both cgroup backends.
#pragma once

#include <cstdint>
#include <map>
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

struct DeviceWeight {
  int64_t major = 0, minor = 0;
  std::optional<uint64_t> weight, leaf_weight;
};

struct DeviceRate {
  int64_t major = 0, minor = 0;
  uint64_t rate = 0;
};

struct HugepageLimit {
  std::string page_size;  // "2MB"
  uint64_t limit = 0;
};

struct Resources {
  // memory
  std::optional<int64_t> memory_limit, memory_reservation, memory_swap;
  std::optional<int64_t> kernel_memory, kernel_tcp_memory;  // cgroup v1 only
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
  // block I/O
  std::optional<uint64_t> blkio_weight, blkio_leaf_weight;
  std::vector<DeviceWeight> blkio_weight_devices;
  std::vector<DeviceRate> throttle_read_bps, throttle_write_bps, throttle_read_iops, throttle_write_iops;
  // hugetlb
  std::vector<HugepageLimit> hugepage_limits;
  // network (v1 net_cls / net_prio)
  std::optional<uint64_t> net_class_id;
  std::vector<std::pair<std::string, uint64_t>> net_priorities;
  // cgroup v2 files by name ("memory.high": "1G")
  std::map<std::string, std::string> unified;
};

Result<Resources> parse_resources(const Json& resources);  // null: no limits

// The devices every container may use (null, zero, full, tty, random,
// urandom, ptys, /dev/console), allowed after the spec's own rules, as runc.
const std::vector<DeviceRule>& default_device_rules();

// v1 "c 1:3 rwm" form.
std::string to_v1_rule(const DeviceRule& r);

}  // namespace hako::cgroups
