// The stats figures from both cgroup versions' data: v2 read from a fake
// cgroup tree through the real v2 backend (this host has no v2
// controllers), v1 from the data shape its backend produces.
#include "engine/container_stats.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "base/files.h"
#include "cgroups/v2/manager_v2.h"

namespace hako::engine {
namespace {

struct FakeV2 {
  std::string root;
  FakeV2() {
    char tmpl[] = "/tmp/hako-statstest-XXXXXX";
    root = mkdtemp(tmpl);
    make_dirs(root + "/ctr").value();
    write_file(root + "/cgroup.controllers", "cpu io memory pids").value();
  }
  ~FakeV2() { (void)remove_tree(root); }
  void file(const std::string& name, const std::string& text) { write_file(root + "/ctr/" + name, text).value(); }
};

constexpr uint64_t kHost = 8ULL << 30;

TEST(StatsV2, FromAFakeCgroupTree) {
  FakeV2 t;
  t.file("cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\nnr_periods 0\nnr_throttled 0\n"
                     "throttled_usec 0\n");
  t.file("memory.current", "10485760\n");
  t.file("memory.max", "max\n");
  t.file("memory.stat", "anon 4194304\nfile 6291456\nactive_file 2097152\ninactive_file 4194304\n");
  t.file("memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
  t.file("pids.current", "3\n");
  t.file("pids.max", "max\n");
  t.file("io.stat", "8:0 rbytes=1048576 wbytes=4096 rios=10 wios=1 dbytes=0 dios=0\n"
                    "8:16 rbytes=1048576 wbytes=0 rios=3 wios=0 dbytes=0 dios=0\n");
  cgroups::v2::ManagerV2 m(t.root, "/ctr");
  auto data = m.stats();
  ASSERT_TRUE(data) << data.error().message();
  StatsSample s;
  fill_from_cgroup_stats(*data, kHost, s);
  EXPECT_EQ(s.cpu_total_ns, 2'500'000'000u);
  // memory.current - inactive_file: the page cache that can be dropped
  // is not the container's use.
  EXPECT_EQ(s.memory, 10485760u - 4194304u);
  EXPECT_EQ(s.memory_limit, kHost) << "unlimited (max) shows the host's memory";
  EXPECT_EQ(s.block_read, 2097152u);
  EXPECT_EQ(s.block_write, 4096u);
  EXPECT_EQ(s.pids, 3u);

  t.file("memory.max", "67108864\n");
  fill_from_cgroup_stats(*m.stats(), kHost, s);
  EXPECT_EQ(s.memory_limit, 67108864u);
  EXPECT_NEAR(memory_percent(s), 6291456.0 / 67108864.0 * 100.0, 1e-9);
}

TEST(StatsV1, UsesTotalInactiveFileAndHierarchicalBlkio) {
  Json data = {
      {"cpu", {{"usage", {{"total", 123456789}}}}},
      {"memory",
       {{"usage", {{"usage", 20000000}, {"limit", 9223372036854771712ULL}}},
        {"raw", {{"inactive_file", 1}, {"total_inactive_file", 5000000}}}}},
      {"pids", {{"current", 2}, {"limit", 0}}},
      {"blkio",
       {{"ioServiceBytesRecursive",
         Json::array({{{"major", 8}, {"minor", 0}, {"op", "Read"}, {"value", 100}},
                      {{"major", 8}, {"minor", 0}, {"op", "Write"}, {"value", 50}},
                      {{"major", 8}, {"minor", 0}, {"op", "Sync"}, {"value", 150}},
                      {{"major", 8}, {"minor", 0}, {"op", "Total"}, {"value", 150}}})}}}};
  StatsSample s;
  fill_from_cgroup_stats(data, kHost, s);
  EXPECT_EQ(s.cpu_total_ns, 123456789u);
  EXPECT_EQ(s.memory, 15000000u);
  EXPECT_EQ(s.memory_limit, kHost);
  EXPECT_EQ(s.block_read, 100u);
  EXPECT_EQ(s.block_write, 50u);
  EXPECT_EQ(s.pids, 2u);
}

TEST(Stats, EmptyDataIsZeros) {
  StatsSample s;
  fill_from_cgroup_stats(Json::object(), kHost, s);
  EXPECT_EQ(s.memory, 0u);
  EXPECT_EQ(s.memory_limit, kHost);
  EXPECT_EQ(s.pids, 0u);
}

TEST(Stats, CpuPercentIsDockers) {
  StatsSample a, b;
  a.cpu_total_ns = 1'000'000'000;
  a.system_ns = 100'000'000'000;
  b.cpu_total_ns = 1'500'000'000;   // half a cpu-second used...
  b.system_ns = 102'000'000'000;    // ...while 2 cpus ran one second each
  b.online_cpus = 2;
  EXPECT_DOUBLE_EQ(cpu_percent(a, b), 50.0);
  EXPECT_DOUBLE_EQ(cpu_percent(b, b), 0.0);
  EXPECT_DOUBLE_EQ(cpu_percent(b, a), 0.0);
}

TEST(Stats, ProcStat) {
  std::string text =
      "cpu  100 5 50 1000 10 1 2 7 0 0\n"
      "cpu0 50 2 25 500 5 1 1 3 0 0\n"
      "cpu1 50 3 25 500 5 0 1 4 0 0\n"
      "intr 12345\nctxt 999\n";
  auto c = parse_proc_stat(text, 100);
  ASSERT_TRUE(c);
  // user..softirq, not steal: 100+5+50+1000+10+1+2 ticks of 10ms.
  EXPECT_EQ(c->system_ns, 1168ULL * 10'000'000ULL);
  EXPECT_EQ(c->online_cpus, 2u);
  EXPECT_FALSE(parse_proc_stat("intr 1\n", 100));
}

TEST(Stats, NetDevSkipsLoopback) {
  std::string text =
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
      "    lo:  123456      10    0    0    0     0          0         0   123456      10    0    0    0     0       0          0\n"
      "  eth0:    1000       5    0    0    0     0          0         0     2000       6    0    0    0     0       0          0\n"
      "  eth1:10       1    0    0    0     0          0         0     20       1    0    0    0     0       0          0\n";
  auto [rx, tx] = parse_net_dev(text);
  EXPECT_EQ(rx, 1010u);
  EXPECT_EQ(tx, 2020u);
  auto lo_only = parse_net_dev(
      "h1\nh2\n    lo:  1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n");
  EXPECT_EQ(lo_only.first, 0u);
  EXPECT_EQ(lo_only.second, 0u);
}

}  // namespace
}  // namespace hako::engine
