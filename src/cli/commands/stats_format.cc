#include "cli/commands/stats_format.h"

#include <cstdio>
#include <map>

#include "cli/units.h"

namespace hako::cli {

std::string percent(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f%%", value);
  return buf;
}

const char* const kStatsTable =
    "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";

const std::map<std::string, std::string>& stats_headers() {
  static const std::map<std::string, std::string> h = {
      {"Container", "CONTAINER"}, {"Name", "NAME"},       {"ID", "CONTAINER ID"},
      {"CPUPerc", "CPU %"},       {"MemUsage", "MEM USAGE / LIMIT"},
      {"MemPerc", "MEM %"},       {"NetIO", "NET I/O"},   {"BlockIO", "BLOCK I/O"},
      {"PIDs", "PIDS"}};
  return h;
}

Json stats_row(const std::string& container, const std::string& id, const std::string& name,
               const engine::StatsSample* previous, const engine::StatsSample& s, bool no_trunc) {
  auto d = [](uint64_t v) { return static_cast<double>(v); };
  return {{"Container", container},
          {"Name", name.empty() ? "--" : name},
          {"ID", no_trunc ? id : id.substr(0, 12)},
          {"CPUPerc", percent(previous ? engine::cpu_percent(*previous, s) : 0.0)},
          {"MemUsage", human_binary_size(d(s.memory)) + " / " + human_binary_size(d(s.memory_limit))},
          {"MemPerc", percent(engine::memory_percent(s))},
          {"NetIO", human_size(d(s.net_rx)) + " / " + human_size(d(s.net_tx))},
          {"BlockIO", human_size(d(s.block_read)) + " / " + human_size(d(s.block_write))},
          {"PIDs", std::to_string(s.pids)}};
}

}  // namespace hako::cli
