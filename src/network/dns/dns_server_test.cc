// The server over real sockets. The test process moves itself into a private
// network namespace first (root needed; skipped otherwise), so 127.0.0.11:53
// and the fake upstreams on 127.0.0.2-4 never touch the host's.
#include "network/dns/dns_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "network/dns/dns_message.h"
#include "network/dns/dns_test_util.h"

namespace hako::network {
namespace {

using namespace std::chrono_literals;
using dns::Rcode;
using dns::test::make_answer;
using dns::test::make_query;
using dns::test::parse_response;
using dns::test::Response;

bool bring_lo_up() {
  UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!s) return false;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(s.get(), SIOCGIFFLAGS, &ifr) != 0) return false;
  ifr.ifr_flags |= IFF_UP;
  return ::ioctl(s.get(), SIOCSIFFLAGS, &ifr) == 0;
}

sockaddr_storage v4(const char* ip, uint16_t port) {
  sockaddr_storage ss{};
  auto* a = reinterpret_cast<sockaddr_in*>(&ss);
  a->sin_family = AF_INET;
  a->sin_port = htons(port);
  ::inet_pton(AF_INET, ip, &a->sin_addr);
  return ss;
}

int64_t ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t).count();
}

bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1;
}

// --- Clients ---------------------------------------------------------------

std::optional<std::vector<uint8_t>> udp_query(const std::vector<uint8_t>& q, int timeout_ms = 3000) {
  UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  auto to = v4("127.0.0.11", 53);
  if (::sendto(s.get(), q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(sockaddr_in)) < 0)
    return std::nullopt;
  if (!wait_readable(s.get(), timeout_ms)) return std::nullopt;
  std::vector<uint8_t> buf(65536);
  ssize_t n = ::recv(s.get(), buf.data(), buf.size(), 0);
  if (n < 0) return std::nullopt;
  buf.resize(static_cast<size_t>(n));
  return buf;
}

UniqueFd tcp_connect() {
  UniqueFd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  auto to = v4("127.0.0.11", 53);
  if (::connect(s.get(), reinterpret_cast<sockaddr*>(&to), sizeof(sockaddr_in)) != 0) return UniqueFd();
  return s;
}

