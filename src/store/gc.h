// Garbage collection of blobs: mark every digest the metadata DB refers to,
// sweep every other blob, and drop abandoned ingest files.
//
// Writers and GC coordinate through flock on ROOT/gc.lock: anything that
// writes blobs and then records them in the DB holds writer_lock() (shared)
// across both steps; GC holds it exclusively for mark and sweep. So GC never
// sees a blob that is committed but not yet referenced. flock locks belong to
// open files, so a thread holding writer_lock() must not run GC itself (it
// would wait for its own lock).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/lock.h"
#include "store/blob_store.h"
#include "store/digest.h"
#include "store/metadata.h"

namespace hako::store {

std::string gc_lock_path(const std::string& root);
// Shared lock for writers; blocks while GC runs.
Result<FileLock> writer_lock(const std::string& root);

struct GcOptions {
  // Ingest files untouched for longer are abandoned (a resumable download
  // refreshes its file's mtime on every write and resume).
  std::chrono::seconds ingest_max_age = std::chrono::hours(24);
  bool dry_run = false;  // report what would go, remove nothing
};

struct GcReport {
  std::vector<Digest> removed_blobs;
  std::vector<std::string> removed_ingest;  // paths
  uint64_t bytes_freed = 0;
};

// Blobs referenced by the DB are kept: image configs (image ids), manifests,
// and the blob of every layer row (layer rows are removed by the layer code
// once Metadata::unused_layers() names them, which then frees their blobs).
Result<GcReport> collect_garbage(Metadata& db, const BlobStore& blobs, const GcOptions& options = {});

}  // namespace hako::store
