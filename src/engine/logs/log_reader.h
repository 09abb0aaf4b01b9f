// Reading a json-file log set for `hako logs` (and the API's /logs).
//
// The set is PATH.N ... PATH.1, PATH (oldest first; the probe stops at the
// first missing PATH.k). Entries are delivered in file order. Filters work
// as in Docker: --tail counts raw lines from the end first (across rotated
// files, read backwards in blocks, so a small tail of a huge log is cheap),
// then entries before `since` or after `until` and unwanted streams are
// dropped. A line that is not a valid entry is skipped and counted; a torn
// line at the end of the newest file is taken for a write in progress and
// ignored (in follow mode it is completed by the next read).
//
// Follow mode keeps reading what the writer appends. When the writer rotates
// (PATH renamed to PATH.1, a new PATH created) the old file is drained and
// reading continues at the start of its successor (with max-file 1 the
// writer renames a new file over PATH, which is the same case). A file that
// shrank under the reader (`truncate -s0` by hand) is read again from 0. Before each round it asks `exited()`; once that is
// true the files are drained one last time and the read returns, so the
// caller should report "exited" only after the writer has flushed. Between
// rounds it calls `wait()`, by default an inotify watch on PATH's directory
// with a timeout of `poll_ms` (bounding how late an exit is noticed).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "engine/logs/log_format.h"

namespace hako::engine::logs {

struct ReadOptions {
  int64_t tail = -1;             // the last N lines; -1: all
  std::optional<int64_t> since = std::nullopt;  // unix nanos: drop entries with time < since
  std::optional<int64_t> until = std::nullopt;  // unix nanos: drop entries with time > until
  bool timestamps = false;       // prefix text with rfc3339_nano_fixed(time) + " "
  bool show_stdout = true;
  bool show_stderr = true;
  bool follow = false;
};

struct FollowHooks {
  std::function<bool()> exited = nullptr;  // empty: follow until the sink says stop
  std::function<void()> wait = nullptr;    // empty: inotify on the log's directory
  int poll_ms = 250;             // the default wait's timeout
};

struct LogEntry {
  Stream stream;
  std::string_view text;  // valid during the callback only
  int64_t time;           // unix nanos
};
// Returns false to stop reading (say, the client went away).
using LogSink = std::function<bool(const LogEntry&)>;

struct ReadStats {
  uint64_t entries = 0;  // delivered to the sink
  uint64_t corrupt = 0;  // lines skipped as unparseable
};

// The rotated set of PATH that exists now, oldest first.
std::vector<std::string> log_file_set(const std::string& path);

// Reads PATH's log set; a missing log is empty (or, following, waited for).
Result<ReadStats> read_logs(const std::string& path, const ReadOptions& options,
                            const LogSink& sink, const FollowHooks& hooks = {});

}  // namespace hako::engine::logs