bool read_exact(int fd, uint8_t* out, size_t n, int timeout_ms) {
  size_t got = 0;
  while (got < n) {
    if (!wait_readable(fd, timeout_ms)) return false;
    ssize_t r = ::recv(fd, out + got, n - got, 0);
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  return true;
}

std::optional<std::vector<uint8_t>> read_framed(int fd, int timeout_ms = 3000) {
  uint8_t len[2];
  if (!read_exact(fd, len, 2, timeout_ms)) return std::nullopt;
  std::vector<uint8_t> msg(size_t{len[0]} << 8 | len[1]);
  if (!read_exact(fd, msg.data(), msg.size(), timeout_ms)) return std::nullopt;
  return msg;
}

std::vector<uint8_t> frame(const std::vector<uint8_t>& m) {
  std::vector<uint8_t> out(m.size() + 2);
  out[0] = static_cast<uint8_t>(m.size() >> 8);
  out[1] = static_cast<uint8_t>(m.size());
  std::copy(m.begin(), m.end(), out.begin() + 2);
  return out;
}

bool send_all(int fd, const std::vector<uint8_t>& data) {
  return ::send(fd, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
}

// --- A fake upstream -------------------------------------------------------
//
// Answers A queries on ip:53 (UDP and TCP): "q<N>.*" with 10.0.N/256.N%256,
// "big.*" with 100 addresses (over UDP only the TC bit unless the query's
// EDNS size allows), "huge.*" with 100 addresses even over UDP without EDNS
// (a misbehaving upstream), anything else with 1.2.3.4. Silent: reads and
// never answers. batch > 0: holds UDP queries until that many came, then
// answers them in reverse order.
class FakeUpstream {
 public:
  FakeUpstream(const char* ip, bool silent = false, size_t batch = 0) : silent_(silent), batch_(batch) {
    auto addr = v4(ip, 53);
    udp_.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    tcp_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    int one = 1;
    ::setsockopt(tcp_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ok_ = ::bind(udp_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(sockaddr_in)) == 0 &&
          ::bind(tcp_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(sockaddr_in)) == 0 &&
          ::listen(tcp_.get(), 16) == 0;
    stop_.reset(::eventfd(0, EFD_CLOEXEC));
    thread_ = std::thread([this] { run(); });
  }
  ~FakeUpstream() {
    uint64_t one = 1;
    (void)!::write(stop_.get(), &one, sizeof one);
    thread_.join();
  }
  bool ok() const { return ok_; }
  sockaddr_storage addr() const {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ::getsockname(udp_.get(), reinterpret_cast<sockaddr*>(&ss), &len);
    return ss;
  }
  std::vector<uint16_t> udp_ids() {
    std::lock_guard l(mu_);
    return udp_ids_;
  }
  int tcp_queries() { return tcp_queries_; }
  int udp_queries() {
    std::lock_guard l(mu_);
    return static_cast<int>(udp_ids_.size());
  }

 private:
  static std::vector<uint8_t> answer(const std::vector<uint8_t>& q, bool over_tcp) {
    auto parsed = dns::parse_query(q);
    const std::string& name = parsed.query.name;
    std::vector<Ipv4> ips;
    if (name.starts_with("q")) {
      uint32_t n = static_cast<uint32_t>(std::atoi(name.c_str() + 1));
      ips.push_back(Ipv4{0x0a000000 | n});
    } else if (name.starts_with("big") || name.starts_with("huge")) {
      for (uint32_t i = 0; i < 100; ++i) ips.push_back(Ipv4{0x0b000000 + i});
    } else {
      ips.push_back(Ipv4{0x01020304});
    }
    auto r = make_answer(q, ips);
    if (name.starts_with("big") && !over_tcp && r.size() > parsed.query.udp_limit()) {
      r = make_answer(q, {}, dns::kFlagTc);
    }
    return r;
  }

  void run() {
    std::vector<std::pair<std::vector<uint8_t>, sockaddr_storage>> held;
    for (;;) {
      pollfd p[3] = {{stop_.get(), POLLIN, 0}, {udp_.get(), POLLIN, 0}, {tcp_.get(), POLLIN, 0}};
      ::poll(p, 3, 1000);
      if (p[0].revents) return;
      if (p[1].revents) {
        std::vector<uint8_t> buf(65536);
        sockaddr_storage from{};
        socklen_t len = sizeof from;
        ssize_t n = ::recvfrom(udp_.get(), buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
        if (n >= 12) {
          buf.resize(static_cast<size_t>(n));
          {
            std::lock_guard l(mu_);
            udp_ids_.push_back(dns::get_id(buf));
          }
          if (!silent_) held.emplace_back(std::move(buf), from);
          if (held.size() >= batch_) {
            for (auto it = held.rbegin(); it != held.rend(); ++it) {
              auto r = answer(it->first, false);
              ::sendto(udp_.get(), r.data(), r.size(), 0, reinterpret_cast<sockaddr*>(&it->second),
                       sizeof(sockaddr_in));
            }
            held.clear();
          }
        }
      }
      if (p[2].revents) {
        UniqueFd c(::accept4(tcp_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (c) {
          ++tcp_queries_;
          if (auto q = read_framed(c.get(), 1000); q && !silent_) send_all(c.get(), frame(answer(*q, true)));
        }
      }
    }
  }

  bool silent_;
  size_t batch_;
  bool ok_ = false;
  UniqueFd udp_, tcp_, stop_;
  std::mutex mu_;
  std::vector<uint16_t> udp_ids_;
  std::atomic<int> tcp_queries_{0};
  std::thread thread_;
};

// --- The server in a poll loop of its own, as the monitor runs it ----------

class ServerLoop {
 public:
  ServerLoop(DnsSockets sockets, std::vector<sockaddr_storage> upstreams, DnsLookup lookup, DnsReverse reverse = {},
             int attempt_ms = 2000, int total_ms = 5000, int tcp_ms = 5000)
      : server_(std::move(sockets), std::move(upstreams), std::move(lookup), std::move(reverse)) {
    server_.set_timeouts(attempt_ms, total_ms, tcp_ms);
    stop_.reset(::eventfd(0, EFD_CLOEXEC));
    thread_ = std::thread([this] { run(); });
  }
  ~ServerLoop() {
    uint64_t one = 1;
    (void)!::write(stop_.get(), &one, sizeof one);
    thread_.join();
  }

 private:
  void run() {
    for (;;) {
      std::vector<int> fds = server_.fds();
      std::vector<pollfd> p{{stop_.get(), POLLIN, 0}};
      for (int fd : fds) p.push_back({fd, POLLIN, 0});
      int n = ::poll(p.data(), p.size(), server_.timeout_ms());
      if (p[0].revents) return;
      if (n == 0) server_.tick();
      for (size_t i = 1; i < p.size(); ++i)
        if (p[i].revents) server_.handle(p[i].fd);
    }
  }

  DnsServer server_;
  UniqueFd stop_;
  std::thread thread_;
};

class DnsServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Once per process, before any thread exists, so every thread made
    // afterwards is in the private namespace too.
    static bool ok = ::unshare(CLONE_NEWNET) == 0 && bring_lo_up();
    in_netns_ = ok;
  }
  void SetUp() override {
    if (!in_netns_) GTEST_SKIP() << "needs root: unshare(CLONE_NEWNET)";
  }

  // The sockets, made through open_dns_sockets in our own namespace.
  static DnsSockets sockets() {
    UniqueFd ns(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    auto s = open_dns_sockets(ns.get());
    EXPECT_TRUE(s) << (s ? "" : s.error().message());
    return s ? std::move(*s) : DnsSockets{};
  }

  // Names: "web" (two networks), "db", "empty" (no IPv4 address).
  static DnsLookup lookup(std::vector<std::string>* asked = nullptr) {
    return [asked](std::string_view name) -> std::optional<DnsAnswer> {
      if (asked) asked->emplace_back(name);
      if (name == "web") return DnsAnswer{{Ipv4{0x0a010005}, Ipv4{0x0a020005}}};
      if (name == "db" || name == "db.mynet") return DnsAnswer{{Ipv4{0x0a010006}}};
      if (name == "empty") return DnsAnswer{};
      if (name == "many") {
        DnsAnswer a;
        for (uint32_t i = 0; i < 60; ++i) a.v4.push_back(Ipv4{0x0a030000 + i});
        return a;
      }
      return std::nullopt;
    };
  }
  static DnsReverse reverse() {
    return [](Ipv4 ip) -> std::optional<std::string> {
      if (ip == Ipv4{0x0a010005}) return "web.mynet";
      return std::nullopt;
    };
  }

  static inline bool in_netns_ = false;
};

std::optional<Response> ask(const std::vector<uint8_t>& q, int timeout_ms = 3000) {
  auto r = udp_query(q, timeout_ms);
  if (!r) return std::nullopt;
  return parse_response(*r);
}

TEST_F(DnsServerTest, AnswersOwnNames) {
  std::vector<std::string> asked;
  ServerLoop loop(sockets(), {}, lookup(&asked), reverse());
  auto r = ask(make_query(0x1234, "WEB", dns::kTypeA));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, 0x1234);
  EXPECT_EQ(r->rcode, Rcode::NoError);
  EXPECT_TRUE(r->flag(dns::kFlagAa));
  EXPECT_TRUE(r->flag(dns::kFlagRa));
  EXPECT_TRUE(r->flag(dns::kFlagRd));
  EXPECT_EQ(r->qname, "WEB");
  EXPECT_EQ(r->a(), (std::vector<Ipv4>{Ipv4{0x0a010005}, Ipv4{0x0a020005}}));
  EXPECT_EQ(r->answers[0].ttl, 600u);
  ASSERT_FALSE(asked.empty());
  EXPECT_EQ(asked.back(), "web");  // lower-cased

  auto dotted = ask(make_query(1, "Db.MyNet.", dns::kTypeA));  // final dot on the wire is the root label anyway
  ASSERT_TRUE(dotted);
  EXPECT_EQ(dotted->a(), std::vector<Ipv4>{Ipv4{0x0a010006}});

  auto aaaa = ask(make_query(2, "web", dns::kTypeAaaa));
  ASSERT_TRUE(aaaa);
  EXPECT_EQ(aaaa->rcode, Rcode::NoError);
  EXPECT_EQ(aaaa->an, 0);
  EXPECT_TRUE(aaaa->flag(dns::kFlagAa));

  auto empty = ask(make_query(3, "empty", dns::kTypeA));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->rcode, Rcode::NoError);
  EXPECT_EQ(empty->an, 0);

  auto ptr = ask(make_query(4, "5.0.1.10.in-addr.arpa", dns::kTypePtr));
  ASSERT_TRUE(ptr);
  ASSERT_EQ(ptr->answers.size(), 1u);
  EXPECT_EQ(ptr->answers[0].rname, "web.mynet");
  EXPECT_TRUE(ptr->flag(dns::kFlagAa));

  // No upstreams: what is not ours fails at once.
  auto t0 = std::chrono::steady_clock::now();
  auto other = ask(make_query(5, "example.com", dns::kTypeA));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->rcode, Rcode::ServFail);
  EXPECT_EQ(other->qname, "example.com");
  EXPECT_LT(ms_since(t0), 500);
  auto unknown_ptr = ask(make_query(6, "9.0.1.10.in-addr.arpa", dns::kTypePtr));
  ASSERT_TRUE(unknown_ptr);
  EXPECT_EQ(unknown_ptr->rcode, Rcode::ServFail);  // not ours: forwarded (nowhere)
}

TEST_F(DnsServerTest, UdpTruncation) {
  ServerLoop loop(sockets(), {}, lookup());
  auto r = udp_query(make_query(1, "many", dns::kTypeA));
  ASSERT_TRUE(r);
  EXPECT_LE(r->size(), 512u);
  auto p = parse_response(*r);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->flag(dns::kFlagTc));
  auto e = ask(make_query(1, "many", dns::kTypeA, dns::kFlagRd, 4096));
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->flag(dns::kFlagTc));
  EXPECT_EQ(e->an, 60);
  // Over TCP, everything.
  auto c = tcp_connect();
  ASSERT_TRUE(c);
  ASSERT_TRUE(send_all(c.get(), frame(make_query(2, "many", dns::kTypeA))));
  auto t = read_framed(c.get());
  ASSERT_TRUE(t);
  auto tp = parse_response(*t);
  EXPECT_FALSE(tp->flag(dns::kFlagTc));
  EXPECT_EQ(tp->an, 60);
}

