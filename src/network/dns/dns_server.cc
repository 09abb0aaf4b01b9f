#include "network/dns/dns_server.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>

#include "base/files.h"
#include "base/strings.h"
#include "network/dns/dns_message.h"

namespace hako::network {
namespace {

using dns::Rcode;

constexpr size_t kMaxForwards = 256;
constexpr size_t kMaxTcpClients = 32;
constexpr int kMaxPipelined = 16;      // queries in flight per TCP client
constexpr size_t kMaxTcpBacklog = 128 * 1024;  // unsent answers per TCP client
constexpr int kPacketsPerHandle = 64;  // datagrams read per handle() call
constexpr int kConnectPollMs = 5;      // TCP upstream connect progress (no POLLOUT in fds())
constexpr int kFlushPollMs = 10;       // unsent TCP output
constexpr uint32_t kDnsIp = 0x7f00000b;  // 127.0.0.11
constexpr uint16_t kDnsPort = 53;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

uint16_t random_id() {
  uint16_t v = 0;
  if (::getrandom(&v, sizeof v, GRND_NONBLOCK) == sizeof v) return v;
  static uint32_t state = static_cast<uint32_t>(now_ms()) ^ static_cast<uint32_t>(::getpid()) << 16;
  state = state * 1103515245u + 12345u;
  return static_cast<uint16_t>(state >> 16);
}

socklen_t addr_len(const sockaddr_storage& a) {
  return a.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
}

bool is_embedded_dns(const sockaddr_storage& a) {
  if (a.ss_family != AF_INET) return false;
  auto* in = reinterpret_cast<const sockaddr_in*>(&a);
  return ntohl(in->sin_addr.s_addr) == kDnsIp;
}

sockaddr_in dns_address() {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(kDnsPort);
  a.sin_addr.s_addr = htonl(kDnsIp);
  return a;
}

std::vector<uint8_t> framed(std::span<const uint8_t> msg) {
  std::vector<uint8_t> out;
  out.reserve(msg.size() + 2);
  out.push_back(static_cast<uint8_t>(msg.size() >> 8));
  out.push_back(static_cast<uint8_t>(msg.size()));
  out.insert(out.end(), msg.begin(), msg.end());
  return out;
}

Result<DnsSockets> open_here() {
  sockaddr_in addr = dns_address();
  UniqueFd udp(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!udp) return fail_sys("dns: socket (udp)");
  if (::bind(udp.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return fail_sys("dns: binding 127.0.0.11:53 (udp)");
  UniqueFd tcp(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!tcp) return fail_sys("dns: socket (tcp)");
  int one = 1;
  ::setsockopt(tcp.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(tcp.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return fail_sys("dns: binding 127.0.0.11:53 (tcp)");
  if (::listen(tcp.get(), 64) != 0) return fail_sys("dns: listen");
  return DnsSockets{std::move(udp), std::move(tcp)};
}

}  // namespace

Result<DnsSockets> open_dns_sockets(int netns_fd) {
  // setns() moves only the calling thread: a throwaway one, so the caller
  // (and its other sockets) stays in its own namespace. pthread rather than
  // std::thread: a failure to start is an error, not an exception.
  struct Job {
    int netns_fd;
    std::optional<Result<DnsSockets>> out;
  } job{netns_fd, std::nullopt};
  auto body = [](void* arg) -> void* {
    auto* j = static_cast<Job*>(arg);
    if (::setns(j->netns_fd, CLONE_NEWNET) != 0)
      j->out = fail_sys("dns: setns into the container's network namespace");
    else
      j->out = open_here();
    return nullptr;
  };
  pthread_t thread;
  if (int err = ::pthread_create(&thread, nullptr, body, &job); err != 0) return fail_sys("dns: pthread_create", err);
  ::pthread_join(thread, nullptr);
  return std::move(*job.out);
}

std::vector<sockaddr_storage> read_resolvers(const std::string& path) {
  std::vector<sockaddr_storage> out;
  auto text = read_file(path);
  if (!text) return out;
  for (const std::string& raw : split(*text, '\n')) {
    std::string_view line = trim(raw);
    if (!line.starts_with("nameserver")) continue;
    line.remove_prefix(std::string_view("nameserver").size());
    if (line.empty() || (line[0] != ' ' && line[0] != '\t')) continue;
    line = trim(line);
    line = line.substr(0, line.find_first_of(" \t#;"));
    std::string addr(line);
    sockaddr_storage ss{};
    if (auto* in = reinterpret_cast<sockaddr_in*>(&ss); ::inet_pton(AF_INET, addr.c_str(), &in->sin_addr) == 1) {
      in->sin_family = AF_INET;
      in->sin_port = htons(kDnsPort);
      if (is_embedded_dns(ss)) continue;  // ourselves: a loop
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
      std::string host = addr, scope;
      if (auto pct = addr.find('%'); pct != std::string::npos) {
        host = addr.substr(0, pct);
        scope = addr.substr(pct + 1);
      }
      if (::inet_pton(AF_INET6, host.c_str(), &in6->sin6_addr) != 1) continue;
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons(kDnsPort);
      if (!scope.empty()) {
        unsigned index = ::if_nametoindex(scope.c_str());
        if (index == 0) {
          auto n = parse_int(scope);
          if (!n || *n <= 0) continue;
          index = static_cast<unsigned>(*n);
        }
        in6->sin6_scope_id = index;
      }
    }
    out.push_back(ss);
  }
  return out;
}

// Where a response goes: a UDP client's address, or a TCP client's serial.
struct Client {
  uint64_t tcp = 0;  // 0: UDP
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
};

struct Forward {
  enum class Stage { Udp, TcpConnecting, TcpReading };
  Stage stage = Stage::Udp;
  bool done = false;
  UniqueFd sock;
  Client client;
  uint16_t client_id = 0;
  size_t limit = dns::kClassicUdpSize;  // the client's UDP size (TCP: 64 KiB)
  size_t next_upstream = 0;             // the current one is next_upstream - 1
  int64_t attempt_deadline = 0;
  int64_t total_deadline = 0;
  std::vector<uint8_t> query;     // as sent upstream (our id)
  std::vector<uint8_t> fallback;  // TCP retry: the truncated UDP answer
  std::vector<uint8_t> tcp_in;    // TCP retry: the answer being read
};

struct TcpConn {
  UniqueFd fd;
  uint64_t serial = 0;
  bool dead = false;
  bool eof = false;  // the client shut down its side: answer, then close
  int pending = 0;   // forwarded queries not answered yet
  int64_t deadline = 0;
  std::vector<uint8_t> in, out;
};

struct DnsServer::Impl {
  UniqueFd udp, tcp;
  std::vector<sockaddr_storage> upstreams;
  DnsLookup lookup;
  DnsReverse reverse;
  int attempt_ms = 2000, total_ms = 5000, tcp_ms = 5000;
  std::vector<Forward> forwards;
  std::vector<TcpConn> conns;
  uint64_t next_serial = 1;

  TcpConn* conn(uint64_t serial) {
    for (auto& c : conns)
      if (c.serial == serial && !c.dead) return &c;
    return nullptr;
  }

  // --- Answers -------------------------------------------------------------

  std::optional<std::vector<uint8_t>> answer_locally(const dns::Query& q, size_t limit) {
    if (!q.plain_name || q.name.empty()) return std::nullopt;
    if (q.qclass != dns::kClassIn && q.qclass != dns::kClassAny) return std::nullopt;
    if (q.qtype == dns::kTypePtr) {
      auto ip = dns::parse_reverse_name(q.name);
      if (ip && reverse) {
        if (auto target = reverse(*ip)) {
          auto rr = dns::ptr_record(*target);
          if (!rr) return std::nullopt;
          return dns::build_response(q, Rcode::NoError, true, std::span(&*rr, 1), limit);
        }
      }
      if (ip) return std::nullopt;  // an address reverse() does not know: forward
    }
    if (!lookup) return std::nullopt;
    auto found = lookup(q.name);
    if (!found) return std::nullopt;
    std::vector<dns::Answer> answers;
    if (q.qtype == dns::kTypeA || q.qtype == dns::kTypeAny)
      for (Ipv4 ip : found->v4) answers.push_back(dns::a_record(ip));
    return dns::build_response(q, Rcode::NoError, true, answers, limit);  // empty: NODATA
  }

  void send_to(const Client& c, std::vector<uint8_t> msg) {
    if (c.tcp == 0) {
      ::sendto(udp.get(), msg.data(), msg.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
               reinterpret_cast<const sockaddr*>(&c.addr), c.addr_len);
      return;
    }
    TcpConn* t = conn(c.tcp);
    if (!t || msg.size() > dns::kMaxMessageSize) return;
    auto data = framed(msg);
    if (t->out.empty()) {
      ssize_t n = ::send(t->fd.get(), data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        t->dead = true;
        return;
      }
      size_t sent = n < 0 ? 0 : static_cast<size_t>(n);
      t->out.assign(data.begin() + static_cast<ptrdiff_t>(sent), data.end());
    } else if (t->out.size() + data.size() > kMaxTcpBacklog) {
      t->dead = true;  // asks and never reads
      return;
    } else {
      t->out.insert(t->out.end(), data.begin(), data.end());
    }
    t->deadline = now_ms() + tcp_ms;
  }

  void query(std::span<const uint8_t> packet, const Client& client) {
    dns::ParsedQuery parsed = dns::parse_query(packet);
    const dns::Query& q = parsed.query;
    size_t limit = client.tcp ? dns::kMaxMessageSize : q.udp_limit();
    switch (parsed.status) {
      case dns::ParseStatus::Ignore:
        return;
      case dns::ParseStatus::FormErr:
        return send_to(client, dns::build_response(q, Rcode::FormErr, false, {}, limit));
      case dns::ParseStatus::NotImp:
        return send_to(client, dns::build_response(q, Rcode::NotImp, false, {}, limit));
      case dns::ParseStatus::Ok:
        break;
    }
    if (auto r = answer_locally(q, limit)) return send_to(client, std::move(*r));
    forward(q, packet, client, limit);
  }

  // --- Forwarding ----------------------------------------------------------

  void forward(const dns::Query& q, std::span<const uint8_t> packet, const Client& client, size_t limit) {
    if (upstreams.empty() || forwards.size() >= kMaxForwards)
      return send_to(client, dns::build_response(q, Rcode::ServFail, false, {}, limit));
    Forward f;
    f.client = client;
    f.client_id = q.id;
    f.limit = limit;
    f.query.assign(packet.begin(), packet.end());
    f.total_deadline = now_ms() + total_ms;
    if (!start_attempt(f)) return send_to(client, dns::build_response(q, Rcode::ServFail, false, {}, limit));
    if (client.tcp)
      if (TcpConn* t = conn(client.tcp)) ++t->pending;
    forwards.push_back(std::move(f));
  }

  // Sends the query to the next upstream that takes it; false when none is left.
  bool start_attempt(Forward& f) {
    f.sock.reset();
    while (f.next_upstream < upstreams.size()) {
      const sockaddr_storage& up = upstreams[f.next_upstream++];
      UniqueFd s(::socket(up.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
      if (!s) continue;
      if (::connect(s.get(), reinterpret_cast<const sockaddr*>(&up), addr_len(up)) != 0) continue;
      dns::set_id(f.query, random_id());
      if (::send(s.get(), f.query.data(), f.query.size(), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) continue;
      f.sock = std::move(s);
      f.stage = Forward::Stage::Udp;
      f.attempt_deadline = std::min(now_ms() + attempt_ms, f.total_deadline);
      return true;
    }
    return false;
  }

  void finish(Forward& f, std::vector<uint8_t> response) {
    f.done = true;
    f.sock.reset();
    if (f.client.tcp)
      if (TcpConn* t = conn(f.client.tcp)) --t->pending;
    dns::set_id(response, f.client_id);
    if (!f.client.tcp) dns::truncate_response(response, f.limit);
    send_to(f.client, std::move(response));
  }

  void fail(Forward& f) {
    dns::ParsedQuery p = dns::parse_query(f.query);
    finish(f, dns::build_response(p.query, Rcode::ServFail, false, {}, f.limit));
  }

  void next_or_fail(Forward& f) {
    if (now_ms() < f.total_deadline && start_attempt(f)) return;
    fail(f);
  }

  void give_fallback(Forward& f) { finish(f, std::move(f.fallback)); }

  // The UDP answer was truncated and the client came over TCP: ask the same
  // upstream over TCP.
  void start_tcp(Forward& f, std::span<const uint8_t> truncated) {
    f.fallback.assign(truncated.begin(), truncated.end());
    const sockaddr_storage& up = upstreams[f.next_upstream - 1];
    f.sock.reset(::socket(up.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!f.sock) return give_fallback(f);
    f.attempt_deadline = now_ms() + attempt_ms;
    if (::connect(f.sock.get(), reinterpret_cast<const sockaddr*>(&up), addr_len(up)) == 0) return tcp_send(f);
    if (errno != EINPROGRESS) return give_fallback(f);
    f.stage = Forward::Stage::TcpConnecting;
  }

  void tcp_send(Forward& f) {
    auto data = framed(f.query);
    ssize_t n = ::send(f.sock.get(), data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n != static_cast<ssize_t>(data.size())) return give_fallback(f);  // a query fits any send buffer
    f.stage = Forward::Stage::TcpReading;
  }

  void on_forward(Forward& f) {
    if (f.stage == Forward::Stage::TcpReading) return on_forward_tcp(f);
    if (f.stage != Forward::Stage::Udp) return;
    for (int i = 0; i < kPacketsPerHandle && !f.done; ++i) {
      // The datagram's size first: an answer may be up to 64 KiB, too much
      // for the stack of whatever thread runs the monitor.
      ssize_t n = ::recv(f.sock.get(), nullptr, 0, MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC);
      std::vector<uint8_t> buf(n > 0 ? static_cast<size_t>(n) : 0);
      if (n >= 0) n = ::recv(f.sock.get(), buf.data(), buf.size(), MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
        return next_or_fail(f);  // ECONNREFUSED (ICMP unreachable) and the like
      }
      std::span<const uint8_t> r(buf.data(), std::min(buf.size(), static_cast<size_t>(n)));
      if (!dns::is_response_to(r, f.query)) continue;  // stray or spoofed
      if ((dns::get_flags(r) & dns::kFlagTc) && f.client.tcp) return start_tcp(f, r);
      buf.resize(r.size());
      return finish(f, std::move(buf));
    }
  }

  void on_forward_tcp(Forward& f) {
    std::array<uint8_t, 4096> buf;
    for (int i = 0; i < kPacketsPerHandle; ++i) {
      ssize_t n = ::recv(f.sock.get(), buf.data(), buf.size(), MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
        return give_fallback(f);
      }
      if (n == 0) return give_fallback(f);
      f.tcp_in.insert(f.tcp_in.end(), buf.begin(), buf.begin() + n);
      if (f.tcp_in.size() < 2) continue;
      size_t len = size_t{f.tcp_in[0]} << 8 | f.tcp_in[1];
      if (f.tcp_in.size() < 2 + len) continue;
      std::vector<uint8_t> r(f.tcp_in.begin() + 2, f.tcp_in.begin() + 2 + static_cast<ptrdiff_t>(len));
      if (!dns::is_response_to(r, f.query)) return give_fallback(f);
      return finish(f, std::move(r));
    }
  }

  // --- TCP clients ---------------------------------------------------------

  void on_accept() {
    for (int i = 0; i < kPacketsPerHandle; ++i) {
      UniqueFd fd(::accept4(tcp.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
      if (!fd) return;
      if (std::count_if(conns.begin(), conns.end(), [](const TcpConn& c) { return !c.dead; }) >=
          static_cast<ptrdiff_t>(kMaxTcpClients)) {
        // Full: drop the client closest to its deadline (the slowest).
        auto oldest = std::min_element(conns.begin(), conns.end(), [](const TcpConn& a, const TcpConn& b) {
          return a.dead != b.dead ? !a.dead : a.deadline < b.deadline;
        });
        oldest->dead = true;
      }
      TcpConn c;
      c.fd = std::move(fd);
      c.serial = next_serial++;
      c.deadline = now_ms() + tcp_ms;
      conns.push_back(std::move(c));
    }
  }

  void on_conn(uint64_t serial) {
    std::array<uint8_t, 4096> buf;
    for (int i = 0; i < kPacketsPerHandle; ++i) {
      TcpConn* c = conn(serial);
      if (!c || c->eof) return;
      ssize_t n = ::recv(c->fd.get(), buf.data(), buf.size(), MSG_DONTWAIT);
      if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) c->dead = true;
        return;
      }
      if (n == 0) {
        c->eof = true;
        if (c->pending == 0 && c->out.empty()) c->dead = true;
        return;
      }
      c->in.insert(c->in.end(), buf.begin(), buf.begin() + n);
      // Every complete message in the buffer (clients may pipeline).
      while (c && c->in.size() >= 2) {
        size_t len = size_t{c->in[0]} << 8 | c->in[1];
        if (c->in.size() < 2 + len) break;
        std::vector<uint8_t> msg(c->in.begin() + 2, c->in.begin() + 2 + static_cast<ptrdiff_t>(len));
        c->in.erase(c->in.begin(), c->in.begin() + 2 + static_cast<ptrdiff_t>(len));
        c->deadline = now_ms() + tcp_ms;
        if (c->pending >= kMaxPipelined) {
          c->dead = true;
          return;
        }
        query(msg, Client{serial, {}, 0});
        c = conn(serial);  // query() may have found it dead
      }
      if (c && c->in.empty() && c->in.capacity() > buf.size()) c->in.shrink_to_fit();
    }
  }

  void flush(TcpConn& c) {
    if (c.out.empty() || c.dead) return;
    ssize_t n = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) c.dead = true;
      return;
    }
    c.out.erase(c.out.begin(), c.out.begin() + n);
    if (c.out.empty()) c.out.shrink_to_fit();
    c.deadline = now_ms() + tcp_ms;
  }

  // --- Time ----------------------------------------------------------------

  void expire() {
    int64_t now = now_ms();
    for (size_t i = 0; i < forwards.size(); ++i) {  // by index: fail() may not add, but be safe
      Forward& f = forwards[i];
      if (f.done) continue;
      switch (f.stage) {
        case Forward::Stage::Udp:
          if (now >= f.attempt_deadline) next_or_fail(f);
          break;
        case Forward::Stage::TcpConnecting: {
          pollfd p{f.sock.get(), POLLOUT, 0};
          if (::poll(&p, 1, 0) == 1) {
            int err = 0;
            socklen_t len = sizeof err;
            ::getsockopt(f.sock.get(), SOL_SOCKET, SO_ERROR, &err, &len);
            if (err == 0 && (p.revents & POLLOUT)) {
              tcp_send(f);
            } else {
              give_fallback(f);
            }
          } else if (now >= f.attempt_deadline) {
            give_fallback(f);
          }
          break;
        }
        case Forward::Stage::TcpReading:
          if (now >= f.attempt_deadline) give_fallback(f);
          break;
      }
    }
    for (TcpConn& c : conns) {
      flush(c);
      if (c.dead) continue;
      bool idle = c.pending == 0;
      if (c.eof && idle && c.out.empty()) c.dead = true;
      if (idle && now >= c.deadline) c.dead = true;  // slow, idle or not reading its answers
    }
  }

  void sweep() {
    std::erase_if(forwards, [](const Forward& f) { return f.done; });
    std::erase_if(conns, [](const TcpConn& c) { return c.dead; });
    // Idle, the server holds nothing but itself (the monitor's memory counts).
    if (forwards.empty()) forwards.shrink_to_fit();
    if (conns.empty()) conns.shrink_to_fit();
  }
};

DnsServer::DnsServer(DnsSockets sockets, std::vector<sockaddr_storage> upstreams, DnsLookup lookup,
                     DnsReverse reverse)
    : impl_(std::make_shared<Impl>()) {
  impl_->udp = std::move(sockets.udp);
  impl_->tcp = std::move(sockets.tcp);
  std::erase_if(upstreams, [](const sockaddr_storage& a) {
    return is_embedded_dns(a) || (a.ss_family != AF_INET && a.ss_family != AF_INET6);
  });
  impl_->upstreams = std::move(upstreams);
  impl_->lookup = std::move(lookup);
  impl_->reverse = std::move(reverse);
}

void DnsServer::set_timeouts(int attempt_ms, int total_ms, int tcp_idle_ms) {
  impl_->attempt_ms = std::max(1, attempt_ms);
  impl_->total_ms = std::max(1, total_ms);
  impl_->tcp_ms = std::max(1, tcp_idle_ms);
}

std::vector<int> DnsServer::fds() const {
  std::vector<int> out;
  out.reserve(2 + impl_->forwards.size() + impl_->conns.size());
  if (impl_->udp) out.push_back(impl_->udp.get());
  if (impl_->tcp) out.push_back(impl_->tcp.get());
  for (const Forward& f : impl_->forwards)
    if (!f.done && f.sock && f.stage != Forward::Stage::TcpConnecting) out.push_back(f.sock.get());
  for (const TcpConn& c : impl_->conns)
    if (!c.dead && !c.eof) out.push_back(c.fd.get());
  return out;
}

void DnsServer::handle(int fd) {
  Impl& s = *impl_;
  if (fd < 0) return;
  if (fd == s.udp.get()) {
    std::array<uint8_t, 4096> buf;  // queries are small; a longer one is cut, so malformed
    for (int i = 0; i < kPacketsPerHandle; ++i) {
      Client c;
      c.addr_len = sizeof c.addr;
      ssize_t n = ::recvfrom(s.udp.get(), buf.data(), buf.size(), MSG_DONTWAIT | MSG_TRUNC,
                             reinterpret_cast<sockaddr*>(&c.addr), &c.addr_len);
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if (static_cast<size_t>(n) > buf.size()) continue;
      s.query(std::span<const uint8_t>(buf.data(), static_cast<size_t>(n)), c);
    }
  } else if (fd == s.tcp.get()) {
    s.on_accept();
  } else {
    bool found = false;
    for (size_t i = 0; i < s.forwards.size() && !found; ++i) {
      if (!s.forwards[i].done && s.forwards[i].sock.get() == fd) {
        found = true;
        s.on_forward(s.forwards[i]);
      }
    }
    for (size_t i = 0; i < s.conns.size() && !found; ++i) {
      if (!s.conns[i].dead && s.conns[i].fd.get() == fd) {
        found = true;
        s.on_conn(s.conns[i].serial);
      }
    }
  }
  // Deadlines too, so a monitor that is always busy still expires queries.
  s.expire();
  s.sweep();
}

int DnsServer::timeout_ms() const {
  const Impl& s = *impl_;
  int64_t now = now_ms();
  int64_t next = -1;
  auto consider = [&](int64_t deadline) {
    int64_t left = std::max<int64_t>(0, deadline - now);
    if (next < 0 || left < next) next = left;
  };
  for (const Forward& f : s.forwards) {
    if (f.done) continue;
    consider(f.attempt_deadline);
    if (f.stage == Forward::Stage::TcpConnecting) consider(now + kConnectPollMs);
  }
  for (const TcpConn& c : s.conns) {
    if (c.dead) continue;
    if (!c.out.empty()) consider(now + kFlushPollMs);
    if (c.pending == 0) consider(c.deadline);
  }
  return static_cast<int>(std::min<int64_t>(next, 1 << 30));
}

void DnsServer::tick() {
  impl_->expire();
  impl_->sweep();
}

}  // namespace hako::network
