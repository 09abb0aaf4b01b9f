#include "engine/logs/log_reader.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "base/files.h"
#include "engine/logs/log_writer.h"
#include "engine/logs/test_util.h"

namespace hako::engine::logs {
namespace {

using testing::TempDir;

constexpr int64_t kSec = 1000000000;
constexpr int64_t kBase = 1796175869LL * kSec;  // 2026-12-02T01:44:29Z

struct Got {
  std::vector<std::string> texts;
  std::vector<Stream> streams;
  LogSink sink() {
    return [this](const LogEntry& e) {
      texts.emplace_back(e.text);
      streams.push_back(e.stream);
      return true;
    };
  }
};

std::vector<std::string> numbered(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(fmt::format("line {}\n", i));
  return out;
}

// Writes "line 0\n".. "line n-1\n", line i at kBase + i seconds.
void write_lines(const std::string& path, int n, WriterOptions opts = {}) {
  auto w = JsonFileWriter::open(path, opts);
  ASSERT_TRUE(w);
  for (int i = 0; i < n; ++i)
    ASSERT_TRUE(w->write(i % 3 == 2 ? Stream::Stderr : Stream::Stdout, fmt::format("line {}\n", i),
                         kBase + i * kSec));
}

Got read_all(const std::string& path, const ReadOptions& o, ReadStats* stats = nullptr) {
  Got got;
  auto r = read_logs(path, o, got.sink());
  EXPECT_TRUE(r) << r.error().message();
  if (r && stats) *stats = *r;
  return got;
}

TEST(LogReader, MissingLogIsEmpty) {
  TempDir dir;
  EXPECT_TRUE(read_all(dir.log(), {}).texts.empty());
}

TEST(LogReader, ReadsAcrossRotatedFilesOldestFirst) {
  TempDir dir;
  write_lines(dir.log(), 30, {.max_size = 250, .max_file = 100});
  ASSERT_GT(log_file_set(dir.log()).size(), 5u);
  EXPECT_EQ(read_all(dir.log(), {}).texts, numbered(0, 30));
}

TEST(LogReader, TailAcrossRotatedFiles) {
  TempDir dir;
  write_lines(dir.log(), 30, {.max_size = 250, .max_file = 100});
  for (int tail : {0, 1, 2, 3, 4, 7, 13, 29, 30}) {
    EXPECT_EQ(read_all(dir.log(), {.tail = tail}).texts, numbered(30 - tail, 30)) << tail;
  }
  EXPECT_EQ(read_all(dir.log(), {.tail = 1000}).texts, numbered(0, 30));
}

TEST(LogReader, TailOfABigFileCrossesReadBlocks) {
  TempDir dir;
  write_lines(dir.log(), 5000);  // ~400 KiB: several 64 KiB blocks
  for (int tail : {1, 10, 700, 1234, 4999, 5000})
    EXPECT_EQ(read_all(dir.log(), {.tail = tail}).texts, numbered(5000 - tail, 5000)) << tail;
}

TEST(LogReader, SinceUntilStreamsAndTimestamps) {
  TempDir dir;
  write_lines(dir.log(), 10);
  EXPECT_EQ(read_all(dir.log(), {.since = kBase + 7 * kSec}).texts, numbered(7, 10));
  EXPECT_EQ(read_all(dir.log(), {.until = kBase + 2 * kSec}).texts, numbered(0, 3));
  EXPECT_EQ(read_all(dir.log(), {.since = kBase + 3 * kSec, .until = kBase + 4 * kSec}).texts,
            numbered(3, 5));
  // Docker applies --tail to lines first, then the filters.
  EXPECT_EQ(read_all(dir.log(), {.tail = 3, .since = kBase + 8 * kSec}).texts, numbered(8, 10));

  Got err = read_all(dir.log(), {.show_stdout = false});
  EXPECT_EQ(err.texts, (std::vector<std::string>{"line 2\n", "line 5\n", "line 8\n"}));
  for (Stream s : err.streams) EXPECT_EQ(s, Stream::Stderr);
  EXPECT_EQ(read_all(dir.log(), {.show_stderr = false}).texts.size(), 7u);

  EXPECT_EQ(read_all(dir.log(), {.tail = 1, .timestamps = true}).texts,
            std::vector<std::string>{"2026-12-02T01:44:38.000000000Z line 9\n"});
}

TEST(LogReader, SkipsAndCountsCorruptLines) {
  TempDir dir;
  std::string good, older;
  append_entry(older, Stream::Stdout, "old\n", kBase);
  older += "{\"log\":\"torn";  // a rotated file cut mid-entry
  append_entry(good, Stream::Stdout, "one\n", kBase + 1);
  good += "garbage\n\n{\"log\":\"x\"}\n";
  append_entry(good, Stream::Stderr, "two\n", kBase + 2);
  good += "{\"log\":\"in progr";  // a write in progress: not corrupt
  ASSERT_TRUE(write_file(dir.log() + ".1", older));
  ASSERT_TRUE(write_file(dir.log(), good));
  ReadStats stats;
  Got got = read_all(dir.log(), {}, &stats);
  EXPECT_EQ(got.texts, (std::vector<std::string>{"old\n", "one\n", "two\n"}));
  EXPECT_EQ(stats.entries, 3u);
  EXPECT_EQ(stats.corrupt, 4u);
  // The torn newest line is not counted as a line for --tail either.
  EXPECT_EQ(read_all(dir.log(), {.tail = 1}).texts, std::vector<std::string>{"two\n"});
}

TEST(LogReader, SinkCanStopTheRead) {
  TempDir dir;
  write_lines(dir.log(), 10);
  int seen = 0;
  auto r = read_logs(dir.log(), {}, [&](const LogEntry&) { return ++seen < 4; });
  ASSERT_TRUE(r);
  EXPECT_EQ(seen, 4);
}

// A writer thread appends (rotating often) while the reader follows; it
// starts once the reader has read what existed (its first exited() call,
// so --tail is deterministic) and flips `exited` only after its last
// write, as the monitor does.
void follow_while_writing(WriterOptions opts, FollowHooks hooks, int lines, int tail) {
  TempDir dir;
  write_lines(dir.log(), 5, opts);
  std::atomic<bool> following{false}, exited{false};
  std::thread writer([&] {
    auto w = JsonFileWriter::open(dir.log(), opts);
    ASSERT_TRUE(w);
    while (!following) std::this_thread::yield();
    for (int i = 5; i < lines; ++i) {
      ASSERT_TRUE(w->write(Stream::Stdout, fmt::format("line {}\n", i), kBase + i * kSec));
      if (i % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    exited = true;
  });
  hooks.exited = [&] {
    following = true;
    return exited.load();
  };
  Got got;
  auto r = read_logs(dir.log(), {.tail = tail, .follow = true}, got.sink(), hooks);
  following = true;  // never leave the writer spinning, even on failure
  writer.join();
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->corrupt, 0u);
  auto want = numbered(tail < 0 ? 0 : 5 - tail, lines);
  EXPECT_EQ(got.texts.size(), want.size());
  for (size_t i = 0; i < std::min(want.size(), got.texts.size()); ++i)
    ASSERT_EQ(got.texts[i], want[i]) << "entry " << i;
}

TEST(LogReader, FollowPicksUpAppendsAndRotationsWithInotify) {
  follow_while_writing({.max_size = 2000, .max_file = 100}, {.poll_ms = 20}, 2000, -1);
}

TEST(LogReader, FollowWithTailAndAnInjectedWait) {
  int waits = 0;
  FollowHooks hooks;
  hooks.wait = [&] {
    ++waits;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  };
  follow_while_writing({.max_size = 1000, .max_file = 200}, hooks, 1500, 2);
  EXPECT_GT(waits, 0);
}

// With `wait` parking the reader, the writer acts in between two rounds.
struct Parked {
  std::function<void()> step;  // run once, at the first wait
  bool done = false;
  FollowHooks hooks() {
    FollowHooks h;
    h.wait = [this] {
      if (step) step();
      step = nullptr;
      done = true;
    };
    h.exited = [this] { return done; };
    return h;
  }
};

TEST(LogReader, FollowAcrossMaxFileOneReplacement) {
  TempDir dir;
  auto w = JsonFileWriter::open(dir.log(), {.max_size = 20000});
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->write(Stream::Stdout, "before\n", kBase));
  struct stat before;
  ASSERT_EQ(stat(dir.log().c_str(), &before), 0);
  std::string filler(1000, 'f');
  Parked parked;
  parked.step = [&] {
    for (int i = 0; i < 25; ++i) ASSERT_TRUE(w->write(Stream::Stdout, filler + "\n", kBase));
    ASSERT_TRUE(w->write(Stream::Stdout, "after\n", kBase));
  };
  Got got;
  auto r = read_logs(dir.log(), {.follow = true}, got.sink(), parked.hooks());
  ASSERT_TRUE(r);
  struct stat now;
  ASSERT_EQ(stat(dir.log().c_str(), &now), 0);
  EXPECT_NE(now.st_ino, before.st_ino);  // the file was replaced
  EXPECT_FALSE(path_exists(dir.log() + ".1"));
  EXPECT_EQ(r->corrupt, 0u);
  ASSERT_EQ(got.texts.size(), 27u);
  EXPECT_EQ(got.texts.front(), "before\n");
  EXPECT_EQ(got.texts[1], filler + "\n");
  EXPECT_EQ(got.texts.back(), "after\n");
}

TEST(LogReader, FollowRereadsAFileTruncatedByHand) {
  TempDir dir;
  write_lines(dir.log(), 20);
  Parked parked;
  parked.step = [&] {
    ASSERT_EQ(truncate(dir.log().c_str(), 0), 0);
    auto w = JsonFileWriter::open(dir.log());
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->write(Stream::Stdout, "fresh\n", kBase));
  };
  Got got;
  auto r = read_logs(dir.log(), {.tail = 1, .follow = true}, got.sink(), parked.hooks());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->corrupt, 0u);
  EXPECT_EQ(got.texts, (std::vector<std::string>{"line 19\n", "fresh\n"}));
}

