#include "engine/logs/log_writer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/files.h"
#include "engine/logs/log_reader.h"
#include "engine/logs/test_util.h"

namespace hako::engine::logs {
namespace {

using testing::file_lines;
using testing::TempDir;

constexpr int64_t kT1 = 1796175869LL * 1000000000 + 1;  // 2026-12-02T01:44:29.000000001Z
constexpr int64_t kT2 = kT1 + 1000000000;

std::string line(Stream s, std::string_view text, int64_t t) {
  std::string out;
  append_entry(out, s, text, t);
  out.pop_back();
  return out;
}

TEST(LogWriter, SplitsLinesAndBuffersPartials) {
  TempDir dir;
  auto w = JsonFileWriter::open(dir.log());
  ASSERT_TRUE(w) << w.error().message();
  ASSERT_TRUE(w->write(Stream::Stdout, "a\nb\nc", kT1));
  EXPECT_EQ(file_lines(dir.log()),
            (std::vector<std::string>{line(Stream::Stdout, "a\n", kT1), line(Stream::Stdout, "b\n", kT1)}));
  // The rest of "c" arrives later: the line is stamped when it completes.
  ASSERT_TRUE(w->write(Stream::Stdout, "d\n\n", kT2));
  auto lines = file_lines(dir.log());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[2], line(Stream::Stdout, "cd\n", kT2));
  EXPECT_EQ(lines[3], line(Stream::Stdout, "\n", kT2));
  EXPECT_EQ(w->size(), static_cast<int64_t>(read_file(dir.log())->size()));
}

TEST(LogWriter, KeepsOnePartialBufferPerStream) {
  TempDir dir;
  auto w = JsonFileWriter::open(dir.log());
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->write(Stream::Stdout, "out-", kT1));
  ASSERT_TRUE(w->write(Stream::Stderr, "err-", kT1));
  ASSERT_TRUE(w->write(Stream::Stderr, "line\n", kT1));
  ASSERT_TRUE(w->write(Stream::Stdout, "line\n", kT2));
  EXPECT_EQ(file_lines(dir.log()), (std::vector<std::string>{line(Stream::Stderr, "err-line\n", kT1),
                                                             line(Stream::Stdout, "out-line\n", kT2)}));
}

TEST(LogWriter, FlushWritesThePartialLineWithoutANewline) {
  TempDir dir;
  auto w = JsonFileWriter::open(dir.log());
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->write(Stream::Stdout, "no newline", kT1));
  EXPECT_TRUE(file_lines(dir.log()).empty());
  ASSERT_TRUE(w->flush(kT2));
  EXPECT_EQ(file_lines(dir.log()), std::vector<std::string>{line(Stream::Stdout, "no newline", kT2)});
  ASSERT_TRUE(w->flush(kT2));  // nothing left: no empty entry
  EXPECT_EQ(file_lines(dir.log()).size(), 1u);
}

TEST(LogWriter, SplitsLongLinesAt16KiBWithTheFirstPiecesTime) {
  TempDir dir;
  auto w = JsonFileWriter::open(dir.log());
  ASSERT_TRUE(w);
  std::string big(20000, 'x');
  ASSERT_TRUE(w->write(Stream::Stdout, big.substr(0, 10000), kT1));  // buffered
  ASSERT_TRUE(w->write(Stream::Stdout, big.substr(10000) + "\nnext\n", kT2));
  auto lines = file_lines(dir.log());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], line(Stream::Stdout, std::string(16384, 'x'), kT2));
  EXPECT_EQ(lines[1], line(Stream::Stdout, std::string(20000 - 16384, 'x') + "\n", kT2));
  EXPECT_EQ(lines[2], line(Stream::Stdout, "next\n", kT2));

  // Exactly 16 KiB and then the newline: Docker writes an entry of just "\n",
  // and every piece keeps the time of the first.
  TempDir dir2;
  auto w2 = JsonFileWriter::open(dir2.log());
  ASSERT_TRUE(w2);
  ASSERT_TRUE(w2->write(Stream::Stderr, std::string(16384, 'y'), kT1));
  ASSERT_TRUE(w2->write(Stream::Stderr, "\n", kT2));
  EXPECT_EQ(file_lines(dir2.log()), (std::vector<std::string>{line(Stream::Stderr, std::string(16384, 'y'), kT1),
                                                              line(Stream::Stderr, "\n", kT1)}));
}

