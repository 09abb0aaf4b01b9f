#include "engine/logs/log_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace hako::engine::logs {

namespace {

// A batch is written out once it gets this big, and its buffer is given
// back when a pathological line (all control bytes: 6x) made it bigger.
constexpr size_t kBatchBytes = 16 * 1024;
constexpr size_t kKeepCapacity = 32 * 1024;

Result<UniqueFd> open_log(const std::string& path, int mode, bool truncate) {
  int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0);
  int fd = ::open(path.c_str(), flags, mode);
  if (fd < 0) return fail_sys("opening log " + path);
  return UniqueFd(fd);
}

}  // namespace

Result<JsonFileWriter> JsonFileWriter::open(std::string path, WriterOptions options) {
  if (options.max_size < 0 || options.max_file < 1)
    return fail(ErrorKind::InvalidArgument, "log writer: bad max-size {} / max-file {}",
                options.max_size, options.max_file);
  TRY_ASSIGN(UniqueFd fd, open_log(path, options.mode, false));
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return fail_sys("stat " + path);
  return JsonFileWriter(std::move(path), options, std::move(fd), st.st_size);
}

JsonFileWriter::~JsonFileWriter() {
  if (fd_) (void)flush(now_unix_nanos());
}

Result<> JsonFileWriter::write(Stream stream, std::string_view data, int64_t unix_nanos) {
  consume(stream, data, unix_nanos);
  return finish();
}

Result<> JsonFileWriter::flush(Stream stream, int64_t unix_nanos) {
  Pending& p = pending(stream);
  if (!p.bytes.empty()) emit(stream, p.bytes, p.continued ? p.time : unix_nanos);
  p.bytes.clear();
  p.continued = false;
  return finish();
}

Result<> JsonFileWriter::flush(int64_t unix_nanos) {
  auto out = flush(Stream::Stdout, unix_nanos);
  auto err = flush(Stream::Stderr, unix_nanos);
  return out ? err : out;
}

// Docker's copier over a 16 KiB buffer, without copying whole lines that
// arrive in one piece: only bytes that wait for a newline are buffered.
void JsonFileWriter::consume(Stream stream, std::string_view data, int64_t now) {
  Pending& p = pending(stream);
  while (!data.empty()) {
    size_t room = kMaxMessageBytes - p.bytes.size();
    size_t nl = data.substr(0, room).find('\n');
    size_t take = nl != std::string_view::npos ? nl + 1 : room;
    if (nl == std::string_view::npos && data.size() < room) {
      // No newline and the buffer is not full: wait for more. A line that
      // completes later is stamped when its newline arrives, as in Docker.
      p.bytes.append(data);
      return;
    }
    int64_t time = p.continued ? p.time : now;
    std::string_view piece = data.substr(0, take);
    if (p.bytes.empty()) {
      emit(stream, piece, time);
    } else {
      // Escape buffered and new bytes together: a UTF-8 sequence may
      // straddle two reads.
      p.bytes.append(piece);
      emit(stream, p.bytes, time);
      p.bytes.clear();
    }
    if (nl != std::string_view::npos) {
      p.continued = false;
    } else if (!p.continued) {
      p.continued = true;
      p.time = time;
    }
    data.remove_prefix(take);
  }
}

void JsonFileWriter::emit(Stream stream, std::string_view text, int64_t time) {
  auto note = [&](Result<> r) {
    if (!r && !failure_) failure_ = std::move(r).error();
  };
  if (options_.max_size > 0 && size_ + static_cast<int64_t>(out_.size()) >= options_.max_size) {
    note(write_out());
    auto rotated = rotate();
    // Keep writing to the old file, and try again only after another
    // max_size bytes rather than renaming the history on every entry.
    if (!rotated) size_ = 0;
    note(std::move(rotated));
  }
  append_entry(out_, stream, text, time);
  if (out_.size() >= kBatchBytes) note(write_out());
}

Result<> JsonFileWriter::write_out() {
  size_t done = 0;
  int err = 0;
  while (done < out_.size()) {
    ssize_t n = ::write(fd_.get(), out_.data() + done, out_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    done += static_cast<size_t>(n);
  }
  size_ += static_cast<int64_t>(done);
  out_.clear();
  if (out_.capacity() > kKeepCapacity) std::string().swap(out_);
  if (err) return fail_sys("writing log " + path_, err);
  return {};
}

Result<> JsonFileWriter::finish() {
  auto written = write_out();
  if (failure_) {
    Error e = std::move(*failure_);
    failure_.reset();
    return std::unexpected(std::move(e));
  }
  return written;
}

Result<> JsonFileWriter::rotate() {
  // Someone truncated the file under us (people do `truncate -s0` on
  // Docker's logs): nothing to rotate yet.
  struct stat st;
  if (fstat(fd_.get(), &st) == 0 && st.st_size < options_.max_size) {
    size_ = st.st_size;
    return {};
  }
  if (options_.max_file < 2) {
    // Docker truncates in place; a new file renamed over the old one reads
    // the same, and a follower sees the inode change instead of guessing
    // from sizes.
    std::string tmp = path_ + ".tmp";
    TRY_ASSIGN(UniqueFd fresh, open_log(tmp, options_.mode, true));
    if (::rename(tmp.c_str(), path_.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return fail_sys("replacing log " + path_, err);
    }
    fd_ = std::move(fresh);
    size_ = 0;
    return {};
  }
  // Docker renames PATH.(i-1) to PATH.i for i = max_file-1 .. 2; only the
  // files that exist need it, which keeps a huge max-file cheap.
  int existing = 0;
  while (existing + 1 < options_.max_file &&
         access((path_ + "." + std::to_string(existing + 1)).c_str(), F_OK) == 0)
    ++existing;
  for (int i = std::min(existing, options_.max_file - 2); i >= 1; --i) {
    std::string from = path_ + "." + std::to_string(i);
    std::string to = path_ + "." + std::to_string(i + 1);
    if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT)
      return fail_sys("rotating log " + from);
  }
  std::string first = path_ + ".1";
  if (::rename(path_.c_str(), first.c_str()) != 0 && errno != ENOENT)
    return fail_sys("rotating log " + path_);
  TRY_ASSIGN(fd_, open_log(path_, options_.mode, true));
  size_ = 0;
  return {};
}

}  // namespace hako::engine::logs