TEST(LogReader, FollowWaitsForTheLogToAppear) {
  TempDir dir;
  std::atomic<bool> exited{false};
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    auto w = JsonFileWriter::open(dir.log());
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->write(Stream::Stderr, "hello\n", kBase));
    exited = true;
  });
  Got got;
  FollowHooks hooks{.exited = [&] { return exited.load(); }, .poll_ms = 10};
  auto r = read_logs(dir.log(), {.follow = true}, got.sink(), hooks);
  writer.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(got.texts, std::vector<std::string>{"hello\n"});
}

TEST(LogReader, FollowIsWokenByInotifyNotByItsTimeout) {
  TempDir dir;
  write_lines(dir.log(), 1);
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto w = JsonFileWriter::open(dir.log());
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->write(Stream::Stdout, "wake\n", kBase));
  });
  auto start = std::chrono::steady_clock::now();
  std::vector<std::string> got;
  auto r = read_logs(dir.log(), {.follow = true}, [&](const LogEntry& e) {
    got.emplace_back(e.text);
    return got.size() < 2;  // stop after the appended line
  }, {.poll_ms = 20000});
  writer.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(got, (std::vector<std::string>{"line 0\n", "wake\n"}));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(LogReader, FollowStopsPastUntil) {
  TempDir dir;
  write_lines(dir.log(), 10);
  Got got;
  // Never "exits": the read ends because an entry is past --until.
  auto r = read_logs(dir.log(), {.until = kBase + 4 * kSec, .follow = true}, got.sink(), {});
  ASSERT_TRUE(r);
  EXPECT_EQ(got.texts, numbered(0, 5));
}

}  // namespace
}  // namespace hako::engine::logs
