// update's checks, merge and cgroup patch, and top's ps parsing, without
// a container.
#include "engine/container_update.h"

#include <gtest/gtest.h>

#include "engine/container_top.h"

namespace hako::engine {
namespace {

constexpr int64_t MiB = 1024 * 1024;

std::string verify_error(const UpdateRequest& r) {
  auto v = verify_update(r, 2, "0-1", "0");
  return v ? "" : v.error().message();
}

TEST(Update, VerifyHasDockersMessages) {
  UpdateRequest r;
  r.memory = 4 * MiB;
  EXPECT_EQ(verify_error(r), "Minimum memory limit allowed is 6MB");
  r.memory = 100 * MiB;
  r.memory_swap = 50 * MiB;
  EXPECT_EQ(verify_error(r), "Minimum memoryswap limit should be larger than memory limit, see usage");
  r.memory_swap = -1;
  EXPECT_EQ(verify_error(r), "");
  r = {};
  r.memory_reservation = 1 * MiB;
  EXPECT_EQ(verify_error(r), "Minimum memory reservation allowed is 6MB");
  r = {};
  r.nano_cpus = 3'000'000'000;
  EXPECT_EQ(verify_error(r), "Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available");
  r.nano_cpus = 1'000'000'000;
  r.cpu_quota = 50000;
  EXPECT_EQ(verify_error(r), "Conflicting options: Nano CPUs and CPU Quota cannot both be set");
  r = {};
  r.cpu_period = 10;
  EXPECT_EQ(verify_error(r), "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
  r = {};
  r.cpuset_cpus = "0-3";
  EXPECT_EQ(verify_error(r), "Requested CPUs are not available - requested 0-3, available: 0-1");
  r.cpuset_cpus = "1-0";
  EXPECT_EQ(verify_error(r), "Invalid value 1-0 for cpuset cpus: invalid format: 1-0");
  r.cpuset_cpus = "0,1";
  EXPECT_EQ(verify_error(r), "");
}

TEST(Update, MergeFollowsUpdateContainer) {
  HostResources cur;
  cur.memory = 64 * MiB;
  cur.memory_swap = 128 * MiB;  // run -m 64m: twice the memory
  UpdateRequest r;
  r.memory = 100 * MiB;
  auto m = merge_update(cur, r);
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->memory, 100 * MiB);
  EXPECT_EQ(m->memory_swap, 128 * MiB);
  r.memory = 200 * MiB;
  EXPECT_EQ(merge_update(cur, r).error().message(),
            "Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time");
  r.memory_swap = -1;
  EXPECT_TRUE(merge_update(cur, r));

  HostResources cpus;
  cpus.nano_cpus = 1'000'000'000;
  UpdateRequest q;
  q.cpu_quota = 50000;
  EXPECT_EQ(merge_update(cpus, q).error().message(),
            "Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set");

  UpdateRequest pids;
  pids.pids_limit = -1;
  HostResources limited;
  limited.pids_limit = 10;
  EXPECT_EQ(merge_update(limited, pids)->pids_limit, 0);
}

TEST(Update, PatchCarriesWhatTheCgroupFilesNeed) {
  HostResources m;
  m.memory = 100 * MiB;
  m.memory_swap = 128 * MiB;
  UpdateRequest r;
  r.memory = 100 * MiB;
  Json p = resources_patch(m, r);
  EXPECT_EQ(p["memory"]["limit"], 100 * MiB);
  EXPECT_EQ(p["memory"]["swap"], 128 * MiB) << "v2's swap.max is swap - memory: it changes with memory";
  EXPECT_FALSE(p.contains("cpu"));

  UpdateRequest c;
  c.nano_cpus = 1'500'000'000;
  m.nano_cpus = c.nano_cpus;
  p = resources_patch(m, c);
  EXPECT_EQ(p["cpu"]["period"], 100000);
  EXPECT_EQ(p["cpu"]["quota"], 150000);

  UpdateRequest pids;
  pids.pids_limit = 0;
  m.pids_limit = 0;
  EXPECT_EQ(resources_patch(m, pids)["pids"]["limit"], -1);
  EXPECT_TRUE(resources_patch(m, UpdateRequest{}).empty());
}

TEST(Update, HostResourcesFromTheSpecAndBack) {
  Json spec = {{"memory", {{"limit", 64 * MiB}, {"swap", 128 * MiB}}},
               {"cpu", {{"shares", 512}, {"period", 100000}, {"quota", 50000}, {"cpus", "0"}}},
               {"pids", {{"limit", 20}}}};
  auto h = host_resources_from_spec(spec);
  EXPECT_EQ(h.memory, 64 * MiB);
  EXPECT_EQ(h.memory_swap, 128 * MiB);
  EXPECT_EQ(h.nano_cpus, 500'000'000);
  EXPECT_EQ(h.cpu_shares, 512);
  EXPECT_EQ(h.cpuset_cpus, "0");
  EXPECT_EQ(h.pids_limit, 20);
  Json j = h.to_json();
  EXPECT_EQ(j["Memory"], 64 * MiB);
  EXPECT_EQ(j["PidsLimit"], 20);
  EXPECT_TRUE(HostResources{}.to_json()["PidsLimit"].is_null());
  auto back = HostResources::from_json({{"Memory", 100 * MiB}, {"PidsLimit", nullptr}}, h);
  EXPECT_EQ(back.memory, 100 * MiB);
  EXPECT_EQ(back.pids_limit, 0);
  EXPECT_EQ(back.cpu_shares, 512);
}

TEST(Top, PsArgs) {
  EXPECT_TRUE(validate_ps_args("-ef"));
  EXPECT_TRUE(validate_ps_args("-o pid=PID,comm"));
  auto bad = validate_ps_args("-o ppid=PID");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "specifying \"ppid=PID\" is not allowed");
}

TEST(Top, KeepsTheContainersRows) {
  std::string out =
      "UID          PID    PPID  C STIME TTY          TIME CMD\n"
      "root           1       0  0 10:00 ?        00:00:01 /sbin/init\n"
      "root         100       1  0 10:01 ?        00:00:00 sleep 999\n"
      "root         101     100  0 10:01 ?        00:00:00 sleep 1000\n"
      "root         200       1  0 10:02 ?        00:00:00 bash -c x y\n";
  auto r = parse_ps_output(out, {100, 101});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->titles.size(), 8u);
  ASSERT_EQ(r->processes.size(), 2u);
  EXPECT_EQ(r->processes[0][1], "100");
  EXPECT_EQ(r->processes[0][7], "sleep 999") << "cells past the last title join into it";
  EXPECT_EQ(r->processes[1][7], "sleep 1000");

  // ps -m: thread rows ("-" pid) follow the process row they belong to.
  std::string threads = "PID TTY TIME CMD\n100 ? 0:00 sleep\n- - 0:00 -\n200 ? 0:00 bash\n- - 0:00 -\n";
  auto t = parse_ps_output(threads, {100});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->processes.size(), 2u);
  EXPECT_FALSE(parse_ps_output("USER COMMAND\nroot x\n", {1}));
}

}  // namespace
}  // namespace hako::engine
