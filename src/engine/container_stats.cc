#include "engine/container_stats.h"

#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "base/files.h"
#include "base/strings.h"
#include "runtime/runtime.h"
#include "runtime/store.h"

namespace hako::engine {

namespace {

std::vector<std::string> fields(std::string_view line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.emplace_back(line.substr(start, i - start));
  }
  return out;
}

uint64_t to_u64(const std::string& s) {
  auto v = parse_int(s);
  return v && *v > 0 ? static_cast<uint64_t>(*v) : 0;
}

uint64_t json_u64(const Json& j, std::initializer_list<const char*> path) {
  const Json* cur = &j;
  for (const char* key : path) {
    if (!cur->is_object() || !cur->contains(key)) return 0;
    cur = &(*cur)[key];
  }
  return cur->is_number_unsigned() || cur->is_number_integer() ? cur->get<uint64_t>() : 0;
}

// The same network namespace as ours: the container uses the host's
// network, whose traffic is not the container's (Docker shows 0B / 0B).
bool shares_our_netns(pid_t pid) {
  struct stat theirs, ours;
  std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
  if (::stat(path.c_str(), &theirs) != 0 || ::stat("/proc/self/ns/net", &ours) != 0) return false;
  return theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev;
}

}  // namespace

Result<HostCpu> parse_proc_stat(const std::string& text, long clock_ticks_per_second) {
  HostCpu out;
  bool found = false;
  for (const auto& line : split(text, '\n')) {
    auto f = fields(line);
    if (f.empty() || !f[0].starts_with("cpu")) continue;
    if (f[0] == "cpu") {
      if (f.size() < 8) return fail(ErrorKind::Internal, "/proc/stat: invalid number of cpu fields");
      uint64_t ticks = 0;
      for (size_t i = 1; i < 8; ++i) ticks += to_u64(f[i]);
      out.system_ns = ticks * (1'000'000'000ULL / static_cast<uint64_t>(clock_ticks_per_second));
      found = true;
    } else {
      ++out.online_cpus;
    }
  }
  if (!found) return fail(ErrorKind::Internal, "/proc/stat: no cpu line");
  return out;
}

std::pair<uint64_t, uint64_t> parse_net_dev(const std::string& text) {
  uint64_t rx = 0, tx = 0;
  // "  eth0: rx_bytes rx_packets errs drop fifo frame compressed multicast tx_bytes ..."
  for (const auto& line : split(text, '\n')) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;  // the two header lines
    std::string name(trim(line.substr(0, colon)));
    if (name == "lo") continue;
    auto f = fields(std::string_view(line).substr(colon + 1));
    if (f.size() < 9) continue;
    rx += to_u64(f[0]);
    tx += to_u64(f[8]);
  }
  return {rx, tx};
}

void fill_from_cgroup_stats(const Json& data, uint64_t host_memory, StatsSample& s) {
  s.cpu_total_ns = json_u64(data, {"cpu", "usage", "total"});
  s.pids = json_u64(data, {"pids", "current"});

  uint64_t usage = json_u64(data, {"memory", "usage", "usage"});
  // The docker CLI's calculateMemUsageUnixNoCache: v1 names the figure
  // total_inactive_file, v2 inactive_file.
  const Json raw = data.contains("memory") ? data["memory"].value("raw", Json::object()) : Json::object();
  if (raw.contains("total_inactive_file")) {
    uint64_t v = raw["total_inactive_file"].get<uint64_t>();
    s.memory = v < usage ? usage - v : usage;
  } else if (raw.contains("inactive_file")) {
    uint64_t v = raw["inactive_file"].get<uint64_t>();
    s.memory = v < usage ? usage - v : usage;
  } else {
    s.memory = usage;
  }
  uint64_t limit = json_u64(data, {"memory", "usage", "limit"});
  s.memory_limit = host_memory > 0 && (limit == 0 || limit > host_memory) ? host_memory : limit;

  // The CLI's calculateBlockIO: ops starting with r/R are reads, w/W
  // writes (v1 also lists Sync, Async, Total).
  s.block_read = s.block_write = 0;
  if (data.contains("blkio") && data["blkio"].contains("ioServiceBytesRecursive")) {
    for (const auto& e : data["blkio"]["ioServiceBytesRecursive"]) {
      std::string op = e.value("op", "");
      uint64_t v = e.value("value", uint64_t{0});
      if (op.empty()) continue;
      if (op[0] == 'r' || op[0] == 'R') s.block_read += v;
      if (op[0] == 'w' || op[0] == 'W') s.block_write += v;
    }
  }
}

double cpu_percent(const StatsSample& previous, const StatsSample& current) {
  double cpu_delta = static_cast<double>(current.cpu_total_ns) - static_cast<double>(previous.cpu_total_ns);
  double system_delta = static_cast<double>(current.system_ns) - static_cast<double>(previous.system_ns);
  if (system_delta > 0.0 && cpu_delta > 0.0) return cpu_delta / system_delta * current.online_cpus * 100.0;
  return 0.0;
}

double memory_percent(const StatsSample& s) {
  if (s.memory_limit == 0) return 0.0;
  return static_cast<double>(s.memory) / static_cast<double>(s.memory_limit) * 100.0;
}

uint64_t host_memory_bytes() {
  struct sysinfo si;
  if (::sysinfo(&si) != 0) return 0;
  return static_cast<uint64_t>(si.totalram) * si.mem_unit;
}

Result<StatsSample> sample_container(Engine& engine, const ContainerInfo& ci) {
  StatsSample s;
  if (ci.status != "running" && ci.status != "paused") return s;
  runtime::Store rt(engine.files(ci.config.id).runtime_root());
  auto event = runtime::stats_event(rt, ci.config.id);
  if (!event) return s;  // stopped between the listing and now
  // The host's cpu time is read right after the cgroup's, so both deltas
  // span the same interval.
  TRY_ASSIGN(auto stat, read_file("/proc/stat"));
  TRY_ASSIGN(auto cpu, parse_proc_stat(stat, ::sysconf(_SC_CLK_TCK)));
  s.running = true;
  s.system_ns = cpu.system_ns;
  s.online_cpus = cpu.online_cpus;
  fill_from_cgroup_stats((*event)["data"], host_memory_bytes(), s);
  pid_t pid = ci.state.pid;
  if (pid > 0 && !shares_our_netns(pid)) {
    if (auto dev = read_file("/proc/" + std::to_string(pid) + "/net/dev")) {
      auto [rx, tx] = parse_net_dev(*dev);
      s.net_rx = rx;
      s.net_tx = tx;
    }
  }
  return s;
}

}  // namespace hako::engine
