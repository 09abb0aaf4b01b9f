// cgroup v2: one unified directory; controllers are enabled in every
// ancestor's cgroup.subtree_control on the way down.
#pragma once

#include "cgroups/manager.h"

namespace hako::cgroups::v2 {

class ManagerV2 : public Manager {
 public:
  ManagerV2(std::string root, std::string path) : root_(std::move(root)), path_(std::move(path)) {}
  Version version() const override { return Version::V2; }
  Json to_json() const override { return Json{{"unified", path_}}; }
  Result<> create() override;
  Result<> apply(const Resources& r) override;
  Result<> add_process(pid_t pid) override;
  Result<> add_current_thread() override;
  Result<std::vector<pid_t>> processes() const override;
  Result<> destroy() override;
  std::vector<CgroupView> views() const override;
  Result<> set_frozen(bool frozen) override;
  Result<bool> frozen() const override;
  Result<Json> stats() const override;
  Result<uint64_t> oom_kills() const override;

  std::string dir() const { return root_ + path_; }

 private:
  std::string root_;  // the cgroup2 mount point
  std::string path_;  // "/a/b", as in /proc/PID/cgroup
};

Result<std::unique_ptr<Manager>> make(const std::string& path, const Environment& env);

// cpu.shares (2..262144) to cpu.weight (1..10000), the mapping runc and
// the kernel documentation use.
uint64_t shares_to_weight(uint64_t shares);

}  // namespace hako::cgroups::v2