TEST_F(DnsServerTest, ForwardsWithFreshIds) {
  FakeUpstream up("127.0.0.2");
  ASSERT_TRUE(up.ok());
  ServerLoop loop(sockets(), {up.addr()}, lookup());
  for (int i = 0; i < 5; ++i) {
    auto q = make_query(0x1234, "Example.COM", dns::kTypeA, dns::kFlagRd, 1232);
    auto raw = udp_query(q);
    ASSERT_TRUE(raw);
    auto r = parse_response(*raw);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->id, 0x1234);
    EXPECT_EQ(r->a(), std::vector<Ipv4>{Ipv4{0x01020304}});
    EXPECT_FALSE(r->flag(dns::kFlagAa));  // relayed as the upstream sent it
    EXPECT_EQ(r->qname, "Example.COM");
    // Unchanged but for the id: exactly what the fake upstream builds.
    auto expected = make_answer(q, {Ipv4{0x01020304}});
    EXPECT_EQ(*raw, expected);
  }
  auto ids = up.udp_ids();
  ASSERT_EQ(ids.size(), 5u);
  std::set<uint16_t> distinct(ids.begin(), ids.end());
  EXPECT_GT(distinct.size(), 1u);  // random, not the client's (2^-64 to fail by chance)
  EXPECT_FALSE(distinct.size() == 1 && *distinct.begin() == 0x1234);
}

