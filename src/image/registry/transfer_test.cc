#include "image/registry/transfer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace hako::image::registry {

TEST(Transfers, RunAtMostKAtOnce) {
  std::atomic<int> running{0}, peak{0}, done{0};
  std::vector<TransferJob> jobs;
  for (int i = 0; i < 10; ++i)
    jobs.push_back([&](const std::atomic<bool>&) -> Result<> {
      int now = ++running;
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      --running;
      ++done;
      return {};
    });
  ASSERT_TRUE(run_transfers(std::move(jobs), 3));
  EXPECT_EQ(done.load(), 10);
  EXPECT_LE(peak.load(), 3);
  EXPECT_GE(peak.load(), 2);
}

TEST(Transfers, FirstErrorWinsAndCancelsTheRest) {
  std::atomic<int> started{0};
  std::atomic<bool> saw_cancel{false};
  std::vector<TransferJob> jobs;
  jobs.push_back([&](const std::atomic<bool>& cancelled) -> Result<> {
    ++started;
    // Runs until the failure elsewhere cancels it.
    for (int i = 0; i < 500 && !cancelled.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    saw_cancel = cancelled.load();
    return fail(ErrorKind::Unavailable, "cancelled");
  });
  jobs.push_back([&](const std::atomic<bool>&) -> Result<> {
    ++started;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return fail(ErrorKind::NotFound, "blob unknown");
  });
  for (int i = 0; i < 20; ++i)
    jobs.push_back([&](const std::atomic<bool>&) -> Result<> {
      ++started;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return {};
    });
  auto r = run_transfers(std::move(jobs), 2);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "blob unknown");
  EXPECT_TRUE(saw_cancel.load());
  EXPECT_LT(started.load(), 22);  // no new jobs after the failure
}

TEST(Transfers, ExceptionsBecomeErrors) {
  std::vector<TransferJob> jobs;
  jobs.push_back([](const std::atomic<bool>&) -> Result<> { throw std::runtime_error("boom"); });
  auto r = run_transfers(std::move(jobs));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Internal);
  EXPECT_NE(r.error().message().find("boom"), std::string::npos);
  EXPECT_TRUE(run_transfers({}));
}

TEST(Transfers, ShortIdAndReporter) {
  EXPECT_EQ(short_id("sha256:0123456789abcdef0123"), "0123456789ab");
  EXPECT_EQ(short_id("0123456789abcdef"), "0123456789ab");
  struct Sink : ProgressSink {
    std::vector<Progress> got;
    void update(const Progress& p) override { got.push_back(p); }
  } sink;
  auto fn = report_to(&sink, "abc", "Downloading");
  fn(5, 10);
  ASSERT_EQ(sink.got.size(), 1u);
  EXPECT_EQ(sink.got[0].id, "abc");
  EXPECT_EQ(sink.got[0].action, "Downloading");
  EXPECT_EQ(sink.got[0].current, 5u);
  EXPECT_FALSE(report_to(nullptr, "a", "b"));
}

}  // namespace hako::image::registry
