// What the server tests share: the private network namespace, fake
// upstreams, a server running on its own thread, and query helpers.
// The test binary moves itself into a private network namespace first (root
// needed; skipped otherwise), so 127.0.0.11:53 and the fake upstreams on
// 127.0.0.2-7 never touch the host's.
#pragma once
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

namespace hako::network::dns_server_testing {

using namespace std::chrono_literals;
using dns::Rcode;
using dns::test::make_answer;
using dns::test::make_query;
using dns::test::parse_response;
using dns::test::Response;

inline bool bring_lo_up() {
  UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!s) return false;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(s.get(), SIOCGIFFLAGS, &ifr) != 0) return false;
  ifr.ifr_flags |= IFF_UP;
  return ::ioctl(s.get(), SIOCSIFFLAGS, &ifr) == 0;
}

inline sockaddr_storage v4(const char* ip, uint16_t port) {
  sockaddr_storage ss{};
  auto* a = reinterpret_cast<sockaddr_in*>(&ss);
  a->sin_family = AF_INET;
  a->sin_port = htons(port);
  ::inet_pton(AF_INET, ip, &a->sin_addr);
  return ss;
}

inline int64_t ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t).count();
}

inline bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1;
}

// --- Clients ---------------------------------------------------------------

inline std::optional<std::vector<uint8_t>> udp_query(const std::vector<uint8_t>& q, int timeout_ms = 3000) {
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

inline UniqueFd tcp_connect() {
  UniqueFd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  auto to = v4("127.0.0.11", 53);
  if (::connect(s.get(), reinterpret_cast<sockaddr*>(&to), sizeof(sockaddr_in)) != 0) return UniqueFd();
  return s;
}

inline bool read_exact(int fd, uint8_t* out, size_t n, int timeout_ms) {
  size_t got = 0;
  while (got < n) {
    if (!wait_readable(fd, timeout_ms)) return false;
    ssize_t r = ::recv(fd, out + got, n - got, 0);
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  return true;
}

inline std::optional<std::vector<uint8_t>> read_framed(int fd, int timeout_ms = 3000) {
  uint8_t len[2];
  if (!read_exact(fd, len, 2, timeout_ms)) return std::nullopt;
  std::vector<uint8_t> msg(size_t{len[0]} << 8 | len[1]);
  if (!read_exact(fd, msg.data(), msg.size(), timeout_ms)) return std::nullopt;
  return msg;
}

inline std::vector<uint8_t> frame(const std::vector<uint8_t>& m) {
  std::vector<uint8_t> out(m.size() + 2);
  out[0] = static_cast<uint8_t>(m.size() >> 8);
  out[1] = static_cast<uint8_t>(m.size());
  std::copy(m.begin(), m.end(), out.begin() + 2);
  return out;
}

inline bool send_all(int fd, const std::vector<uint8_t>& data) {
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

inline std::optional<Response> ask(const std::vector<uint8_t>& q, int timeout_ms = 3000) {
  auto r = udp_query(q, timeout_ms);
  if (!r) return std::nullopt;
  return parse_response(*r);
}

}  // namespace hako::network::dns_server_testing
