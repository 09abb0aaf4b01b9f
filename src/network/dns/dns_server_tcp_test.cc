// The server over TCP: pipelined queries, retries of truncated answers,
// and clients that are slow or never read.
#include "network/dns/dns_server_fixture.h"

namespace hako::network::dns_server_testing {
namespace {
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

}  // namespace
}  // namespace hako::network::dns_server_testing
