#include "store/gc.h"

#include <ctime>
#include <set>

namespace hako::store {

std::string gc_lock_path(const std::string& root) { return root + "/gc.lock"; }

Result<FileLock> writer_lock(const std::string& root) { return FileLock::shared(gc_lock_path(root)); }

Result<GcReport> collect_garbage(Metadata& db, const BlobStore& blobs, const GcOptions& options) {
  TRY_ASSIGN(FileLock lock, FileLock::exclusive(gc_lock_path(blobs.root())));
  GcReport report;

  // Mark. A malformed digest in the DB is skipped rather than failing GC: it
  // cannot name a blob file, so it protects nothing.
  std::set<std::string> marked;
  TRY_ASSIGN(auto referenced, db.referenced_blobs());
  for (auto& ref : referenced) {
    auto d = Digest::parse(ref);
    if (d) marked.insert(d->hex);
  }

  // Sweep blobs.
  TRY_ASSIGN(auto all, blobs.list());
  for (const auto& d : all) {
    if (marked.contains(d.hex)) continue;
    auto size = blobs.size(d);
    if (!options.dry_run) {
      TRY_ASSIGN(bool removed, blobs.remove(d));
      if (!removed) continue;
    }
    report.bytes_freed += size ? *size : 0;
    report.removed_blobs.push_back(d);
  }

  // Sweep ingest. Age protects downloads that are merely slow; the flock in
  // remove_ingest_if_idle protects ones a live writer still holds.
  std::time_t cutoff = std::time(nullptr) - static_cast<std::time_t>(options.ingest_max_age.count());
  TRY_ASSIGN(auto ingest, blobs.list_ingest());
  for (const auto& f : ingest) {
    if (f.mtime > cutoff) continue;
    if (!options.dry_run) {
      TRY_ASSIGN(bool removed, blobs.remove_ingest_if_idle(f));
      if (!removed) continue;
    }
    report.bytes_freed += f.size;
    report.removed_ingest.push_back(f.path);
  }
  return report;
}

}  // namespace hako::store
