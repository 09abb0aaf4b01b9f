// The cgroup managers against fake trees in a temporary directory: this
// machine has no cgroup v2 controllers, and tests must not touch the host's.
#include "cgroups/manager.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "base/files.h"
#include "cgroups/v2/manager_v2.h"

namespace hako::cgroups {
namespace {

struct FakeTree {
  std::string dir;
  Environment env;
  FakeTree() {
    char tmpl[] = "/tmp/hako-cgtest-XXXXXX";
    dir = mkdtemp(tmpl);
    env.root = dir + "/cg";
    env.mountinfo = dir + "/mountinfo";
    env.self_cgroup = dir + "/self";
    make_dirs(env.root).value();
  }
  ~FakeTree() { (void)remove_tree(dir); }
  void file(const std::string& rel, const std::string& content) {
    std::string p = env.root + "/" + rel;
    make_dirs(p.substr(0, p.find_last_of('/'))).value();
    write_file(p, content).value();
  }
  std::string read(const std::string& rel) { return read_file(env.root + "/" + rel).value(); }
};

TEST(CgroupV2, CreatesNestedUnderOwnCgroupAndAppliesLimits) {
  FakeTree t;
  t.file("cgroup.controllers", "cpu memory pids io");
  t.file("cgroup.subtree_control", "");
  write_file(t.env.self_cgroup, "0::/user.slice\n").value();
  t.file("user.slice/cgroup.controllers", "cpu memory pids");
  t.file("user.slice/cgroup.subtree_control", "");
  auto m = for_new_container("ctr", "id1", t.env);
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ((*m)->version(), Version::V2);
  EXPECT_EQ((*m)->to_json()["unified"], "/user.slice/ctr");
  ASSERT_TRUE((*m)->create());
  EXPECT_EQ(t.read("cgroup.subtree_control"), "+cpu +io +memory +pids");
  EXPECT_EQ(t.read("user.slice/cgroup.subtree_control"), "+cpu +memory +pids");
  // The kernel would create the interface files; the fake tree needs them.
  for (auto f : {"memory.max", "memory.swap.max", "cpu.weight", "cpu.max", "pids.max", "cgroup.procs"})
    t.file(std::string("user.slice/ctr/") + f, "");
  Resources r;
  r.memory_limit = 32 << 20;
  r.memory_swap = 64 << 20;
  r.cpu_shares = 1024;
  r.cpu_quota = 50000;
  r.pids_limit = 10;
  ASSERT_TRUE((*m)->apply(r));
  EXPECT_EQ(t.read("user.slice/ctr/memory.max"), "33554432");
  EXPECT_EQ(t.read("user.slice/ctr/memory.swap.max"), "33554432");
  EXPECT_EQ(t.read("user.slice/ctr/cpu.weight"), "39");
  EXPECT_EQ(t.read("user.slice/ctr/cpu.max"), "50000 100000");
  EXPECT_EQ(t.read("user.slice/ctr/pids.max"), "10");
}

TEST(CgroupV2, AbsolutePathAndReload) {
  FakeTree t;
  t.file("cgroup.controllers", "memory");
  auto m = for_new_container("/a/b", "x", t.env);
  ASSERT_TRUE(m);
  auto again = from_json((*m)->to_json(), t.env);
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->to_json()["unified"], "/a/b");
}

TEST(CgroupV2, SharesToWeight) {
  EXPECT_EQ(v2::shares_to_weight(2), 1u);
  EXPECT_EQ(v2::shares_to_weight(262144), 10000u);
}

TEST(CgroupV1, DiscoversHierarchiesAndNestsPerController) {
  FakeTree t;
  write_file(t.env.mountinfo,
             "30 23 0:28 / " + t.env.root + " rw - tmpfs tmpfs rw\n"
             "32 31 0:29 / " + t.env.root + "/memory rw,relatime - cgroup cgroup rw,memory\n"
             "33 31 0:30 / " + t.env.root + "/pids rw,relatime - cgroup cgroup rw,pids\n"
             "34 31 0:31 / " + t.env.root + "/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
             "35 31 0:32 / " + t.env.root + "/unified rw - cgroup2 cgroup2 rw\n").value();
  write_file(t.env.self_cgroup, "3:memory:/job7\n2:pids:/\n1:name=systemd:/\n0::/\n").value();
  auto m = for_new_container("hako/c1", "c1", t.env);
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ((*m)->version(), Version::V1);
  Json j = (*m)->to_json();
  EXPECT_EQ(j["memory"], "/job7/hako/c1");
  EXPECT_EQ(j["pids"], "/hako/c1");
  EXPECT_EQ(j["systemd"], "/hako/c1");
  EXPECT_FALSE(j.contains("unified"));
  ASSERT_TRUE((*m)->create());
  EXPECT_TRUE(path_exists(t.env.root + "/memory/job7/hako/c1"));
  t.file("memory/job7/hako/c1/memory.limit_in_bytes", "");
  t.file("pids/hako/c1/pids.max", "");
  Resources r;
  r.memory_limit = 1 << 20;
  r.pids_limit = 0;
  ASSERT_TRUE((*m)->apply(r));
  EXPECT_EQ(t.read("memory/job7/hako/c1/memory.limit_in_bytes"), "1048576");
  EXPECT_EQ(t.read("pids/hako/c1/pids.max"), "max");
  // Joining oneself is a "0" in each hierarchy's tasks file.
  for (const char* h : {"memory/job7", "pids", "systemd"}) t.file(std::string(h) + "/hako/c1/tasks", "");
  ASSERT_TRUE((*m)->add_current_thread());
  EXPECT_EQ(t.read("memory/job7/hako/c1/tasks"), "0");
  EXPECT_EQ(t.read("systemd/hako/c1/tasks"), "0");
  auto views = (*m)->views();
  ASSERT_EQ(views.size(), 3u);
  EXPECT_EQ(views[2].options, "none,name=systemd");
}

TEST(CgroupV1, RejectsDotDotAndSystemdForm) {
  FakeTree t;
  EXPECT_FALSE(for_new_container("../escape", "x", t.env));
  EXPECT_FALSE(for_new_container("system.slice:hako:x", "x", t.env));
}

TEST(Resources, ParsesAndRejectsBadTypes) {
  auto r = parse_resources(Json::parse(R"({"memory":{"limit":33554432},"pids":{"limit":5},
      "devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rw"}]})"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->memory_limit, 33554432);
  EXPECT_EQ(to_v1_rule(r->devices[0]), "a");
  EXPECT_EQ(to_v1_rule(r->devices[1]), "c 1:3 rw");
  auto bad = parse_resources(Json::parse(R"({"memory":{"limit":"lots"}})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "linux.resources.memory.limit: expected an integer, got string");
}

}  // namespace
}  // namespace hako::cgroups