TEST_F(DnsServerTest, RelayedUdpAnswerTruncatedToClientSize) {
  FakeUpstream up("127.0.0.2");
  ServerLoop loop(sockets(), {up.addr()}, lookup());
  auto raw = udp_query(make_query(7, "huge.example", dns::kTypeA));  // upstream ignores the 512 limit
  ASSERT_TRUE(raw);
  EXPECT_LE(raw->size(), 512u);
  auto r = parse_response(*raw);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->flag(dns::kFlagTc));
  EXPECT_EQ(r->id, 7);
  auto big = ask(make_query(8, "huge.example", dns::kTypeA, dns::kFlagRd, 4096));
  ASSERT_TRUE(big);
  EXPECT_EQ(big->an, 100);
}

TEST_F(DnsServerTest, SilentUpstreamTimesOutToServfail) {
  FakeUpstream silent("127.0.0.3", true);
  ServerLoop loop(sockets(), {silent.addr()}, lookup(), {}, 200, 500);
  auto t0 = std::chrono::steady_clock::now();
  auto r = ask(make_query(9, "example.com", dns::kTypeA), 3000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode, Rcode::ServFail);
  EXPECT_EQ(r->id, 9);
  EXPECT_EQ(r->qname, "example.com");
  auto took = ms_since(t0);
  EXPECT_GE(took, 180);
  EXPECT_LT(took, 1000);
  EXPECT_EQ(silent.udp_queries(), 1);
}

TEST_F(DnsServerTest, TotalTimeout) {
  FakeUpstream a("127.0.0.3", true), b("127.0.0.5", true), c("127.0.0.6", true);
  ServerLoop loop(sockets(), {a.addr(), b.addr(), c.addr()}, lookup(), {}, 300, 500);
  auto t0 = std::chrono::steady_clock::now();
  auto r = ask(make_query(9, "example.com", dns::kTypeA), 3000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode, Rcode::ServFail);
  auto took = ms_since(t0);
  EXPECT_GE(took, 480);
  EXPECT_LT(took, 800);  // not 3 x 300
  EXPECT_EQ(a.udp_queries(), 1);
  EXPECT_EQ(b.udp_queries(), 1);
  EXPECT_EQ(c.udp_queries(), 0);
}

