// How `docker stats` prints its figures (docker/cli formatter_stats.go):
// the row its --format templates see, with Docker's number formats
// (memory in binary units, network and block I/O in decimal ones).
#pragma once

#include <map>
#include <string>

#include "base/json.h"
#include "engine/container_stats.h"

namespace hako::cli {

// formatPercentage: "0.00%".
std::string percent(double value);

// The default table of `stats` and its column titles.
extern const char* const kStatsTable;
const std::map<std::string, std::string>& stats_headers();

// One row: Container (what the user named, or the id), Name, ID (12
// characters unless no_trunc), CPUPerc (against `previous`, if any),
// MemUsage, MemPerc, NetIO, BlockIO, PIDs.
Json stats_row(const std::string& container, const std::string& id, const std::string& name,
               const engine::StatsSample* previous, const engine::StatsSample& current, bool no_trunc);

}  // namespace hako::cli
