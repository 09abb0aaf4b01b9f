// BlobStore: content-addressed files under ROOT/blobs/sha256/<hex>, the OCI
// image-layout shape, so `hako save` can copy blobs out verbatim.
//
// Contract: a file under blobs/ is always complete and matches its name. All
// writes go through a BlobWriter that hashes while writing, verifies against
// the expected digest and size, fsyncs, and only then makes the blob visible
// with one atomic link/rename. A crash at any point leaves either no blob or a
// whole one; partial data lives only in ROOT/ingest/.
//
// A blob written here is not yet referenced by the metadata DB, so garbage
// collection could remove it before the caller records it. Callers hold
// store::writer_lock(root) (gc.h) from before the first write until the DB
// row referencing the blob is committed.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/fd.h"
#include "store/digest.h"

namespace hako::store {

class BlobStore;

// One in-progress blob. Destroying an uncommitted writer drops an anonymous
// ingest but keeps a ref-keyed one, so a killed download can resume.
class BlobWriter {
 public:
  BlobWriter(BlobWriter&& other) noexcept;
  BlobWriter& operator=(BlobWriter&&) noexcept = delete;
  ~BlobWriter();

  Result<> write(std::string_view chunk);
  // Bytes in the blob so far (after resume: the surviving prefix), which is
  // where an HTTP Range request should continue.
  uint64_t offset() const { return offset_; }

  // Verifies (when given) digest and size, fsyncs, and publishes the blob.
  // A mismatch is InvalidArgument naming expected and actual values and
  // removes the ingest data (it can never become the expected blob). If the
  // blob already exists, the new copy is dropped. Returns the actual digest.
  Result<Digest> commit(const std::optional<Digest>& expected = std::nullopt,
                        std::optional<uint64_t> expected_size = std::nullopt);
  // Removes the ingest data, including a ref-keyed one.
  void abort();

 private:
  friend class BlobStore;
  BlobWriter(const BlobStore& store, UniqueFd fd, std::string temp_path, bool keep_on_drop);
  void discard();

  std::string blobs_dir_;
  UniqueFd fd_;
  Sha256 hasher_;
  uint64_t offset_ = 0;
  std::string temp_path_;  // empty for an O_TMPFILE writer (nothing on disk to clean)
  bool keep_on_drop_ = false;
  bool done_ = false;
};

// A file in ROOT/ingest/, for garbage collection of abandoned writes.
struct IngestFile {
  std::string path;
  uint64_t size = 0;
  std::time_t mtime = 0;
};

class BlobStore {
 public:
  // Creates ROOT/blobs/sha256 and ROOT/ingest if missing. Without
  // use_o_tmpfile, anonymous writes use named temp files (the fallback for
  // filesystems without O_TMPFILE; tests use it to cover that path).
  static Result<BlobStore> open(std::string root, bool use_o_tmpfile = true);

  const std::string& root() const { return root_; }
  const std::string& blobs_dir() const { return blobs_dir_; }
  const std::string& ingest_dir() const { return ingest_dir_; }
  std::string blob_path(const Digest& d) const { return blobs_dir_ + "/" + d.hex; }

  // An anonymous write (O_TMPFILE when the filesystem has it, otherwise a
  // uniquely named file in ingest/).
  Result<BlobWriter> begin_write() const;
  // A resumable write keyed by `ref` (any string, e.g. the expected digest or
  // a URL). Existing data for the ref is rehashed so the writer continues
  // where the last one stopped. Only one writer per ref at a time: a second
  // gets Conflict (the ingest file is flock'ed while a writer holds it).
  Result<BlobWriter> resume_write(std::string_view ref) const;
  // Drops the ingest data for ref, if any.
  Result<> abort_ingest(std::string_view ref) const;

  // Writes `data` as one blob and returns its digest.
  Result<Digest> put(std::string_view data) const;
  Result<Digest> put(std::string_view data, const Digest& expected) const;

  bool exists(const Digest& d) const;
  Result<uint64_t> size(const Digest& d) const;  // NotFound if absent
  Result<UniqueFd> open_blob(const Digest& d) const;
  // Reads the whole blob; with verify, a content/name mismatch is Internal.
  Result<std::string> read(const Digest& d, bool verify = false) const;
  // Streams the blob through SHA-256 and checks it matches its name.
  Result<> verify(const Digest& d) const;
  // Returns whether a blob was removed.
  Result<bool> remove(const Digest& d) const;
  // Every blob file whose name is a valid digest (other names are ignored).
  Result<std::vector<Digest>> list() const;

  Result<std::vector<IngestFile>> list_ingest() const;
  // Unlinks an ingest file unless a writer holds it; returns whether removed.
  Result<bool> remove_ingest_if_idle(const IngestFile& f) const;

 private:
  explicit BlobStore(std::string root);
  std::string ref_path(std::string_view ref) const;

  std::string root_, blobs_dir_, ingest_dir_;
  bool use_o_tmpfile_ = true;
};

}  // namespace hako::store
