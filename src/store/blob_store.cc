#include "store/blob_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "base/files.h"

namespace hako::store {

// A rename or link is only durable once its directory is synced.
static Result<> fsync_dir(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return fail_sys(fmt::format("open {}", dir));
  if (::fsync(fd.get()) < 0) return fail_sys(fmt::format("fsync {}", dir));
  return {};
}

// Feeds the fd's whole content through `h`; returns bytes read.
static Result<uint64_t> hash_fd(int fd, Sha256& h, std::string_view what) {
  char buf[64 * 1024];
  uint64_t total = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(total));
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_sys(fmt::format("read {}", what));
    }
    if (n == 0) return total;
    h.update(buf, static_cast<size_t>(n));
    total += static_cast<uint64_t>(n);
  }
}

// ---- BlobWriter ----

BlobWriter::BlobWriter(const BlobStore& store, UniqueFd fd, std::string temp_path, bool keep_on_drop)
    : blobs_dir_(store.blobs_dir()), fd_(std::move(fd)), temp_path_(std::move(temp_path)),
      keep_on_drop_(keep_on_drop) {}

BlobWriter::BlobWriter(BlobWriter&& other) noexcept
    : blobs_dir_(std::move(other.blobs_dir_)), fd_(std::move(other.fd_)), hasher_(std::move(other.hasher_)),
      offset_(other.offset_), temp_path_(std::move(other.temp_path_)), keep_on_drop_(other.keep_on_drop_),
      done_(std::exchange(other.done_, true)) {}

BlobWriter::~BlobWriter() {
  if (!done_ && !keep_on_drop_) discard();
}

void BlobWriter::discard() {
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  fd_.reset();
  done_ = true;
}

void BlobWriter::abort() {
  if (!done_) discard();
}

Result<> BlobWriter::write(std::string_view chunk) {
  if (done_) return fail(ErrorKind::Internal, "write to a finished blob writer");
  TRY(write_all(fd_.get(), chunk, temp_path_.empty() ? "blob ingest" : temp_path_));
  hasher_.update(chunk);
  offset_ += chunk.size();
  return {};
}

Result<Digest> BlobWriter::commit(const std::optional<Digest>& expected, std::optional<uint64_t> expected_size) {
  if (done_) return fail(ErrorKind::Internal, "commit of a finished blob writer");
  Digest actual = hasher_.finish();
  std::string name = expected ? expected->to_string() : std::string("blob");
  if (expected_size && *expected_size != offset_) {
    discard();
    return fail(ErrorKind::InvalidArgument, "size mismatch for {}: expected {} bytes, got {} (digest {})", name,
                *expected_size, offset_, actual.to_string());
  }
  if (expected && actual != *expected) {
    discard();
    return fail(ErrorKind::InvalidArgument, "digest mismatch: expected {}, got {}", expected->to_string(),
                actual.to_string());
  }
  // Data must be on disk before the name is: otherwise a power cut could
  // leave a blob file whose name promises content it does not have.
  if (::fsync(fd_.get()) < 0) return fail_sys("fsync blob ingest");
  std::string final_path = blobs_dir_ + "/" + actual.hex;
  if (temp_path_.empty()) {
    // O_TMPFILE: linking gives the inode its name in one step; EEXIST means a
    // concurrent writer already published the same content.
    std::string proc = fmt::format("/proc/self/fd/{}", fd_.get());
    if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, final_path.c_str(), AT_SYMLINK_FOLLOW) < 0 && errno != EEXIST)
      return fail_sys(fmt::format("link {}", final_path));
  } else if (path_exists(final_path)) {
    ::unlink(temp_path_.c_str());
  } else if (::rename(temp_path_.c_str(), final_path.c_str()) < 0) {
    return fail_sys(fmt::format("rename {} to {}", temp_path_, final_path));
  }
  TRY(fsync_dir(blobs_dir_));
  fd_.reset();
  done_ = true;
  return actual;
}

// ---- BlobStore ----

BlobStore::BlobStore(std::string root)
    : root_(std::move(root)), blobs_dir_(root_ + "/blobs/sha256"), ingest_dir_(root_ + "/ingest") {}

Result<BlobStore> BlobStore::open(std::string root, bool use_o_tmpfile) {
  BlobStore s(std::move(root));
  s.use_o_tmpfile_ = use_o_tmpfile;
  TRY(make_dirs(s.blobs_dir_));
  TRY(make_dirs(s.ingest_dir_));
  return s;
}

std::string BlobStore::ref_path(std::string_view ref) const {
  // Hash the ref so any string (URL, digest) is a safe, fixed-length name.
  return ingest_dir_ + "/ref-" + sha256_of(ref).hex;
}

Result<BlobWriter> BlobStore::begin_write() const {
  // O_TMPFILE leaves nothing behind if we are killed; publishing it needs
  // /proc/self/fd (linkat with AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH).
  static const bool have_proc = ::access("/proc/self/fd", F_OK) == 0;
  if (have_proc && use_o_tmpfile_) {
    UniqueFd fd(::open(ingest_dir_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0644));
    if (fd) return BlobWriter(*this, std::move(fd), "", false);
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
      return fail_sys(fmt::format("open O_TMPFILE in {}", ingest_dir_));
  }
  std::string path = ingest_dir_ + "/tmp-XXXXXX";
  UniqueFd fd(::mkostemp(path.data(), O_CLOEXEC));
  if (!fd) return fail_sys(fmt::format("create temp file in {}", ingest_dir_));
  ::fchmod(fd.get(), 0644);
  return BlobWriter(*this, std::move(fd), std::move(path), false);
}