TEST_F(DnsServerTest, FailsOverToTheNextUpstream) {
  FakeUpstream silent("127.0.0.3", true);
  FakeUpstream good("127.0.0.2");
  {
    ServerLoop loop(sockets(), {silent.addr(), good.addr()}, lookup(), {}, 200, 2000);
    auto t0 = std::chrono::steady_clock::now();
    auto r = ask(make_query(10, "example.com", dns::kTypeA));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->rcode, Rcode::NoError);
    EXPECT_EQ(r->id, 10);
    EXPECT_EQ(r->a(), std::vector<Ipv4>{Ipv4{0x01020304}});
    EXPECT_GE(ms_since(t0), 180);
  }
  {
    // Nothing listens on 127.0.0.4: the port unreachable moves on at once.
    ServerLoop loop(sockets(), {v4("127.0.0.4", 53), good.addr()}, lookup(), {}, 1500, 3000);
    auto t0 = std::chrono::steady_clock::now();
    auto r = ask(make_query(11, "example.com", dns::kTypeA));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->rcode, Rcode::NoError);
    EXPECT_LT(ms_since(t0), 1000);
  }
}

TEST_F(DnsServerTest, ConcurrentQueries) {
  constexpr int kN = 50;
  FakeUpstream up("127.0.0.2", false, kN);  // answers all 50 at once, last first
  ServerLoop loop(sockets(), {up.addr()}, lookup());
  std::vector<UniqueFd> socks;
  auto to = v4("127.0.0.11", 53);
  for (int i = 0; i < kN; ++i) {
    socks.emplace_back(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    auto q = make_query(static_cast<uint16_t>(1000 + i), "q" + std::to_string(i) + ".example", dns::kTypeA);
    ASSERT_EQ(::sendto(socks.back().get(), q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&to),
                       sizeof(sockaddr_in)),
              static_cast<ssize_t>(q.size()));
  }
  // Our own names are answered while the forwarded ones wait.
  auto own = ask(make_query(1, "db", dns::kTypeA));
  ASSERT_TRUE(own);
  EXPECT_EQ(own->a(), std::vector<Ipv4>{Ipv4{0x0a010006}});
  for (int i = 0; i < kN; ++i) {
    ASSERT_TRUE(wait_readable(socks[i].get(), 3000)) << i;
    std::vector<uint8_t> buf(4096);
    ssize_t n = ::recv(socks[i].get(), buf.data(), buf.size(), 0);
    ASSERT_GT(n, 0);
    buf.resize(static_cast<size_t>(n));
    auto r = parse_response(buf);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->id, 1000 + i);
    EXPECT_EQ(r->qname, "q" + std::to_string(i) + ".example");
    EXPECT_EQ(r->a(), std::vector<Ipv4>{Ipv4{0x0a000000u + static_cast<uint32_t>(i)}});
  }
}

TEST_F(DnsServerTest, TcpOwnAndForwardedPipelined) {
  FakeUpstream up("127.0.0.2");
  ServerLoop loop(sockets(), {up.addr()}, lookup(), reverse());
  auto c = tcp_connect();
  ASSERT_TRUE(c);
  std::vector<uint8_t> all;
  for (auto& m : {make_query(21, "q77.example", dns::kTypeA), make_query(22, "web", dns::kTypeA),
                  make_query(23, "web", dns::kTypeAaaa)}) {
    auto f = frame(m);
    all.insert(all.end(), f.begin(), f.end());
  }
  ASSERT_TRUE(send_all(c.get(), all));
  std::map<uint16_t, Response> got;
  for (int i = 0; i < 3; ++i) {
    auto m = read_framed(c.get());
    ASSERT_TRUE(m) << i;
    auto r = parse_response(*m);
    ASSERT_TRUE(r);
    got[r->id] = *r;
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[21].a(), std::vector<Ipv4>{Ipv4{0x0a00004d}});
  EXPECT_EQ(got[22].a().size(), 2u);
  EXPECT_EQ(got[23].an, 0);
  EXPECT_EQ(got[23].rcode, Rcode::NoError);
  // The connection stays usable.
  ASSERT_TRUE(send_all(c.get(), frame(make_query(24, "db", dns::kTypeA))));
  auto m = read_framed(c.get());
  ASSERT_TRUE(m);
  EXPECT_EQ(parse_response(*m)->id, 24);
  EXPECT_EQ(up.tcp_queries(), 0);

  // A query written one byte at a time still gets through.
  auto slow = tcp_connect();
  auto f = frame(make_query(25, "web", dns::kTypeA));
  for (uint8_t b : f) {
    ASSERT_EQ(::send(slow.get(), &b, 1, MSG_NOSIGNAL), 1);
    std::this_thread::sleep_for(1ms);
  }
  auto sm = read_framed(slow.get());
  ASSERT_TRUE(sm);
  EXPECT_EQ(parse_response(*sm)->id, 25);

  // Half-closed after the query: still answered.
  auto half = tcp_connect();
  ASSERT_TRUE(send_all(half.get(), frame(make_query(26, "q5.example", dns::kTypeA))));
  ::shutdown(half.get(), SHUT_WR);
  auto hm = read_framed(half.get());
  ASSERT_TRUE(hm);
  EXPECT_EQ(parse_response(*hm)->a(), std::vector<Ipv4>{Ipv4{0x0a000005}});
}

