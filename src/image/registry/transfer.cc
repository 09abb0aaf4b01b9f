#include "image/registry/transfer.h"

#include <exception>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

namespace hako::image::registry {

std::string short_id(std::string_view digest) {
  auto colon = digest.find(':');
  if (colon != std::string_view::npos) digest.remove_prefix(colon + 1);
  return std::string(digest.substr(0, 12));
}

ByteProgress report_to(ProgressSink* sink, std::string id, std::string action) {
  if (!sink) return {};
  return [sink, id = std::move(id), action = std::move(action)](uint64_t current, uint64_t total) {
    sink->update(Progress{id, action, current, total});
  };
}

Result<> run_transfers(std::vector<TransferJob> jobs, size_t max_concurrent) {
  std::atomic<bool> cancelled{false};
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::optional<Error> first;

  auto worker = [&] {
    for (;;) {
      if (cancelled.load()) return;
      size_t i = next.fetch_add(1);
      if (i >= jobs.size()) return;
      Result<> r;
      try {
        r = jobs[i](cancelled);
      } catch (const std::exception& e) {
        r = fail(ErrorKind::Internal, "transfer failed: {}", e.what());
      } catch (...) {
        r = fail(ErrorKind::Internal, "transfer failed with an unknown exception");
      }
      if (!r) {
        std::lock_guard lock(mu);
        if (!first) first = std::move(r).error();
        cancelled.store(true);
      }
    }
  };

  size_t threads = std::min(std::max<size_t>(max_concurrent, 1), jobs.size());
  if (threads <= 1) {
    worker();  // no thread for a lone job
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (size_t t = 0; t < threads; ++t) {
      try {
        pool.emplace_back(worker);
      } catch (const std::system_error&) {
        break;  // out of threads: the ones we have take the rest
      }
    }
    if (pool.empty()) worker();
    for (auto& t : pool) t.join();
  }
  if (first) return std::unexpected(std::move(*first));
  return {};
}

}  // namespace hako::image::registry