namespace hako::cgroups {
namespace {

TEST(CgroupV2, BlockIoHugetlbAndUnified) {
  FakeTree t;
  t.file("cgroup.controllers", "io hugetlb");
  auto m = for_new_container("/c", "c", t.env);
  ASSERT_TRUE(m);
  ASSERT_TRUE((*m)->create());
  for (auto f : {"io.weight", "io.max", "hugetlb.2MB.max", "memory.high"}) t.file(std::string("c/") + f, "");
  auto r = parse_resources(Json::parse(R"({"blockIO":{"weight":500,"throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1024}]},
      "hugepageLimits":[{"pageSize":"2MB","limit":4194304}],"unified":{"memory.high":"1G"}})"));
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_TRUE((*m)->apply(*r));
  EXPECT_EQ(t.read("c/io.weight"), "default 4950");  // runc: 1 + (w-10)*9999/990
  EXPECT_EQ(t.read("c/io.max"), "8:0 rbps=1024");
  EXPECT_EQ(t.read("c/hugetlb.2MB.max"), "4194304");
  EXPECT_EQ(t.read("c/memory.high"), "1G");
  auto net = parse_resources(Json::parse(R"({"network":{"classID":1}})"));
  ASSERT_TRUE(net);
  auto refused = (*m)->apply(*net);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), ErrorKind::NotSupported);
}

TEST(CgroupV1, MissingControllerIsAClearError) {
  FakeTree t;
  write_file(t.env.mountinfo, "32 31 0:29 / " + t.env.root + "/blkio rw - cgroup cgroup rw,blkio\n").value();
  auto m = for_new_container("/c", "c", t.env);
  ASSERT_TRUE(m);
  ASSERT_TRUE((*m)->create());
  t.file("blkio/c/blkio.throttle.read_bps_device", "");
  auto r = parse_resources(Json::parse(R"({"blockIO":{"throttleReadBpsDevice":[{"major":254,"minor":0,"rate":102400}]},
      "hugepageLimits":[{"pageSize":"2MB","limit":1}]})"));
  ASSERT_TRUE(r);
  auto applied = (*m)->apply(*r);
  ASSERT_FALSE(applied);
  EXPECT_EQ(t.read("blkio/c/blkio.throttle.read_bps_device"), "254:0 102400");
  EXPECT_EQ(applied.error().message(), "linux.resources.hugepageLimits: no hugetlb cgroup is mounted");
}

}  // namespace
}  // namespace hako::cgroups

namespace hako::cgroups {
namespace {

TEST(CgroupV1, KernelMemoryLimits) {
  FakeTree t;
  write_file(t.env.mountinfo, "32 31 0:29 / " + t.env.root + "/memory rw - cgroup cgroup rw,memory\n").value();
  auto m = for_new_container("/k", "k", t.env);
  ASSERT_TRUE(m);
  ASSERT_TRUE((*m)->create());
  t.file("memory/k/memory.kmem.tcp.limit_in_bytes", "");
  auto r = parse_resources(Json::parse(R"({"memory":{"kernelTCP":1048576}})"));
  ASSERT_TRUE(r);
  ASSERT_TRUE((*m)->apply(*r));
  EXPECT_EQ(t.read("memory/k/memory.kmem.tcp.limit_in_bytes"), "1048576");
  auto kernel = parse_resources(Json::parse(R"({"memory":{"kernel":1048576}})"));
  auto refused = (*m)->apply(*kernel);  // no memory.kmem.limit_in_bytes in this tree
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), ErrorKind::NotSupported);
}

}  // namespace
}  // namespace hako::cgroups