Result<BlobWriter> BlobStore::resume_write(std::string_view ref) const {
  std::string path = ref_path(ref);
  for (;;) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (!fd) return fail_sys(fmt::format("open ingest {}", path));
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) < 0) {
      if (errno == EWOULDBLOCK) return fail(ErrorKind::Conflict, "ingest for {} is in use by another writer", ref);
      return fail_sys(fmt::format("flock {}", path));
    }
    // GC or a committing writer may have unlinked or renamed the file between
    // our open and flock; then we hold a lock on an orphan inode. Retry.
    struct stat by_fd, by_path;
    if (::fstat(fd.get(), &by_fd) < 0) return fail_sys(fmt::format("fstat {}", path));
    if (::stat(path.c_str(), &by_path) < 0 || by_fd.st_ino != by_path.st_ino || by_fd.st_dev != by_path.st_dev)
      continue;
    BlobWriter w(*this, std::move(fd), path, true);
    // The surviving prefix is rehashed rather than trusting saved hash state:
    // a killed writer may have written more (or less) than it recorded.
    TRY_ASSIGN(w.offset_, hash_fd(w.fd_.get(), w.hasher_, path));
    if (::lseek(w.fd_.get(), 0, SEEK_END) < 0) return fail_sys(fmt::format("lseek {}", path));
    ::futimens(w.fd_.get(), nullptr);  // GC ages ingests by last activity
    return w;
  }
}

Result<> BlobStore::abort_ingest(std::string_view ref) const {
  std::string path = ref_path(ref);
  if (::unlink(path.c_str()) < 0 && errno != ENOENT) return fail_sys(fmt::format("unlink {}", path));
  return {};
}

Result<Digest> BlobStore::put(std::string_view data) const {
  TRY_ASSIGN(auto w, begin_write());
  TRY(w.write(data));
  return w.commit();
}

Result<Digest> BlobStore::put(std::string_view data, const Digest& expected) const {
  TRY_ASSIGN(auto w, begin_write());
  TRY(w.write(data));
  return w.commit(expected, data.size());
}

bool BlobStore::exists(const Digest& d) const { return path_exists(blob_path(d)); }

Result<uint64_t> BlobStore::size(const Digest& d) const {
  struct stat st;
  if (::stat(blob_path(d).c_str(), &st) < 0) {
    if (errno == ENOENT) return fail(ErrorKind::NotFound, "blob {} not found", d.to_string());
    return fail_sys(fmt::format("stat blob {}", d.to_string()));
  }
  return static_cast<uint64_t>(st.st_size);
}

Result<UniqueFd> BlobStore::open_blob(const Digest& d) const {
  UniqueFd fd(::open(blob_path(d).c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return fail(ErrorKind::NotFound, "blob {} not found", d.to_string());
    return fail_sys(fmt::format("open blob {}", d.to_string()));
  }
  return fd;
}

Result<std::string> BlobStore::read(const Digest& d, bool verify) const {
  if (!exists(d)) return fail(ErrorKind::NotFound, "blob {} not found", d.to_string());
  TRY_ASSIGN(std::string data, read_file(blob_path(d)));
  if (verify) {
    Digest actual = sha256_of(data);
    if (actual != d)
      return fail(ErrorKind::Internal, "blob {} is corrupt: content hashes to {}", d.to_string(), actual.to_string());
  }
  return data;
}

Result<> BlobStore::verify(const Digest& d) const {
  TRY_ASSIGN(UniqueFd fd, open_blob(d));
  Sha256 h;
  TRY(hash_fd(fd.get(), h, blob_path(d)));
  Digest actual = h.finish();
  if (actual != d)
    return fail(ErrorKind::Internal, "blob {} is corrupt: content hashes to {}", d.to_string(), actual.to_string());
  return {};
}

Result<bool> BlobStore::remove(const Digest& d) const {
  if (::unlink(blob_path(d).c_str()) < 0) {
    if (errno == ENOENT) return false;
    return fail_sys(fmt::format("remove blob {}", d.to_string()));
  }
  return true;
}

// Calls fn(name, stat) for each regular file in dir.
template <typename Fn>
static Result<> for_each_file(const std::string& dir, Fn fn) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return fail_sys(fmt::format("opendir {}", dir));
  while (auto* e = ::readdir(d)) {
    struct stat st;
    if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode)) continue;
    fn(std::string_view(e->d_name), st);
  }
  ::closedir(d);
  return {};
}

Result<std::vector<Digest>> BlobStore::list() const {
  std::vector<Digest> out;
  TRY(for_each_file(blobs_dir_, [&](std::string_view name, const struct stat&) {
    if (is_sha256_hex(name)) out.push_back(Digest{"sha256", std::string(name)});
  }));
  return out;
}

Result<std::vector<IngestFile>> BlobStore::list_ingest() const {
  std::vector<IngestFile> out;
  TRY(for_each_file(ingest_dir_, [&](std::string_view name, const struct stat& st) {
    out.push_back(IngestFile{ingest_dir_ + "/" + std::string(name), static_cast<uint64_t>(st.st_size),
                             st.st_mtime});
  }));
  return out;
}

Result<bool> BlobStore::remove_ingest_if_idle(const IngestFile& f) const {
  UniqueFd fd(::open(f.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return false;
    return fail_sys(fmt::format("open {}", f.path));
  }
  // A resumable writer holds LOCK_EX for as long as it is alive.
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) < 0) return false;
  if (::unlink(f.path.c_str()) < 0 && errno != ENOENT) return fail_sys(fmt::format("unlink {}", f.path));
  return true;
}

}  // namespace hako::store
