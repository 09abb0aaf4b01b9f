// FileLock: an flock(2) held for the lifetime of the object. Commands that
// change one container's state hold its lock, so concurrent commands see
// each other's changes whole.
#pragma once

#include <string>

#include "base/error.h"
#include "base/fd.h"

namespace hako {

class FileLock {
 public:
  static Result<FileLock> exclusive(const std::string& path);
  static Result<FileLock> shared(const std::string& path);

 explicit FileLock(UniqueFd fd) : fd_(std::move(fd)) {}

 private:
  UniqueFd fd_;
};

}  // namespace hako
