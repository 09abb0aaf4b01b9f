#include "engine/logs/log_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "base/fd.h"
#include "engine/logs/log_watch.h"

namespace hako::engine::logs {

namespace {

constexpr size_t kBlock = 64 * 1024;
constexpr int kMaxRotated = 10000;
// Probes of PATH.k stop at the second missing name in a row, not the first:
// mid-rotation the writer has just moved PATH.k away and not yet moved
// PATH.k-1 in, and stopping there would skip the older files.
constexpr int kGap = 2;
// No entry Docker or we write comes near this (16 KiB escaped at most 6x);
// a longer "line" is garbage and is skipped without buffering it all.
constexpr size_t kMaxLine = 1 << 20;

std::string rotated_name(const std::string& path, int k) {
  return k == 0 ? path : path + "." + std::to_string(k);
}

struct LogFile {
  UniqueFd fd;
  dev_t dev = 0;
  ino_t ino = 0;
  int64_t size = 0;    // when opened
  int64_t offset = 0;  // next byte to read
  int64_t end = -1;    // read no further; -1: to EOF (follow mode)
  bool same(const struct stat& st) const { return st.st_dev == dev && st.st_ino == ino; }
};

Result<std::optional<LogFile>> open_log_file(const std::string& p) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    return fail_sys("opening log " + p);
  }
  LogFile f;
  f.fd.reset(fd);
  struct stat st;
  if (fstat(fd, &st) != 0) return fail_sys("stat " + p);
  f.dev = st.st_dev;
  f.ino = st.st_ino;
  f.size = f.end = st.st_size;
  return f;
}