TEST_F(DnsServerTest, TcpRetriesTruncatedUpstreamOverTcp) {
  FakeUpstream up("127.0.0.2");
  ServerLoop loop(sockets(), {up.addr()}, lookup());
  auto udp = ask(make_query(30, "big.example", dns::kTypeA));  // UDP client: the TC answer as is
  ASSERT_TRUE(udp);
  EXPECT_TRUE(udp->flag(dns::kFlagTc));
  EXPECT_EQ(udp->an, 0);
  EXPECT_EQ(up.tcp_queries(), 0);

  auto c = tcp_connect();
  ASSERT_TRUE(send_all(c.get(), frame(make_query(31, "big.example", dns::kTypeA))));
  auto m = read_framed(c.get());
  ASSERT_TRUE(m);
  auto r = parse_response(*m);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, 31);
  EXPECT_FALSE(r->flag(dns::kFlagTc));
  EXPECT_EQ(r->an, 100);
  EXPECT_EQ(up.tcp_queries(), 1);
}

TEST_F(DnsServerTest, TcpTruncatedFallbackWhenUpstreamTcpFails) {
  // UDP only on 127.0.0.7: the TCP retry is refused, the truncated answer returned.
  UniqueFd u(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  auto addr = v4("127.0.0.7", 53);
  ASSERT_EQ(::bind(u.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(sockaddr_in)), 0);
  std::thread responder([&] {
    if (!wait_readable(u.get(), 3000)) return;
    std::vector<uint8_t> buf(4096);
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(u.get(), buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n <= 0) return;
    buf.resize(static_cast<size_t>(n));
    auto r = make_answer(buf, {}, dns::kFlagTc);
    ::sendto(u.get(), r.data(), r.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
  });
  ServerLoop loop(sockets(), {addr}, lookup(), {}, 500, 2000);
  auto c = tcp_connect();
  ASSERT_TRUE(send_all(c.get(), frame(make_query(32, "big.example", dns::kTypeA))));
  auto m = read_framed(c.get());
  responder.join();
  ASSERT_TRUE(m);
  auto r = parse_response(*m);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, 32);
  EXPECT_TRUE(r->flag(dns::kFlagTc));
}

TEST_F(DnsServerTest, SlowTcpClientsAreDropped) {
  ServerLoop loop(sockets(), {}, lookup(), {}, 2000, 5000, 300);
  auto c = tcp_connect();
  ASSERT_TRUE(c);
  uint8_t one = 0;
  ASSERT_EQ(::send(c.get(), &one, 1, MSG_NOSIGNAL), 1);  // half a length, then nothing
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_readable(c.get(), 3000));
  uint8_t buf[16];
  EXPECT_LE(::recv(c.get(), buf, sizeof buf, 0), 0);  // closed
  auto took = ms_since(t0);
  EXPECT_GE(took, 250);
  EXPECT_LT(took, 1500);

  // More idle clients than the server keeps: the oldest go, new ones work.
  std::vector<UniqueFd> idle;
  for (int i = 0; i < 40; ++i) idle.push_back(tcp_connect());
  std::this_thread::sleep_for(50ms);
  auto last = tcp_connect();
  ASSERT_TRUE(send_all(last.get(), frame(make_query(40, "web", dns::kTypeA))));
  auto m = read_framed(last.get());
  ASSERT_TRUE(m);
  EXPECT_EQ(parse_response(*m)->id, 40);
}

