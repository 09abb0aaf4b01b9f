#include "cgroups/v2/device_filter.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/bpf.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/files.h"
#include "base/strings.h"

namespace hako::cgroups::v2 {
namespace {

TEST(DeviceFilter, ProgramShape) {
  auto p = compile_device_filter({{false, 'a', std::nullopt, std::nullopt, "rwm"}});
  ASSERT_GT(p.size(), 8u);
  EXPECT_EQ(p.front().code, BPF_LDX | BPF_MEM | BPF_W);
  EXPECT_EQ(p.back().code, BPF_JMP | BPF_EXIT);
  // Every jump lands inside the program.
  for (size_t i = 0; i < p.size(); ++i) {
    if ((p[i].code & 0x07) == BPF_JMP && p[i].code != (BPF_JMP | BPF_EXIT)) {
      EXPECT_LT(i + 1 + static_cast<size_t>(p[i].off), p.size()) << "insn " << i;
    }
  }
}

// The real kernel: any cgroup2 mount works for device programs, even the
// hybrid layout's controller-less one, so this runs on this v1 host too.
std::string cgroup2_mount() {
  auto info = read_file("/proc/self/mountinfo");
  if (!info) return "";
  for (const auto& line : split(*info, '\n')) {
    auto dash = line.find(" - cgroup2 ");
    if (dash == std::string::npos) continue;
    auto fields = split(line.substr(0, dash), ' ');
    if (fields.size() > 4) return fields[4];
  }
  return "";
}

TEST(DeviceFilter, KernelEnforcesRules) {
  std::string mount = cgroup2_mount();
  if (geteuid() != 0 || mount.empty()) GTEST_SKIP() << "needs root and a cgroup2 mount";
  std::string dir = fmt::format("{}/hako-test-devfilter-{}", mount, getpid());
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0) << strerror(errno);
  std::string node = fmt::format("/tmp/hako-test-kmsg-{}", getpid());
  ASSERT_EQ(::mknod(node.c_str(), S_IFCHR | 0600, makedev(1, 11)), 0) << strerror(errno);
  // The spec's usual deny-all; the default devices (null, zero, ...) are
  // allowed after it, so /dev/null opens and a kmsg node (c 1:11) does not.
  auto r = attach_device_filter(dir, compile_device_filter({{false, 'a', std::nullopt, std::nullopt, "rwm"}}));
  ASSERT_TRUE(r) << r.error().message();
  pid_t child = fork();
  if (child == 0) {
    if (!write_existing(dir + "/cgroup.procs", std::to_string(getpid()))) _exit(10);
    int null_fd = open("/dev/null", O_RDWR);  // allowed by the defaults
    if (null_fd < 0) _exit(11);
    int kmsg_fd = open(node.c_str(), O_RDONLY);  // c 1:11: not allowed
    if (kmsg_fd >= 0 || errno != EPERM) _exit(12);
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ::rmdir(dir.c_str());
  ::unlink(node.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: join failed, 11: /dev/null denied, 12: c 1:11 allowed";
}

}  // namespace
}  // namespace hako::cgroups::v2
