#include "network/network_store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include "store/test_util.h"

namespace hako::network {
namespace {

class NetworkStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto md = store::Metadata::open(path());
    ASSERT_TRUE(md) << md.error().message();
    md_.emplace(std::move(*md));
    nets_.emplace(*md_);
  }
  std::string path() const { return tmp_.path() + "/metadata.db"; }
  NetworkRecord make(const std::string& name, const std::string& subnet) {
    NetworkRecord n;
    n.id = std::string(64, name[0]);
    n.name = name;
    n.created = "2026-01-01T00:00:00Z";
    n.subnet = *Ipv4Prefix::parse(subnet);
    n.gateway = Ipv4{n.subnet->network().value + 1};
    n.bridge = "hk-" + name;
    return n;
  }
  store::testing::TempDir tmp_;
  std::optional<store::Metadata> md_;
  std::optional<NetworkStore> nets_;
};

const auto kNever = [](const std::string&) { return false; };
const auto kAlways = [](const std::string&) { return true; };

TEST_F(NetworkStoreTest, BuiltinNetworksExist) {
  auto all = nets_->list();
  ASSERT_TRUE(all);
  std::set<std::string> names;
  for (const auto& n : *all) names.insert(n.name);
  EXPECT_EQ(names, (std::set<std::string>{"bridge", "host", "none"}));
  auto bridge = nets_->find("bridge");
  ASSERT_TRUE(bridge);
  EXPECT_TRUE(bridge->default_bridge);
  EXPECT_EQ(bridge->subnet->str(), "10.210.0.0/16");
  EXPECT_EQ(bridge->gateway.str(), "10.210.0.1");
}

TEST_F(NetworkStoreTest, CreateFindRemove) {
  auto n = make("web", "10.211.0.0/24");
  ASSERT_TRUE(nets_->create(n));
  auto dup = nets_->create(make("web", "10.211.1.0/24"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().message(), "network with name web already exists");
  EXPECT_TRUE(nets_->find("web"));
  EXPECT_TRUE(nets_->find(n.id.substr(0, 5)));
  auto free = nets_->free_subnet({*Ipv4Prefix::parse("10.211.1.0/24")});
  ASSERT_TRUE(free);
  EXPECT_EQ(free->str(), "10.211.2.0/24");
  ASSERT_TRUE(nets_->remove(n.id));
  EXPECT_EQ(nets_->find("web").error().kind(), ErrorKind::NotFound);
}

TEST_F(NetworkStoreTest, LeasesAreUniqueAndKept) {
  auto n = make("small", "10.211.9.0/30");  // .1 gateway, .2 the only address
  ASSERT_TRUE(nets_->create(n));
  auto a = nets_->lease(n, "c1", std::nullopt, kNever);
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(a->str(), "10.211.9.2");
  auto again = nets_->lease(n, "c1", std::nullopt, kNever);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *a);
  auto full = nets_->lease(n, "c2", std::nullopt, kNever);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().kind(), ErrorKind::Unavailable);
  // c1 stopped: its address can be taken back.
  auto reclaimed = nets_->lease(n, "c2", std::nullopt, kAlways);
  ASSERT_TRUE(reclaimed);
  EXPECT_EQ(*reclaimed, *a);
  ASSERT_TRUE(nets_->release_all("c2"));
  EXPECT_TRUE(nets_->leases(n.id)->empty());
}

TEST_F(NetworkStoreTest, WantedAddress) {
  auto n = make("fixed", "10.211.8.0/24");
  ASSERT_TRUE(nets_->create(n));
  auto want = *Ipv4::parse("10.211.8.50");
  ASSERT_TRUE(nets_->lease(n, "c1", want, kNever));
  auto taken = nets_->lease(n, "c2", want, kNever);
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().message(), "Address already in use: 10.211.8.50");
  auto outside = nets_->lease(n, "c2", *Ipv4::parse("10.9.9.9"), kNever);
  ASSERT_FALSE(outside);
  auto gw = nets_->lease(n, "c2", n.gateway, kNever);
  ASSERT_FALSE(gw);
}

// Parallel processes leasing on one database never share an address.
TEST_F(NetworkStoreTest, ParallelLeasesAreUnique) {
  auto n = make("busy", "10.211.7.0/24");
  ASSERT_TRUE(nets_->create(n));
  std::vector<pid_t> kids;
  for (int k = 0; k < 4; ++k) {
    pid_t pid = ::fork();
    if (pid == 0) {
      auto md = store::Metadata::open(path());
      if (!md) ::_exit(2);
      NetworkStore s(*md);
      for (int i = 0; i < 10; ++i)
        if (!s.lease(n, "c" + std::to_string(k * 100 + i), std::nullopt, kNever)) ::_exit(1);
      ::_exit(0);
    }
    kids.push_back(pid);
  }
  for (pid_t p : kids) {
    int st = 0;
    ::waitpid(p, &st, 0);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  auto all = nets_->leases(n.id);
  ASSERT_TRUE(all);
  std::set<uint32_t> addrs;
  for (const auto& l : *all) addrs.insert(l.address.value);
  EXPECT_EQ(all->size(), 40u);
  EXPECT_EQ(addrs.size(), 40u);
}

TEST_F(NetworkStoreTest, PortBindingsConflict) {
  ASSERT_TRUE(nets_->bind_ports({{"tcp", "", 8080, "c1"}}, kNever));
  auto clash = nets_->bind_ports({{"tcp", "127.0.0.1", 8080, "c2"}}, kNever);
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().message(), "Bind for 127.0.0.1:8080 failed: port is already allocated");
  EXPECT_TRUE(nets_->bind_ports({{"udp", "", 8080, "c2"}}, kNever));
  EXPECT_TRUE(nets_->bind_ports({{"tcp", "", 8080, "c3"}}, kAlways));
  auto all = nets_->port_bindings();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);
  ASSERT_TRUE(nets_->unbind_ports("c3"));
  ASSERT_TRUE(nets_->bind_ports({{"tcp", "", 80, "c4", "10.211.0.2", 8080, "br-x"}}, kNever));
  all = nets_->port_bindings();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].host_port, 80);  // ordered by protocol, then port
  EXPECT_EQ((*all)[0].container_ip, "10.211.0.2");
  EXPECT_EQ((*all)[0].container_port, 8080);
  EXPECT_EQ((*all)[0].bridge, "br-x");
}

}  // namespace
}  // namespace hako::network
