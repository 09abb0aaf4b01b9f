// Running layer transfers side by side, and the progress they report.
//
// Docker pulls and pushes at most 3 layers at once (max-concurrent-
// downloads / -uploads); run_transfers does the same with plain threads.
// Jobs that use one RegistryClient are safe together: each call borrows
// its own curl easy handle from the client's pool, since an easy handle
// must never be used by two threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace hako::image::registry {

struct Progress {
  std::string id;      // the layer's short id: 12 hex digits of its digest
  std::string action;  // "Downloading", "Verifying Checksum", "Download complete",
                       // "Pushing", "Pushed", "Already exists", "Mounted from x", ...
  // total > 0 marks a progress-bar update ("Downloading 3MB/9MB"); those
  // are shown only on a terminal, as Docker does.
  uint64_t current = 0;
  uint64_t total = 0;
};

// Where progress goes. update() is called from transfer threads at any
// rate, so implementations must be thread-safe and cheap.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void update(const Progress& p) = 0;
};

// "sha256:0123456789abcdef..." → "0123456789ab" (any "algo:" prefix).
std::string short_id(std::string_view digest);

// Byte counts as fetch_blob/upload_blob report them.
using ByteProgress = std::function<void(uint64_t current, uint64_t total)>;

// A ByteProgress that forwards to sink as Progress{id, action, ...};
// a null sink gives an empty function.
ByteProgress report_to(ProgressSink* sink, std::string id, std::string action);

// A job gets a flag that turns true once another job failed; long
// transfers pass it on (fetch_blob's `cancel`) so they stop early.
using TransferJob = std::function<Result<>(const std::atomic<bool>& cancelled)>;

// Runs every job, at most max_concurrent (≥ 1) at a time, starting them in
// order. After the first failure no further job starts; the running ones
// see `cancelled` and are waited for. Returns the first error to occur.
// A job that throws is reported as an Internal error, not propagated.
Result<> run_transfers(std::vector<TransferJob> jobs, size_t max_concurrent = 3);

}  // namespace hako::image::registry