TEST_F(DnsServerTest, TcpClientThatNeverReadsIsDropped) {
  ServerLoop loop(sockets(), {}, lookup());
  UniqueFd c(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  int small = 4096;
  ::setsockopt(c.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  auto to = v4("127.0.0.11", 53);
  ASSERT_EQ(::connect(c.get(), reinterpret_cast<sockaddr*>(&to), sizeof(sockaddr_in)), 0);
  // Ask for ~1 KiB answers without end and never read them: once the
  // socket buffers are full the server must stop buffering and hang up
  // (without a bound it would read and keep answers forever).
  std::vector<uint8_t> batch;
  for (int i = 0; i < 100; ++i) {
    auto f = frame(make_query(static_cast<uint16_t>(i), "many", dns::kTypeA, dns::kFlagRd, 4096));
    batch.insert(batch.end(), f.begin(), f.end());
  }
  bool cut = false;
  size_t sent = 0;
  auto t0 = std::chrono::steady_clock::now();
  while (!cut && ms_since(t0) < 10000) {
    ssize_t n = ::send(c.get(), batch.data(), batch.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
      cut = true;
    } else {
      std::this_thread::sleep_for(5ms);
    }
  }
  EXPECT_TRUE(cut) << "sent " << sent << " bytes of queries, never dropped";
  // Others are still served.
  auto r = ask(make_query(1, "web", dns::kTypeA));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->a().size(), 2u);
}

TEST_F(DnsServerTest, MalformedPacketsDoNotHurt) {
  FakeUpstream up("127.0.0.2");
  ServerLoop loop(sockets(), {up.addr()}, lookup());
  UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  auto to = v4("127.0.0.11", 53);
  auto send = [&](const std::vector<uint8_t>& p) {
    ::sendto(s.get(), p.data(), p.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(sockaddr_in));
  };
  send({});
  send({1, 2, 3});
  send(std::vector<uint8_t>(5000, 0xc0));                                // longer than any query
  send(make_query(1, "a", dns::kTypeA, dns::kFlagQr));                   // a response: ignored
  std::vector<uint8_t> loop_name{0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1};
  send(loop_name);                                                        // FORMERR
  auto form = udp_query(loop_name);
  ASSERT_TRUE(form);
  auto fr = parse_response(*form);
  ASSERT_TRUE(fr);
  EXPECT_EQ(fr->rcode, Rcode::FormErr);
  EXPECT_EQ(fr->id, 1);
  // Drain what the first FORMERR sent to `s`, if anything, and check sanity.
  auto r = ask(make_query(2, "web", dns::kTypeA));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->a().size(), 2u);
  auto notimp = ask(make_query(3, "web", dns::kTypeA, 4 << 11));  // NOTIFY
  ASSERT_TRUE(notimp);
  EXPECT_EQ(notimp->rcode, Rcode::NotImp);

  // Garbage over TCP: a zero-length message and a bogus one, then a real query.
  auto c = tcp_connect();
  std::vector<uint8_t> junk{0, 0, 0, 3, 1, 2, 3};
  auto q = frame(make_query(4, "q1.example", dns::kTypeA));
  junk.insert(junk.end(), q.begin(), q.end());
  ASSERT_TRUE(send_all(c.get(), junk));
  auto m = read_framed(c.get());
  ASSERT_TRUE(m);
  EXPECT_EQ(parse_response(*m)->id, 4);
}

TEST_F(DnsServerTest, IdleHasNoTimeout) {
  FakeUpstream silent("127.0.0.3", true);
  DnsServer server(sockets(), {silent.addr()}, lookup());
  server.set_timeouts(100, 200, 100);
  EXPECT_EQ(server.timeout_ms(), -1);
  EXPECT_EQ(server.fds().size(), 2u);
  auto q = make_query(1, "example.com", dns::kTypeA);
  UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  auto to = v4("127.0.0.11", 53);
  ::sendto(s.get(), q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(sockaddr_in));
  int udp = server.fds()[0];
  ASSERT_TRUE(wait_readable(udp, 1000));
  server.handle(udp);
  EXPECT_EQ(server.fds().size(), 3u);  // the forwarding socket
  int t = server.timeout_ms();
  EXPECT_GE(t, 0);
  EXPECT_LE(t, 100);
  server.handle(12345);  // not ours: nothing happens
  std::this_thread::sleep_for(std::chrono::milliseconds(t + 20));
  server.tick();
  EXPECT_EQ(server.timeout_ms(), -1);
  EXPECT_EQ(server.fds().size(), 2u);
  ASSERT_TRUE(wait_readable(s.get(), 1000));
  std::vector<uint8_t> buf(512);
  ssize_t n = ::recv(s.get(), buf.data(), buf.size(), 0);
  buf.resize(static_cast<size_t>(std::max<ssize_t>(n, 0)));
  auto r = parse_response(buf);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode, Rcode::ServFail);
}

