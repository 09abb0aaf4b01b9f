// The server over real sockets: its own answers, forwarding over UDP,
// timeouts, malformed input and the namespace it binds in (TCP is in
// dns_server_tcp_test.cc).
#include "network/dns/dns_server_fixture.h"

namespace hako::network::dns_server_testing {
namespace {
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
}  // namespace hako::network::dns_server_testing
