// Every test runs in a forked child that has unshared its network
// namespace, so the host's links, addresses and routes are never touched
// (and everything goes away with the child). The child reports the first
// failed check through a pipe; the parent asserts on it.
#include "network/netlink/netlink.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "network/netns_test_util.h"

namespace hako::network {
namespace {

using testing::in_private_netns;
using testing::run_in_private_netns;

// Another namespace for veth peers: a thread unshares into a new one and
// opens it; the fd keeps it alive after the thread is gone.
UniqueFd new_netns() {
  int fd = -1;
  std::thread([&] {
    if (::unshare(CLONE_NEWNET) == 0) fd = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  }).join();
  return UniqueFd(fd);
}


bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

TEST(Netlink, BridgeIsCreatedUp) {
  in_private_netns([]() -> std::string {
    ASSIGN_OK(Netlink nl, Netlink::open());
    CHECK_OK(nl.create_bridge("hk0", 1400));
    ASSIGN_OK(LinkInfo l, nl.link("hk0"));
    CHECK(l.name == "hk0");
    CHECK(l.kind == "bridge");
    CHECK(l.up);
    CHECK(l.index > 0);
    CHECK(l.master == 0);
    return "";
  });
}

TEST(Netlink, BridgeTwiceIsAlreadyExists) {
  in_private_netns([]() -> std::string {
    ASSIGN_OK(Netlink nl, Netlink::open());
    CHECK_OK(nl.create_bridge("hk0"));
    auto again = nl.create_bridge("hk0");
    CHECK(!again);
    CHECK(again.error().kind() == ErrorKind::AlreadyExists);
    CHECK(again.error().sys_errno() == EEXIST);
    CHECK(starts_with(again.error().message(), "creating bridge hk0: File exists"));
    return "";
  });
}

TEST(Netlink, MissingLinkIsNotFound) {
  in_private_netns([]() -> std::string {
    ASSIGN_OK(Netlink nl, Netlink::open());
    auto l = nl.link("nope0");
    CHECK(!l);
    CHECK(l.error().kind() == ErrorKind::NotFound);
    CHECK(starts_with(l.error().message(), "looking up link nope0: No such device"));
    auto up = nl.set_up("nope0");
    CHECK(!up && up.error().kind() == ErrorKind::NotFound);
    auto addrs = nl.addresses("nope0");
    CHECK(!addrs && addrs.error().kind() == ErrorKind::NotFound);
    return "";
  });
}

TEST(Netlink, InvalidNameSaysWhy) {
  in_private_netns([]() -> std::string {
    ASSIGN_OK(Netlink nl, Netlink::open());
    auto r = nl.create_bridge("a-name-longer-than-ifnamsiz");
    CHECK(!r);
    CHECK(r.error().kind() == ErrorKind::InvalidArgument);
    CHECK(starts_with(r.error().message(), "creating bridge a-name-longer-than-ifnamsiz: interface name"));
    // What the kernel itself rejects comes back with its reason (extended ack).
    auto bad = nl.create_bridge("a/b");
    CHECK(!bad);
    CHECK(bad.error().kind() == ErrorKind::InvalidArgument);
    CHECK(starts_with(bad.error().message(), "creating bridge a/b: Invalid argument"));
    return "";
  });
}

TEST(Netlink, VethPeerGoesIntoItsNamespace) {
  in_private_netns([]() -> std::string {
    UniqueFd peer_ns = new_netns();
    CHECK(peer_ns.valid());
    ASSIGN_OK(Netlink nl, Netlink::open());
    CHECK_OK(nl.create_bridge("hk0"));
    // An eth0 here too: the peer's name must not meet this namespace's names.
    CHECK_OK(nl.create_bridge("eth0"));
    ASSIGN_OK(Mac mac, Mac::parse("02:42:0a:01:00:02"));
    CHECK_OK(nl.create_veth("vh0", "hk0", "eth0", peer_ns.get(), mac, 1400));

    // The kernel honours IFLA_MASTER and IFF_UP in the creating request.
    ASSIGN_OK(LinkInfo bridge, nl.link("hk0"));
    ASSIGN_OK(LinkInfo host, nl.link("vh0"));
    CHECK(host.kind == "veth");
    CHECK(host.master == bridge.index);
    CHECK(host.up);

    ASSIGN_OK(Netlink inside, Netlink::open_in(peer_ns.get()));
    ASSIGN_OK(LinkInfo peer, inside.link("eth0"));
    CHECK(peer.kind == "veth");
    CHECK(peer.mac == mac);
    CHECK(!peer.up);
    CHECK(peer.master == 0);
    ASSIGN_OK(LinkInfo here_eth0, nl.link("eth0"));
    CHECK(here_eth0.kind == "bridge");

    // A second container's eth0 in yet another namespace.
    UniqueFd other_ns = new_netns();
    CHECK(other_ns.valid());
    CHECK_OK(nl.create_veth("vh1", "hk0", "eth0", other_ns.get(), std::nullopt));
    ASSIGN_OK(Netlink other, Netlink::open_in(other_ns.get()));
    ASSIGN_OK(LinkInfo other_peer, other.link("eth0"));
    CHECK(other_peer.mac != mac);  // random
    return "";
  });
}

TEST(Netlink, VethToMissingBridgeIsNotFound) {
  in_private_netns([]() -> std::string {
    UniqueFd peer_ns = new_netns();
    ASSIGN_OK(Netlink nl, Netlink::open());
    auto r = nl.create_veth("vh0", "hk9", "eth0", peer_ns.get(), std::nullopt);
    CHECK(!r);
    CHECK(r.error().kind() == ErrorKind::NotFound);
    CHECK(starts_with(r.error().message(), "creating veth vh0 (peer eth0): looking up link hk9"));
    CHECK(!nl.link("vh0"));
    return "";
  });
}

TEST(Netlink, AddressesAndDefaultRoute) {
  in_private_netns([]() -> std::string {
    UniqueFd peer_ns = new_netns();
    ASSIGN_OK(Netlink host, Netlink::open());
    CHECK_OK(host.create_bridge("hk0"));
    ASSIGN_OK(Ipv4Prefix gw, Ipv4Prefix::parse("10.1.0.1/24"));
    CHECK_OK(host.add_address("hk0", gw));
    ASSIGN_OK(auto host_addrs, host.addresses("hk0"));
    CHECK(host_addrs == std::vector<Ipv4Prefix>{gw});
    auto twice = host.add_address("hk0", gw);
    CHECK(!twice && twice.error().kind() == ErrorKind::AlreadyExists);
    CHECK(starts_with(twice.error().message(), "adding address 10.1.0.1/24 to hk0: File exists"));
    CHECK_OK(host.create_veth("vh0", "hk0", "eth0", peer_ns.get(), std::nullopt));

    ASSIGN_OK(Netlink c, Netlink::open_in(peer_ns.get()));
    ASSIGN_OK(Ipv4Prefix ip, Ipv4Prefix::parse("10.1.0.2/24"));
    ASSIGN_OK(Ipv4Prefix p2p, Ipv4Prefix::parse("10.9.0.1/31"));
    CHECK_OK(c.add_address("eth0", ip));
    CHECK_OK(c.add_address("eth0", p2p));
    ASSIGN_OK(auto addrs, c.addresses("eth0"));
    CHECK(addrs.size() == 2);
    CHECK(std::ranges::count(addrs, ip) == 1);
    CHECK(std::ranges::count(addrs, p2p) == 1);
    ASSIGN_OK(auto lo_addrs, c.addresses("lo"));
    CHECK(lo_addrs.empty());  // another link's addresses are not ours

    CHECK_OK(c.set_up("eth0"));
    ASSIGN_OK(LinkInfo eth0, c.link("eth0"));
    CHECK(eth0.up);
    CHECK_OK(c.add_default_route(gw.addr));
    ASSIGN_OK(auto routes, c.routes());
    CHECK(std::ranges::count(routes, Ipv4Prefix{Ipv4{0}, 0}) == 1);
    CHECK(std::ranges::count(routes, Ipv4Prefix{ip.network(), 24}) == 1);
    CHECK(std::ranges::count(routes, Ipv4Prefix{p2p.network(), 31}) == 1);
    // Local and broadcast routes live in the local table, not listed.
    CHECK(std::ranges::count(routes, Ipv4Prefix{ip.addr, 32}) == 0);
    auto again = c.add_default_route(gw.addr);
    CHECK(!again && again.error().kind() == ErrorKind::AlreadyExists);

    // The host side sees its own connected route only.
    ASSIGN_OK(auto host_routes, host.routes());
    CHECK((host_routes == std::vector<Ipv4Prefix>{Ipv4Prefix{gw.network(), 24}}));
    return "";
  });
}

TEST(Netlink, SetMac) {
  in_private_netns([]() -> std::string {
    ASSIGN_OK(Netlink nl, Netlink::open());
    CHECK_OK(nl.create_bridge("hk0"));
    ASSIGN_OK(Mac mac, Mac::parse("02:42:ac:11:00:01"));
    CHECK_OK(nl.set_mac("hk0", mac));
    ASSIGN_OK(LinkInfo l, nl.link("hk0"));
    CHECK(l.mac == mac);
    return "";
  });
}

TEST(Netlink, DeleteLink) {
  in_private_netns([]() -> std::string {
    UniqueFd peer_ns = new_netns();
    ASSIGN_OK(Netlink nl, Netlink::open());
    CHECK_OK(nl.create_bridge("hk0"));
    CHECK_OK(nl.create_veth("vh0", "hk0", "eth0", peer_ns.get(), std::nullopt));
    CHECK_OK(nl.delete_link("vh0"));
    auto gone = nl.link("vh0");
    CHECK(!gone && gone.error().kind() == ErrorKind::NotFound);
    // Deleting one end of a veth deletes the other, in its namespace.
    ASSIGN_OK(Netlink inside, Netlink::open_in(peer_ns.get()));
    auto peer = inside.link("eth0");
    CHECK(!peer && peer.error().kind() == ErrorKind::NotFound);

    auto again = nl.delete_link("vh0");
    CHECK(!again);
    CHECK(again.error().kind() == ErrorKind::NotFound);
    CHECK(starts_with(again.error().message(), "deleting link vh0: No such device"));
    CHECK_OK(nl.delete_link("hk0"));
    return "";
  });
}

// Enough links that the dump spans several datagrams (multipart replies).
TEST(Netlink, LinksDumpsEverything) {
  in_private_netns([]() -> std::string {
    ASSIGN_OK(Netlink nl, Netlink::open());
    constexpr int kBridges = 120;
    for (int i = 0; i < kBridges; ++i) CHECK_OK(nl.create_bridge(fmt::format("hk{}", i)));
    ASSIGN_OK(auto links, nl.links());
    CHECK(links.size() == kBridges + 1);  // and lo
    CHECK(std::ranges::count_if(links, [](const LinkInfo& l) { return l.name == "lo"; }) == 1);
    for (int i = 0; i < kBridges; ++i) {
      std::string name = fmt::format("hk{}", i);
      CHECK(std::ranges::count_if(links, [&](const LinkInfo& l) { return l.name == name && l.kind == "bridge"; }) == 1);
    }
    // The socket is still in step after a long dump.
    ASSIGN_OK(LinkInfo l, nl.link("hk7"));
    CHECK(l.name == "hk7");
    return "";
  });
}

TEST(Netlink, OpenInRejectsWhatIsNotANamespace) {
  in_private_netns([]() -> std::string {
    UniqueFd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    auto r = Netlink::open_in(null.get());
    CHECK(!r);
    CHECK(r.error().kind() == ErrorKind::InvalidArgument);
    CHECK(starts_with(r.error().message(), "joining network namespace"));
    CHECK(!Netlink::open_in(-1));
    return "";
  });
}

}  // namespace
}  // namespace hako::network
