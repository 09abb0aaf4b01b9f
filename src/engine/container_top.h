// `docker top`: the host's ps, cut down to the container's processes, as
// the daemon's ContainerTop does it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "engine/containers.h"

namespace hako::engine {

struct TopResult {
  std::vector<std::string> titles;                  // ps's header, split
  std::vector<std::vector<std::string>> processes;  // one row per line kept
};

// moby's validatePSArgs: a "KEY=PID..." column rename is only allowed as
// pid=PID, since the PID column is how rows are matched.
Result<> validate_ps_args(const std::string& ps_args);

// moby's parsePSOutput: the header names the columns, a row is kept when
// its PID is one of `pids` (and "-" rows, the threads of `ps -m`, follow
// the row before them); cells past the last title are joined into it.
Result<TopResult> parse_ps_output(const std::string& output, const std::vector<pid_t>& pids);

// Runs `ps ps_args -qPID,...` (without -q if ps refuses that, as some
// options cannot be combined with it) for a running or paused container.
// `ps_args` is split on single spaces; empty means "-ef".
Result<TopResult> top(Engine& engine, const std::string& id, const std::string& ps_args);

}  // namespace hako::engine