// The real layout: the server's sockets in a "container" namespace, the
// server and the upstream in this one, the client in the container's.
TEST_F(DnsServerTest, SocketsInAnotherNamespace) {
  UniqueFd container_ns;
  std::thread([&] {
    if (::unshare(CLONE_NEWNET) == 0 && bring_lo_up())
      container_ns.reset(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  }).join();
  ASSERT_TRUE(container_ns);
  FakeUpstream up("127.0.0.2");  // in the test's namespace only
  auto socks = open_dns_sockets(container_ns.get());
  ASSERT_TRUE(socks) << socks.error().message();
  ServerLoop loop(std::move(*socks), {up.addr()}, lookup());

  std::optional<Response> own, fwd;
  bool tcp_free = false;
  std::thread([&] {
    if (::setns(container_ns.get(), CLONE_NEWNET) != 0) return;
    own = ask(make_query(1, "web", dns::kTypeA));
    fwd = ask(make_query(2, "q9.example", dns::kTypeA));
    // The upstream's address is not reachable from in here.
    UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    auto a = v4("127.0.0.2", 53);
    tcp_free = ::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof(sockaddr_in)) == 0;
  }).join();
  ASSERT_TRUE(own);
  EXPECT_EQ(own->a().size(), 2u);
  ASSERT_TRUE(fwd);
  EXPECT_EQ(fwd->a(), std::vector<Ipv4>{Ipv4{0x0a000009}});
  EXPECT_TRUE(tcp_free);  // 127.0.0.2:53 is free there: a different namespace
  // And 127.0.0.11:53 is free here.
  UniqueFd here(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  auto d = v4("127.0.0.11", 53);
  EXPECT_EQ(::bind(here.get(), reinterpret_cast<sockaddr*>(&d), sizeof(sockaddr_in)), 0);
}

TEST_F(DnsServerTest, OpenFailsOnABadNamespace) {
  auto s = open_dns_sockets(-1);
  EXPECT_FALSE(s);
}

TEST(DnsResolvers, ReadsNameservers) {
  char path[] = "/tmp/hako-dns-resolv-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  {
    std::ofstream f(path);
    f << "# generated\n"
         "search example.com\n"
         "nameserver 10.0.0.1\n"
         "  nameserver\t192.168.1.1  # home\n"
         "nameserver 127.0.0.11\n"
         "nameserver 2001:db8::53\n"
         "nameserver fe80::1%1\n"
         "nameserver not-an-address\n"
         "nameservers 1.1.1.1\n"
         ";nameserver 9.9.9.9\n"
         "options ndots:0\n"
         "nameserver 127.0.0.53\r\n";
  }
  auto r = read_resolvers(path);
  ::unlink(path);
  ASSERT_EQ(r.size(), 5u);
  auto ip4 = [](const sockaddr_storage& s) {
    char buf[INET_ADDRSTRLEN];
    auto* a = reinterpret_cast<const sockaddr_in*>(&s);
    EXPECT_EQ(ntohs(a->sin_port), 53);
    return std::string(::inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf));
  };
  auto ip6 = [](const sockaddr_storage& s) {
    char buf[INET6_ADDRSTRLEN];
    auto* a = reinterpret_cast<const sockaddr_in6*>(&s);
    EXPECT_EQ(ntohs(a->sin6_port), 53);
    return std::string(::inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf));
  };
  EXPECT_EQ(r[0].ss_family, AF_INET);
  EXPECT_EQ(ip4(r[0]), "10.0.0.1");
  EXPECT_EQ(ip4(r[1]), "192.168.1.1");
  EXPECT_EQ(r[2].ss_family, AF_INET6);
  EXPECT_EQ(ip6(r[2]), "2001:db8::53");
  EXPECT_EQ(ip6(r[3]), "fe80::1");
  EXPECT_EQ(reinterpret_cast<const sockaddr_in6*>(&r[3])->sin6_scope_id, 1u);
  EXPECT_EQ(ip4(r[4]), "127.0.0.53");
  EXPECT_TRUE(read_resolvers("/nonexistent/resolv.conf").empty());
}

}  // namespace
}  // namespace hako::network
