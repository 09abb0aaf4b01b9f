// Reading and writing the files of one cgroup directory.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/error.h"

namespace hako::cgroups {

struct CgroupDir {
  std::string dir;

  bool has(const std::string& file) const;
  Result<> write(const std::string& file, const std::string& value) const;
  Result<> write(const std::string& file, int64_t value) const { return write(file, std::to_string(value)); }
  Result<std::string> read(const std::string& file) const;
  Result<std::vector<pid_t>> pids() const;  // cgroup.procs
};

// rmdir of a cgroup and its children, retrying briefly while the kernel
// finishes reaping tasks that were just killed. Missing is fine.
Result<> remove_cgroup(const std::string& dir);

}  // namespace hako::cgroups