// Opens PATH, PATH.1, ... newest first and returns them oldest first. A
// rotation in the middle shows up as PATH no longer being the file opened
// first; then it starts over.
Result<std::vector<LogFile>> open_set(const std::string& path) {
  for (int attempt = 0;; ++attempt) {
    std::vector<LogFile> files;
    int misses = 0;
    for (int k = 0; k < kMaxRotated; ++k) {
      TRY_ASSIGN(auto f, open_log_file(rotated_name(path, k)));
      if (!f) {
        // No current file (yet) is fine: older ones may still exist.
        if (k > 0 && ++misses == kGap) break;
        continue;
      }
      misses = 0;
      bool dup = std::any_of(files.begin(), files.end(),
                             [&](const LogFile& o) { return o.dev == f->dev && o.ino == f->ino; });
      if (!dup) files.push_back(std::move(*f));
    }
    struct stat st;
    bool have = stat(path.c_str(), &st) == 0;
    bool stable = have ? !files.empty() && files.front().same(st) : true;
    if (stable || attempt == 3) {
      std::reverse(files.begin(), files.end());
      return files;
    }
  }
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

class Reader {
 public:
  Reader(const std::string& path, const ReadOptions& options, const LogSink& sink)
      : path_(path), options_(options), sink_(sink) {}

  Result<ReadStats> run(const FollowHooks& hooks);

 private:
  struct Scan {
    bool found = false;
    int64_t start = 0;
    int64_t lines = 0;
  };
  struct Start {
    size_t index = 0;
    int64_t offset = 0;
  };

  Result<Start> tail_start(std::vector<LogFile>& files);
  Result<Scan> scan_back(LogFile& f, int64_t need);
  Result<> drain(LogFile& f);
  Result<bool> advance(LogFile& cur);
  void finish_file();
  void handle_line(std::string_view line);
  Result<size_t> pread_full(int fd, char* buf, size_t len, int64_t at);

  const std::string& path_;
  const ReadOptions& options_;
  const LogSink& sink_;
  std::string buf_;
  std::string carry_;  // an incomplete line
  bool skipping_ = false;  // inside an overlong line
  DecodedEntry entry_;
  std::string scratch_;
  bool stop_ = false;
  ReadStats stats_;
};

Result<size_t> Reader::pread_full(int fd, char* buf, size_t len, int64_t at) {
  size_t got = 0;
  while (got < len) {
    ssize_t n = ::pread(fd, buf + got, len - got, at + static_cast<int64_t>(got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_sys("reading log " + path_);
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  return got;
}

// Walks f backwards from its size in blocks. The first newline met ends the
// last complete line (bytes after it are a write in progress); the line
// starting after the k-th newline met is the k-th from the end.
Result<Reader::Scan> Reader::scan_back(LogFile& f, int64_t need) {
  buf_.resize(kBlock);
  int64_t pos = f.size;
  int64_t seen = 0;
  while (pos > 0) {
    size_t len = static_cast<size_t>(std::min<int64_t>(kBlock, pos));
    pos -= static_cast<int64_t>(len);
    TRY_ASSIGN(size_t got, pread_full(f.fd.get(), buf_.data(), len, pos));
    for (size_t i = std::min(got, len); i-- > 0;) {
      if (buf_[i] != '\n') continue;
      int64_t after = pos + static_cast<int64_t>(i) + 1;
      if (seen == 0 && need == 0) return Scan{true, after, 0};
      if (seen > 0 && seen == need) return Scan{true, after, seen};
      ++seen;
    }
  }
  return Scan{false, 0, seen};
}

Result<Reader::Start> Reader::tail_start(std::vector<LogFile>& files) {
  if (options_.tail < 0 || files.empty()) return Start{};
  int64_t remaining = options_.tail;
  for (size_t idx = files.size(); idx-- > 0;) {
    TRY_ASSIGN(Scan scan, scan_back(files[idx], remaining));
    if (scan.found) return Start{idx, scan.start};
    remaining -= scan.lines;
    if (remaining <= 0) return Start{idx, 0};
  }
  return Start{};
}

void Reader::handle_line(std::string_view line) {
  if (!decode_entry(line, entry_)) {
    ++stats_.corrupt;
    return;
  }
  bool wanted = entry_.stream == Stream::Stdout ? options_.show_stdout : options_.show_stderr;
  if (!wanted) return;
  if (options_.since && entry_.time < *options_.since) return;
  if (options_.until && entry_.time > *options_.until) {
    // Following past `until` would never end; Docker stops there too.
    if (options_.follow) stop_ = true;
    return;
  }
  std::string_view text = entry_.text;
  if (options_.timestamps) {
    scratch_ = rfc3339_nano_fixed(entry_.time);
    scratch_.push_back(' ');
    scratch_.append(entry_.text);
    text = scratch_;
  }
  ++stats_.entries;
  if (!sink_(LogEntry{entry_.stream, text, entry_.time})) stop_ = true;
}

Result<> Reader::drain(LogFile& f) {
  buf_.resize(kBlock);
  while (!stop_) {
    size_t want = kBlock;
    if (f.end >= 0) {
      if (f.offset >= f.end) break;
      want = static_cast<size_t>(std::min<int64_t>(kBlock, f.end - f.offset));
    }
    ssize_t n = ::pread(f.fd.get(), buf_.data(), want, f.offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_sys("reading log " + path_);
    }
    if (n == 0) break;
    f.offset += n;
    std::string_view chunk(buf_.data(), static_cast<size_t>(n));
    while (!chunk.empty() && !stop_) {
      size_t nl = chunk.find('\n');
      if (nl == std::string_view::npos) {
        if (!skipping_) carry_.append(chunk);
        if (carry_.size() > kMaxLine) {
          skipping_ = true;
          std::string().swap(carry_);
        }
        break;
      }
      if (skipping_) {
        ++stats_.corrupt;
        skipping_ = false;
      } else if (carry_.empty()) {
        handle_line(chunk.substr(0, nl));
      } else {
        carry_.append(chunk.substr(0, nl));
        handle_line(carry_);
        carry_.clear();
      }
      chunk.remove_prefix(nl + 1);
    }
  }
  return {};
}

void Reader::finish_file() {
  if (!carry_.empty() || skipping_) ++stats_.corrupt;
  carry_.clear();
  skipping_ = false;
}

// Moves `cur` on when the writer rotated (or PATH appeared): returns true
// when reading should continue at once on the new `cur`.
Result<bool> Reader::advance(LogFile& cur) {
  struct stat st;
  bool have_path = stat(path_.c_str(), &st) == 0;
  if (!cur.fd) {
    if (!have_path) return false;
    TRY_ASSIGN(auto f, open_log_file(path_));
    if (!f) return false;
    cur = std::move(*f);
    cur.end = -1;
    return true;
  }
  if (have_path && cur.same(st)) return false;
  // Whatever the writer put in before the rename is in the old file.
  TRY(drain(cur));
  if (stop_) return false;
  // The writer renames oldest first (PATH.k to PATH.k+1 before PATH.k-1 to
  // PATH.k), so a successor opened while our file still sits at PATH.k is
  // the right one; if it moved meanwhile, look again.
  for (int attempt = 0; attempt < 8; ++attempt) {
    int found = -1, oldest = have_path ? 0 : -1, misses = 0;
    for (int k = 1; k < kMaxRotated; ++k) {
      struct stat rs;
      if (stat(rotated_name(path_, k).c_str(), &rs) != 0) {
        if (++misses == kGap) break;
        continue;
      }
      misses = 0;
      oldest = k;
      if (cur.same(rs)) {
        found = k;
        break;
      }
    }
    // Not in the set any more: rotated out or removed; the oldest survivor
    // is next (none: keep waiting on the old file).
    int next = found >= 1 ? found - 1 : oldest;
    if (next < 0) return false;
    TRY_ASSIGN(auto f, open_log_file(rotated_name(path_, next)));
    if (!f) continue;
    if (f->dev == cur.dev && f->ino == cur.ino) return false;
    struct stat again;
    if (found >= 1 && (stat(rotated_name(path_, found).c_str(), &again) != 0 || !cur.same(again)))
      continue;
    finish_file();
    cur = std::move(*f);
    cur.end = -1;
    return true;
  }
  return false;
}

Result<ReadStats> Reader::run(const FollowHooks& hooks) {
  std::optional<DirWatch> watch;
  if (options_.follow && !hooks.wait) {
    // Watch before the first read, so an append right after it still wakes us.
    auto w = DirWatch::open(dir_of(path_));
    if (w) watch.emplace(std::move(*w));
  }
  TRY_ASSIGN(auto files, open_set(path_));
  TRY_ASSIGN(Start start, tail_start(files));
  for (size_t i = start.index; i < files.size(); ++i) {
    LogFile& f = files[i];
    f.offset = i == start.index ? start.offset : 0;
    if (options_.follow) f.end = -1;
    TRY(drain(f));
    if (stop_) return stats_;
    if (i + 1 < files.size()) finish_file();
  }
  if (!options_.follow) return stats_;  // a torn newest line is a write in progress

  LogFile cur;
  if (!files.empty()) cur = std::move(files.back());
  files.clear();
  for (;;) {
    bool done = hooks.exited && hooks.exited();
    if (cur.fd) {
      struct stat st;
      if (fstat(cur.fd.get(), &st) == 0 && st.st_size < cur.offset) {
        cur.offset = 0;  // truncated in place
        carry_.clear();
        skipping_ = false;
      }
      TRY(drain(cur));
    }
    if (stop_) break;
    TRY_ASSIGN(bool moved, advance(cur));
    if (stop_) break;
    if (moved) continue;
    if (done) break;
    if (hooks.wait) {
      hooks.wait();
    } else if (watch) {
      watch->wait(hooks.poll_ms);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(hooks.poll_ms));
    }
  }
  return stats_;
}

}  // namespace

std::vector<std::string> log_file_set(const std::string& path) {
  std::vector<std::string> out;
  int misses = 0;
  for (int k = 1; k < kMaxRotated; ++k) {
    std::string name = rotated_name(path, k);
    if (access(name.c_str(), F_OK) != 0) {
      if (++misses == kGap) break;
      continue;
    }
    misses = 0;
    out.push_back(std::move(name));
  }
  std::reverse(out.begin(), out.end());
  if (access(path.c_str(), F_OK) == 0) out.push_back(path);
  return out;
}

Result<ReadStats> read_logs(const std::string& path, const ReadOptions& options,
                            const LogSink& sink, const FollowHooks& hooks) {
  Reader reader(path, options, sink);
  return reader.run(hooks);
}

}  // namespace hako::engine::logs
