// The follow reader's default wait: an inotify watch on the log directory,
// which reports appends to the log (IN_MODIFY on a child), rotation renames
// and the creation of the new file with one watch descriptor.
#pragma once

#include <string>

#include "base/error.h"
#include "base/fd.h"

namespace hako::engine::logs {

class DirWatch {
 public:
  static Result<DirWatch> open(const std::string& dir);
  // Blocks until something changed in the directory or timeout_ms passed,
  // then discards the queued events (the reader rescans anyway).
  void wait(int timeout_ms);

 private:
  explicit DirWatch(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace hako::engine::logs
