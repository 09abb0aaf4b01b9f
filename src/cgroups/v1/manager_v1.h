// cgroup v1: one directory per mounted hierarchy (cpu, memory, pids, ...,
// name=systemd). The hybrid layout's cgroup2 mount is left alone, as runc
// does: it carries no controllers there.
#pragma once

#include "cgroups/manager.h"

namespace hako::cgroups::v1 {

struct Hierarchy {
  std::string name;                      // directory name under /sys/fs/cgroup ("memory", "systemd")
  std::string mount_point;               // "/sys/fs/cgroup/memory"
  std::string mount_root;                // the hierarchy path mounted there, usually "/"
  std::vector<std::string> controllers;  // "memory"; "name=systemd" for named hierarchies
  std::string dir;                       // the container's directory in this hierarchy
  std::string cgroup_path;               // its path as in /proc/PID/cgroup
};

Result<std::vector<Hierarchy>> discover(const Environment& env);

class ManagerV1 : public Manager {
 public:
  ManagerV1(std::vector<Hierarchy> hierarchies) : hierarchies_(std::move(hierarchies)) {}
  Version version() const override { return Version::V1; }
  Json to_json() const override;
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

  const Hierarchy* find(std::string_view controller) const;

 private:
  Result<> apply_blkio(const Resources& r);

 public:

 private:
  std::vector<Hierarchy> hierarchies_;
};

// Places the container at `path` (absolute) in every hierarchy, or below
// the caller's own cgroup when `path` is relative.
Result<std::unique_ptr<Manager>> make(const std::string& path, const Environment& env);
Result<std::unique_ptr<Manager>> load(const Json& saved, const Environment& env);

}  // namespace hako::cgroups::v1
