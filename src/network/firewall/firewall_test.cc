// render() is checked as text; apply() for real, each test in a forked
// child that has unshared its network namespace: nftables rulesets are per
// namespace, so the host's ruleset is never touched. The child reports the
// first failed check through a pipe; the parent asserts on it.
#include "network/firewall/firewall.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "network/netns_test_util.h"

namespace hako::network::firewall {
namespace {

using testing::in_private_netns;
using testing::run_in_private_netns;

Ipv4 ip(const char* s) { return *Ipv4::parse(s); }
Ipv4Prefix prefix(const char* s) { return *Ipv4Prefix::parse(s); }
bool has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

// Two bridges, one internal; ports on a host address, on any, and udp.
Ruleset sample() {
  Ruleset r;
  r.bridges = {{"hako0", prefix("10.211.3.0/24"), false}, {"br-internal", prefix("10.211.4.0/24"), true}};
  r.ports = {{"tcp", ip("192.168.1.5"), 8080, ip("10.211.3.2"), 80, "hako0"},
             {"tcp", std::nullopt, 8443, ip("10.211.3.2"), 443, "hako0"},
             {"udp", std::nullopt, 5353, ip("10.211.4.3"), 53, "br-internal"}};
  return r;
}

// An anonymous set's elements in sorted order: nft lists them in its own.
std::string sort_set(const std::string& line) {
  size_t open = line.find("{ "), close = line.find(" }");
  if (open == std::string::npos || close == std::string::npos || close < open) return line;
  std::vector<std::string> items;
  std::istringstream in(line.substr(open + 2, close - open - 2));
  for (std::string item; std::getline(in, item, ',');) items.push_back(item.substr(item.find_first_not_of(' ')));
  std::sort(items.begin(), items.end());
  std::string joined;
  for (const auto& i : items) joined += (joined.empty() ? "" : ", ") + i;
  return line.substr(0, open + 2) + joined + line.substr(close);
}

// Non-empty lines without indentation, from the first line starting with
// `from` on (render()'s table and nft's listing differ only in layout).
std::vector<std::string> lines(const std::string& text, std::string_view from = "") {
  std::vector<std::string> out;
  std::istringstream in(text);
  bool on = from.empty();
  for (std::string l; std::getline(in, l);) {
    l.erase(0, l.find_first_not_of(" \t"));
    if (l.empty()) continue;
    if (!on && l.rfind(from, 0) == 0) on = true;
    if (on) out.push_back(sort_set(l));
  }
  return out;
}

// The listed table is exactly the rendered one.
std::string check_table_is(const Ruleset& r) {
  ASSIGN_OK(std::string listed, run_nft("list table ip hako"));
  std::string rendered = render(r);
  auto want = lines(rendered.substr(rendered.find("flush table ip hako\n") + 20), "table ip hako {");
  auto got = lines(listed);
  if (want != got) return "table differs from render():\n" + listed + "\nwanted:\n" + render(r);
  return "";
}

TEST(Render, EmptyRulesetOnlyRemovesTheTable) {
  EXPECT_EQ(render({}), "table ip hako\ndelete table ip hako\n");
}

TEST(Render, PublishedPorts) {
  std::string s = render(sample());
  EXPECT_TRUE(has(s, "\t\tip daddr 192.168.1.5 tcp dport 8080 dnat to 10.211.3.2:80\n")) << s;
  EXPECT_TRUE(has(s, "\t\ttcp dport 8443 dnat to 10.211.3.2:443\n")) << s;
  EXPECT_TRUE(has(s, "\t\tudp dport 5353 dnat to 10.211.4.3:53\n")) << s;
  EXPECT_TRUE(has(s, "type nat hook prerouting priority dstnat; policy accept;\n"
                     "\t\tfib daddr type local jump publish"));
  EXPECT_TRUE(has(s, "type nat hook output priority -100; policy accept;\n\t\tfib daddr type local jump publish"));
}

TEST(Render, MasqueradeSkipsInternalBridges) {
  std::string s = render(sample());
  EXPECT_TRUE(has(s, "ip saddr 10.211.3.0/24 oifname != \"hako0\" masquerade\n")) << s;
  EXPECT_FALSE(has(s, "ip saddr 10.211.4.0/24 oifname != \"br-internal\" masquerade")) << s;
  // Loopback and hairpin on every bridge.
  for (const char* br : {"hako0", "br-internal"})
    EXPECT_TRUE(has(s, fmt::format("oifname \"{}\" ip saddr 127.0.0.0/8 masquerade\n", br))) << s;
  EXPECT_TRUE(has(s, "oifname \"hako0\" ip saddr 10.211.3.0/24 ct status dnat masquerade\n")) << s;
  EXPECT_TRUE(has(s, "oifname \"br-internal\" ip saddr 10.211.4.0/24 ct status dnat masquerade\n")) << s;
}

TEST(Render, SubnetIsWrittenAsItsNetwork) {
  Ruleset r;
  r.bridges = {{"hako0", prefix("10.211.3.1/24"), false}};
  EXPECT_TRUE(has(render(r), "ip saddr 10.211.3.0/24 oifname"));
}

TEST(Render, InternalAndIsolation) {
  std::string s = render(sample());
  EXPECT_TRUE(has(s, "iifname \"br-internal\" oifname != \"br-internal\" drop\n")) << s;
  EXPECT_TRUE(has(s, "oifname \"br-internal\" iifname != \"br-internal\" drop\n")) << s;
  EXPECT_FALSE(has(s, "iifname \"hako0\" oifname != \"hako0\" drop")) << s;
  // Isolation in two stages: leaving a bridge for elsewhere jumps to
  // isolate, which drops what goes into another bridge unless DNATed.
  EXPECT_TRUE(has(s, "iifname \"hako0\" oifname != \"hako0\" jump isolate\n")) << s;
  EXPECT_TRUE(has(s, "iifname \"br-internal\" oifname != \"br-internal\" jump isolate\n")) << s;
  EXPECT_TRUE(has(s, "chain isolate {\n\t\tct status dnat return\n\t\toifname \"hako0\" drop\n")) << s;
  EXPECT_TRUE(has(s, "oifname \"br-internal\" drop\n")) << s;
}

TEST(Apply, WritesTheRenderedTable) {
  in_private_netns([] {
    CHECK_OK(apply(sample()));
    return check_table_is(sample());
  });
}

// The rules of `list table ip hako` with their handles ("rule # handle N").
std::set<std::string> rules_with_handles() {
  auto listed = run_nft("list table ip hako", 1u << 3);
  std::set<std::string> out;
  if (!listed) return out;
  for (const auto& l : lines(*listed))
    if (l.find(" # handle ") != std::string::npos && !l.starts_with("chain ") && !l.starts_with("table "))
      out.insert(l);
  return out;
}

// A new network adds its rules and leaves every other rule (its handle)
// alone: deleting rules costs the kernel an RCU grace period per write.
TEST(Apply, AddingABridgeOnlyAddsRules) {
  in_private_netns([]() -> std::string {
    CHECK_OK(apply(sample()));
    auto before = rules_with_handles();
    CHECK(!before.empty());
    Ruleset r = sample();
    r.bridges.push_back({"br-third", prefix("10.211.5.0/24"), false});
    CHECK_OK(apply(r));
    auto after = rules_with_handles();
    for (const auto& rule : before)
      if (!after.contains(rule)) return "rule rewritten: " + rule;
    CHECK(after.size() == before.size() + 5);  // masquerade x3, jump, drop
    if (auto e = check_table_is(r); !e.empty()) return e;
    CHECK_OK(apply(r));  // nothing to change: the same rules, the same handles
    CHECK(rules_with_handles() == after);
    CHECK_OK(apply(sample()));  // and back
    return check_table_is(sample());
  });
}

// A table someone changed by hand (a fixed rule deleted) is written anew.
TEST(Apply, MendsATableChangedByHand) {
  in_private_netns([]() -> std::string {
    CHECK_OK(apply(sample()));
    CHECK_OK(run_nft("flush chain ip hako prerouting\nflush chain ip hako isolate\n"));
    CHECK_OK(apply(sample()));
    return check_table_is(sample());
  });
}

TEST(Apply, ReplacesTheWholeTable) {
  in_private_netns([]() -> std::string {
    CHECK_OK(apply(sample()));
    Ruleset smaller;
    smaller.bridges = {{"hako1", prefix("172.30.0.0/16"), false}};
    smaller.ports = {{"tcp", std::nullopt, 9000, ip("172.30.0.9"), 9001, "hako1"}};
    CHECK_OK(apply(smaller));
    ASSIGN_OK(std::string listed, run_nft("list table ip hako"));
    CHECK(!has(listed, "hako0"));
    CHECK(!has(listed, "8080"));
    CHECK(has(listed, "tcp dport 9000 dnat to 172.30.0.9:9001"));
    // And again: idempotent.
    CHECK_OK(apply(smaller));
    return check_table_is(smaller);
  });
}

TEST(Apply, EmptyRulesetRemovesTheTable) {
  in_private_netns([]() -> std::string {
    CHECK_OK(apply({}));  // no table yet: fine
    CHECK_OK(apply(sample()));
    CHECK_OK(apply({}));
    auto listed = run_nft("list table ip hako");
    CHECK(!listed);
    CHECK(listed.error().kind() == ErrorKind::NotFound);
    return "";
  });
}

TEST(Apply, RejectsWhatCouldBreakTheScript) {
  in_private_netns([]() -> std::string {
    Ruleset bad_name;
    bad_name.bridges = {{"x\" accept", prefix("10.0.0.0/24"), false}};
    auto r = apply(bad_name);
    CHECK(!r && r.error().kind() == ErrorKind::InvalidArgument);
    Ruleset bad_proto = sample();
    bad_proto.ports[0].proto = "sctp";
    r = apply(bad_proto);
    CHECK(!r && r.error().kind() == ErrorKind::InvalidArgument);
    CHECK(!run_nft("list table ip hako"));  // nothing written
    return "";
  });
}

TEST(RunNft, ErrorsCarryNftablesMessage) {
  in_private_netns([]() -> std::string {
    auto r = run_nft("add rule ip nowhere nochain accept");
    CHECK(!r);
    CHECK(has(r.error().message(), "No such file or directory"));
    r = run_nft("this is not nft");
    CHECK(!r);
    CHECK(has(r.error().message(), "syntax error"));
    return "";
  });
}

// Someone else's rule in DOCKER-USER, and a stale hako rule for a gone bridge.
const char* kDockerUser =
    "table ip filter {\n"
    "\tchain DOCKER-USER {\n"
    "\t\tiifname \"gone0\" accept comment \"hako\"\n"
    "\t\tiifname \"eth9\" counter drop comment \"theirs\"\n"
    "\t\tcounter return\n"
    "\t}\n"
    "}\n";

int count(const std::string& s, std::string_view part) {
  int n = 0;
  for (size_t at = s.find(part); at != std::string::npos; at = s.find(part, at + 1)) ++n;
  return n;
}

TEST(Apply, KeepsHakoRulesInDockerUser) {
  in_private_netns([]() -> std::string {
    CHECK_OK(run_nft(kDockerUser));
    for (int round = 0; round < 2; ++round) {  // the second round must not add duplicates
      CHECK_OK(apply(sample()));
      ASSIGN_OK(std::string chain, run_nft("list chain ip filter DOCKER-USER"));
      CHECK(!has(chain, "gone0"));
      CHECK(has(chain, "iifname \"eth9\" counter packets 0 bytes 0 drop comment \"theirs\""));
      CHECK(has(chain, "counter packets 0 bytes 0 return"));
      for (const char* br : {"hako0", "br-internal"}) {
        CHECK(count(chain, fmt::format("iifname \"{}\" accept comment \"hako\"", br)) == 1);
        CHECK(count(chain, fmt::format("oifname \"{}\" accept comment \"hako\"", br)) == 1);
      }
      CHECK(count(chain, "comment \"hako\"") == 4);
      // All inserted ahead of the chain's final return.
      CHECK(chain.rfind("comment \"hako\"") < chain.rfind("return"));
    }
    CHECK_OK(apply({}));
    ASSIGN_OK(std::string chain, run_nft("list chain ip filter DOCKER-USER"));
    CHECK(count(chain, "comment \"hako\"") == 0);
    CHECK(has(chain, "comment \"theirs\""));
    return "";
  });
}

TEST(Apply, WithoutDockerUserLeavesFilterTableAlone) {
  in_private_netns([]() -> std::string {
    CHECK_OK(apply(sample()));  // no table ip filter at all
    CHECK(!run_nft("list table ip filter"));
    CHECK_OK(run_nft("table ip filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority 0;\n\t}\n}\n"));
    CHECK_OK(apply(sample()));
    ASSIGN_OK(std::string filter, run_nft("list table ip filter"));
    CHECK(!has(filter, "hako"));
    return "";
  });
}

// ---- DNAT for real, on loopback ----------------------------------------------
// The output chain serves connections from the host itself; with the
// "container" at 127.0.0.2 no links are needed besides lo.

std::string lo_up() {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr {};
  std::strcpy(ifr.ifr_name, "lo");
  bool ok = s >= 0 && ::ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
  ifr.ifr_flags |= IFF_UP;
  ok = ok && ::ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
  if (s >= 0) ::close(s);
  return ok ? "" : "cannot bring lo up";
}

sockaddr_in addr(const char* a, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  ::inet_pton(AF_INET, a, &sa.sin_addr);
  return sa;
}

int bound(int type, const char* a, uint16_t port) {
  int s = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  sockaddr_in sa = addr(a, port);
  if (::bind(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return -1;
  if (type == SOCK_STREAM && ::listen(s, 8) != 0) return -1;
  return s;
}

bool connects(const char* a, uint16_t port) {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa = addr(a, port);
  bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  ::close(s);
  return ok;
}

TEST(Apply, PublishedPortsDnatFromTheHost) {
  in_private_netns([]() -> std::string {
    std::string up = lo_up();
    if (!up.empty()) return up;
    int tcp = bound(SOCK_STREAM, "127.0.0.2", 80);
    int udp = bound(SOCK_DGRAM, "127.0.0.2", 53);
    CHECK(tcp >= 0 && udp >= 0);
    CHECK(!connects("127.0.0.1", 8080));  // before apply: nothing there

    Ruleset r;
    r.bridges = {{"hako0", prefix("10.211.3.0/24"), false}};
    r.ports = {{"tcp", std::nullopt, 8080, ip("127.0.0.2"), 80, "hako0"},
               {"tcp", ip("127.0.0.3"), 8081, ip("127.0.0.2"), 80, "hako0"},
               {"udp", std::nullopt, 5353, ip("127.0.0.2"), 53, "hako0"}};
    CHECK_OK(apply(r));
    CHECK(connects("127.0.0.1", 8080));   // any local address
    CHECK(connects("127.0.0.9", 8080));
    CHECK(connects("127.0.0.3", 8081));   // the host address given...
    CHECK(!connects("127.0.0.1", 8081));  // ...and only that one

    int c = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in to = addr("127.0.0.1", 5353);
    CHECK(::sendto(c, "ping", 4, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) == 4);
    char buf[8] = {};
    struct timeval tv {1, 0};
    ::setsockopt(udp, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    CHECK(::recv(udp, buf, sizeof buf, 0) == 4);
    CHECK(std::string(buf) == "ping");

    CHECK_OK(apply({}));
    CHECK(!connects("127.0.0.1", 8080));  // gone with the table
    return "";
  });
}

}  // namespace
}  // namespace hako::network::firewall