TEST(LogWriter, ContinuesAnExistingFile) {
  TempDir dir;
  {
    auto w = JsonFileWriter::open(dir.log());
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->write(Stream::Stdout, "first run\n", kT1));
  }
  auto w = JsonFileWriter::open(dir.log());
  ASSERT_TRUE(w);
  EXPECT_GT(w->size(), 0);
  ASSERT_TRUE(w->write(Stream::Stdout, "second run\n", kT2));
  EXPECT_EQ(file_lines(dir.log()).size(), 2u);
  struct stat st;
  ASSERT_EQ(stat(dir.log().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

TEST(LogWriter, DestructorWritesPendingPartials) {
  TempDir dir;
  {
    auto w = JsonFileWriter::open(dir.log());
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->write(Stream::Stdout, "tail", kT1));
  }
  auto lines = file_lines(dir.log());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(R"("log":"tail")"), std::string::npos);
}

TEST(LogWriter, RotatesKeepingAtMostMaxFileFiles) {
  TempDir dir;
  auto w = JsonFileWriter::open(dir.log(), {.max_size = 300, .max_file = 3});
  ASSERT_TRUE(w);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(w->write(Stream::Stdout, fmt::format("line {}\n", i), kT1 + i));
  EXPECT_TRUE(path_exists(dir.log()));
  EXPECT_TRUE(path_exists(dir.log() + ".1"));
  EXPECT_TRUE(path_exists(dir.log() + ".2"));
  EXPECT_FALSE(path_exists(dir.log() + ".3"));
  EXPECT_EQ(log_file_set(dir.log()), (std::vector<std::string>{dir.log() + ".2", dir.log() + ".1", dir.log()}));
  // A file exceeds max-size by at most the entry that crossed it.
  size_t entry = line(Stream::Stdout, "line 99\n", kT1).size() + 1;
  for (const auto& f : log_file_set(dir.log())) EXPECT_LT(read_file(f)->size(), 300 + entry) << f;

  // The reader sees the surviving lines in order, ending with the last one.
  std::vector<std::string> got;
  auto stats = read_logs(dir.log(), {}, [&](const LogEntry& e) {
    got.emplace_back(e.text);
    return true;
  });
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->corrupt, 0u);
  ASSERT_FALSE(got.empty());
  int first = std::stoi(got.front().substr(5));
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], fmt::format("line {}\n", first + i));
  EXPECT_EQ(got.back(), "line 99\n");
}

TEST(LogWriter, MaxFileOneTruncatesInPlace) {
  TempDir dir;
  auto w = JsonFileWriter::open(dir.log(), {.max_size = 200});
  ASSERT_TRUE(w);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(w->write(Stream::Stdout, fmt::format("line {}\n", i), kT1));
  EXPECT_FALSE(path_exists(dir.log() + ".1"));
  EXPECT_LT(read_file(dir.log())->size(), 400u);
  EXPECT_NE(read_file(dir.log())->find("line 49"), std::string::npos);
}

TEST(LogWriter, FileTruncatedByHandIsNotRotatedEarly) {
  TempDir dir;
  auto w = JsonFileWriter::open(dir.log(), {.max_size = 500, .max_file = 2});
  ASSERT_TRUE(w);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(w->write(Stream::Stdout, fmt::format("line {}\n", i), kT1));
  ASSERT_GE(w->size(), 400);
  ASSERT_EQ(truncate(dir.log().c_str(), 0), 0);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(w->write(Stream::Stdout, fmt::format("more {}\n", i), kT1));
  EXPECT_FALSE(path_exists(dir.log() + ".1"));
  EXPECT_EQ(file_lines(dir.log()).size(), 3u);
}

TEST(LogWriter, HugeMaxFileDoesNotMakeRotationSlow) {
  TempDir dir;
  auto w = JsonFileWriter::open(dir.log(), {.max_size = 50, .max_file = 1 << 30});
  ASSERT_TRUE(w);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(w->write(Stream::Stdout, "0123456789012345678901234567890123456789\n", kT1));
  EXPECT_EQ(log_file_set(dir.log()).size(), 5u);
}

TEST(LogWriter, RejectsBadOptions) {
  TempDir dir;
  EXPECT_FALSE(JsonFileWriter::open(dir.log(), {.max_size = -1}));
  EXPECT_FALSE(JsonFileWriter::open(dir.log(), {.max_file = 0}));
  auto missing = JsonFileWriter::open(dir.path() + "/no/such/dir/x.log");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("no/such/dir"), std::string::npos);
}

}  // namespace
}  // namespace hako::engine::logs
