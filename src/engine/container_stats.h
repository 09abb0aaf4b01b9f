// The figures `docker stats` shows for a container, read and computed the
// way the Docker daemon and CLI do it, so the columns mean the same thing:
//
//  - CPU %: the cgroup's cpu time delta over the host's cpu time delta
//    (/proc/stat, all cpus) between two readings, times the online cpus,
//    times 100 (calculateCPUPercentUnix). One reading alone has no delta,
//    so callers sample twice (Docker's --no-stream waits for a second
//    sample one second later too).
//  - memory: usage without the inactive page cache (v1 usage_in_bytes -
//    total_inactive_file, v2 memory.current - inactive_file); the limit is
//    the cgroup's, or the host's memory when that is lower (unlimited).
//  - network: rx/tx bytes of every interface but lo in the container's
//    network namespace (/proc/PID/net/dev); 0 when it shares the host's.
//  - block I/O: bytes read and written from blkio (v1) / io.stat (v2).
//  - pids: pids.current.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>

#include "base/error.h"
#include "base/json.h"
#include "engine/containers.h"

namespace hako::engine {

// One reading of one container; all zero for a container that is not
// running (as the daemon answers for one).
struct StatsSample {
  bool running = false;
  uint64_t cpu_total_ns = 0;  // the cgroup's cpu usage so far
  uint64_t system_ns = 0;     // the host's cpu time so far, all cpus
  uint32_t online_cpus = 0;
  uint64_t memory = 0;        // usage without inactive page cache
  uint64_t memory_limit = 0;
  uint64_t net_rx = 0, net_tx = 0;
  uint64_t block_read = 0, block_write = 0;
  uint64_t pids = 0;
};

struct HostCpu {
  uint64_t system_ns = 0;
  uint32_t online_cpus = 0;
};

// /proc/stat: the "cpu" line's first seven fields (user..softirq, as the
// daemon sums them) in nanoseconds, and the number of "cpuN" lines.
Result<HostCpu> parse_proc_stat(const std::string& text, long clock_ticks_per_second);

// /proc/PID/net/dev: received and sent bytes summed over every interface
// but the loopback.
std::pair<uint64_t, uint64_t> parse_net_dev(const std::string& text);

// Memory, block I/O, pids and cpu usage from the runtime's stats data (the
// runc "stats" event shape both cgroup backends produce). An unlimited or
// larger-than-host limit becomes `host_memory`, as the daemon reports it.
void fill_from_cgroup_stats(const Json& data, uint64_t host_memory, StatsSample& s);

// calculateCPUPercentUnix: 0 unless both deltas are positive.
double cpu_percent(const StatsSample& previous, const StatsSample& current);
// calculateMemPercentUnixNoCache.
double memory_percent(const StatsSample& s);

// The host's memory (sysinfo), the limit shown for unlimited containers.
uint64_t host_memory_bytes();

// Reads container `ci` now (zeros unless it is running or paused).
Result<StatsSample> sample_container(Engine& engine, const ContainerInfo& ci);

}  // namespace hako::engine
