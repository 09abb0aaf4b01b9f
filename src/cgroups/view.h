// How a container sees one cgroup hierarchy at /sys/fs/cgroup/NAME. The
// rootfs code mounts these; the cgroup managers produce them.
#pragma once

#include <string>

namespace hako::cgroups {

struct CgroupView {
  std::string name;       // "memory", "cpu", "systemd"; empty for cgroup v2
  std::string options;    // mount options naming the subsystems ("memory", "none,name=systemd")
  std::string host_path;  // the container's cgroup directory on the host
};

}  // namespace hako::cgroups
