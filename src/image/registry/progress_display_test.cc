#include "image/registry/progress_display.h"

#include <unistd.h>

#include <gtest/gtest.h>

namespace hako::image::registry {

namespace {

// Collects what a display writes through a pipe.
struct Capture {
  int fds[2] = {-1, -1};
  Capture() { EXPECT_EQ(::pipe(fds), 0); }
  ~Capture() {
    if (fds[0] >= 0) ::close(fds[0]);
    if (fds[1] >= 0) ::close(fds[1]);
  }
  std::string read_all() {
    ::close(fds[1]);
    fds[1] = -1;
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }
};

}  // namespace

TEST(ProgressDisplay, HumanSizesMatchDocker) {
  EXPECT_EQ(human_size(0), "0B");
  EXPECT_EQ(human_size(512), "512B");
  EXPECT_EQ(human_size(1500), "1.5kB");
  EXPECT_EQ(human_size(12345678), "12.35MB");
  EXPECT_EQ(human_size(50100000), "50.1MB");
  EXPECT_EQ(human_size(3000000000ULL), "3GB");
}

TEST(ProgressDisplay, LineHasBarOnWideTerminals) {
  Progress p{"0123456789ab", "Downloading", 12345678, 50100000};
  std::string wide = format_progress_line(p, 200);
  EXPECT_EQ(wide, "0123456789ab: Downloading [" + std::string(12, '=') + ">" + std::string(38, ' ') + "]  12.35MB/50.1MB");
  EXPECT_EQ(format_progress_line(p, 80), "0123456789ab: Downloading  12.35MB/50.1MB");
  EXPECT_EQ(format_progress_line({"0123456789ab", "Pull complete", 0, 0}, 200), "0123456789ab: Pull complete");
  Progress full{"x", "Downloading", 10, 10};
  EXPECT_NE(format_progress_line(full, 200).find("[" + std::string(50, '=') + ">]"), std::string::npos);
}

TEST(ProgressDisplay, PlainOutputPrintsEachStateOnce) {
  Capture cap;
  ProgressDisplay d(cap.fds[1], false);
  d.update({"aaa", "Pulling fs layer", 0, 0});
  d.update({"bbb", "Pulling fs layer", 0, 0});
  d.update({"aaa", "Downloading", 10, 100});
  d.update({"aaa", "Downloading", 50, 100});
  d.update({"aaa", "Download complete", 0, 0});
  d.update({"aaa", "Download complete", 0, 0});
  d.update({"aaa", "Pull complete", 0, 0});
  d.print("Digest: sha256:x");
  d.flush();
  EXPECT_EQ(cap.read_all(),
            "aaa: Pulling fs layer\nbbb: Pulling fs layer\naaa: Download complete\naaa: Pull complete\n"
            "Digest: sha256:x\n");
}

TEST(ProgressDisplay, TerminalRedrawsInPlace) {
  Capture cap;
  ProgressDisplay d(cap.fds[1], true, std::chrono::hours(1));  // byte updates never due
  d.update({"aaa", "Waiting", 0, 0});
  d.update({"bbb", "Waiting", 0, 0});
  d.update({"aaa", "Downloading", 1, 100});  // action change: drawn
  d.update({"aaa", "Downloading", 2, 100});  // throttled
  d.flush();                                 // ...until flushed
  d.print("done");
  std::string out = cap.read_all();
  // First draw: one line. Then each draw moves up over the block first.
  EXPECT_EQ(out.find("\x1b[1A"), out.find("aaa: Waiting\n") + 13);
  EXPECT_NE(out.find("\x1b[2A"), std::string::npos);
  EXPECT_NE(out.find("aaa: Downloading"), std::string::npos);
  EXPECT_NE(out.find("2B/100B"), std::string::npos);  // the flushed state
  EXPECT_TRUE(out.ends_with("bbb: Waiting\ndone\n")) << out;
  size_t draws_of_one = 0;
  for (size_t at = 0; (at = out.find("1B/100B", at)) != std::string::npos; ++at) ++draws_of_one;
  EXPECT_EQ(draws_of_one, 1u);
}

}  // namespace hako::image::registry
