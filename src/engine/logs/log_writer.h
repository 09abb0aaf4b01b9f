// JsonFileWriter: the container monitor's side of the json-file log.
//
// It turns the bytes a container writes on stdout/stderr into json-file
// entries the way Docker's copier and jsonfilelog driver do:
//  - every "\n"-terminated line becomes one entry whose "log" ends in "\n";
//  - bytes without a newline wait in a per-stream buffer; once 16 KiB have
//    piled up they are written as an entry with no newline, and every later
//    piece of that line (including the last, which carries the "\n") gets
//    the first piece's time, as Docker does;
//  - flush() (stream EOF) writes what is buffered without adding a newline.
//
// Rotation is Docker's: before an entry is written, if the current file has
// reached max_size, it is renamed to PATH.1 (PATH.1 to PATH.2 ... up to
// PATH.<max_file-1>, the oldest falling off) and a new PATH is created. With
// max_file 1 Docker truncates in place; we rename a fresh file over PATH,
// which leaves the same bytes on disk but lets a follower see the inode
// change. A file may exceed max_size by one entry.
//
// Cost: the partial buffers grow only as far as the longest pending line
// (at most 16 KiB each), entries of one write() call are batched into one
// write(2), nothing is fsynced. The file is opened O_APPEND and never locked,
// so readers (`hako logs -f`) may read, and rotation may race with them;
// readers cope with a torn last line (log_reader.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/fd.h"
#include "engine/logs/log_format.h"

namespace hako::engine::logs {

struct WriterOptions {
  int64_t max_size = 0;  // bytes; 0: never rotate
  int max_file = 1;      // with max_size: files kept, the current one included
  int mode = 0640;       // for newly created files, as Docker
};

class JsonFileWriter {
 public:
  // Opens (creating) PATH for appending; an existing file is continued, as
  // Docker does when a container restarts.
  static Result<JsonFileWriter> open(std::string path, WriterOptions options = {});

  JsonFileWriter(JsonFileWriter&&) noexcept = default;
  JsonFileWriter& operator=(JsonFileWriter&&) noexcept = default;
  // Best effort: writes out buffered partial lines, ignoring errors.
  ~JsonFileWriter();

  // Logs bytes read from the container's `stream`, stamped `unix_nanos`.
  // On a write error the entries of this call are dropped (never retried,
  // so a full disk cannot make the monitor's memory grow) and the error is
  // returned; later calls try again.
  Result<> write(Stream stream, std::string_view data, int64_t unix_nanos);
  // The stream reached EOF: its partial line is written as is, stamped
  // `unix_nanos` unless an earlier piece of it set the time.
  Result<> flush(Stream stream, int64_t unix_nanos);
  Result<> flush(int64_t unix_nanos);  // both streams

  const std::string& path() const { return path_; }
  int64_t size() const { return size_; }  // bytes in the current file

 private:
  struct Pending {
    std::string bytes;
    int64_t time = 0;        // of the first piece already written
    bool continued = false;  // a piece of this line was already written
  };

  JsonFileWriter(std::string path, WriterOptions options, UniqueFd fd, int64_t size)
      : path_(std::move(path)), options_(options), fd_(std::move(fd)), size_(size) {}

  void consume(Stream stream, std::string_view data, int64_t now);
  void emit(Stream stream, std::string_view text, int64_t time);
  Result<> write_out();
  Result<> finish();  // write_out, then the first failure of the batch
  Result<> rotate();
  Pending& pending(Stream s) { return s == Stream::Stdout ? stdout_ : stderr_; }

  std::string path_;
  WriterOptions options_;
  UniqueFd fd_;
  int64_t size_ = 0;
  Pending stdout_, stderr_;
  std::string out_;  // entries not yet written
  // The first failure while batching (a rotation or mid-batch write
  // error), reported by the call that made the batch.
  std::optional<Error> failure_;
};

}  // namespace hako::engine::logs
