#include "network/dns/dns_message.h"

#include <gtest/gtest.h>

#include <random>

#include "network/dns/dns_test_util.h"

namespace hako::network::dns {
namespace {

using test::make_query;
using test::parse_response;
using test::put16;
using test::put_header;
using test::put_name;

std::span<const uint8_t> bytes(const std::vector<uint8_t>& v) { return v; }

TEST(DnsMessage, ParsesAQuery) {
  auto p = make_query(0xbeef, "Web.MyNet", kTypeA);
  auto r = parse_query(p);
  ASSERT_EQ(r.status, ParseStatus::Ok);
  EXPECT_EQ(r.query.id, 0xbeef);
  EXPECT_TRUE(r.query.has_question);
  EXPECT_TRUE(r.query.recursion_desired());
  EXPECT_EQ(r.query.name, "web.mynet");  // lower-cased, no final dot
  EXPECT_EQ(r.query.wire_name, std::string("\3Web\5MyNet\0", 11));
  EXPECT_EQ(r.query.qtype, kTypeA);
  EXPECT_EQ(r.query.qclass, kClassIn);
  EXPECT_TRUE(r.query.plain_name);
  EXPECT_FALSE(r.query.edns);
  EXPECT_EQ(r.query.udp_limit(), 512u);
}

TEST(DnsMessage, RootAndOddLabels) {
  auto root = parse_query(make_query(1, "", kTypeA));
  ASSERT_EQ(root.status, ParseStatus::Ok);
  EXPECT_EQ(root.query.name, "");

  // A label holding a dot must not pass for two labels.
  std::vector<uint8_t> p;
  put_header(p, 2, kFlagRd, 1, 0, 0, 0);
  const uint8_t name[] = {3, 'a', '.', 'b', 0};
  p.insert(p.end(), std::begin(name), std::end(name));
  put16(p, kTypeA);
  put16(p, kClassIn);
  auto r = parse_query(p);
  ASSERT_EQ(r.status, ParseStatus::Ok);
  EXPECT_EQ(r.query.name, "a.b");
  EXPECT_FALSE(r.query.plain_name);
}

TEST(DnsMessage, Edns) {
  auto r = parse_query(make_query(1, "example.com", kTypeA, kFlagRd, 4096));
  ASSERT_EQ(r.status, ParseStatus::Ok);
  EXPECT_TRUE(r.query.edns);
  EXPECT_EQ(r.query.edns_size, 4096);
  EXPECT_EQ(r.query.udp_limit(), 4096u);
  auto small = parse_query(make_query(1, "example.com", kTypeA, kFlagRd, 100));
  EXPECT_EQ(small.query.udp_limit(), 512u);  // never below 512

  // An OPT with options (a cookie) after a bogus additional record.
  auto p = make_query(1, "example.com", kTypeA);
  p[11] = 2;  // arcount
  put_name(p, "x");
  put16(p, kTypeA);
  put16(p, kClassIn);
  test::put32(p, 1);
  put16(p, 4);
  test::put32(p, 0x01020304);
  p.push_back(0);
  put16(p, kTypeOpt);
  put16(p, 1232);
  test::put32(p, 0x8000);  // DO
  put16(p, 12);
  put16(p, 10);  // COOKIE
  put16(p, 8);
  for (int i = 0; i < 8; ++i) p.push_back(static_cast<uint8_t>(i));
  auto c = parse_query(p);
  ASSERT_EQ(c.status, ParseStatus::Ok);
  EXPECT_TRUE(c.query.edns);
  EXPECT_EQ(c.query.edns_size, 1232);
}

TEST(DnsMessage, MalformedAdditionalIsTolerated) {
  auto p = make_query(1, "example.com", kTypeA, kFlagRd, 4096);
  p.resize(p.size() - 3);  // OPT cut short
  auto r = parse_query(p);
  ASSERT_EQ(r.status, ParseStatus::Ok);
  EXPECT_FALSE(r.query.edns);
  auto q = make_query(1, "example.com", kTypeA);
  q[7] = 50;  // ancount 50, nothing there
  EXPECT_EQ(parse_query(q).status, ParseStatus::Ok);
}

TEST(DnsMessage, IgnoredAndRejected) {
  EXPECT_EQ(parse_query({}).status, ParseStatus::Ignore);
  std::vector<uint8_t> short_packet(11, 0);
  EXPECT_EQ(parse_query(short_packet).status, ParseStatus::Ignore);
  auto response = make_query(1, "a", kTypeA, kFlagQr);
  EXPECT_EQ(parse_query(response).status, ParseStatus::Ignore);  // never answer a response

  std::vector<uint8_t> none;
  put_header(none, 7, kFlagRd, 0, 0, 0, 0);
  auto r = parse_query(none);
  EXPECT_EQ(r.status, ParseStatus::FormErr);
  EXPECT_EQ(r.query.id, 7);
  EXPECT_FALSE(r.query.has_question);

  auto two = make_query(1, "a", kTypeA);
  two[5] = 2;
  EXPECT_EQ(parse_query(two).status, ParseStatus::FormErr);

  auto cut = make_query(1, "example.com", kTypeA);
  cut.resize(cut.size() - 2);  // no qclass
  EXPECT_EQ(parse_query(cut).status, ParseStatus::FormErr);
  cut.resize(16);  // inside the name
  EXPECT_EQ(parse_query(cut).status, ParseStatus::FormErr);

  auto status = make_query(1, "example.com", kTypeA, 2 << 11);  // opcode STATUS
  auto s = parse_query(status);
  EXPECT_EQ(s.status, ParseStatus::NotImp);
  EXPECT_TRUE(s.query.has_question);

  auto ext = test::query_with_raw_name({0x41, 0});  // 0x40: an extended label type
  EXPECT_EQ(parse_query(ext).status, ParseStatus::FormErr);
}

TEST(DnsMessage, NameTooLong) {
  std::string label(63, 'a');
  std::string name = label + "." + label + "." + label + "." + label;  // 4*64+1 = 257 bytes
  EXPECT_EQ(parse_query(make_query(1, name, kTypeA)).status, ParseStatus::FormErr);
  std::string fits = label + "." + label + "." + label + "." + std::string(61, 'b');  // 255
  EXPECT_EQ(parse_query(make_query(1, fits, kTypeA)).status, ParseStatus::Ok);
  EXPECT_FALSE(encode_name(name));
  EXPECT_TRUE(encode_name(fits));
}

TEST(DnsMessage, CompressionPointers) {
  // "example.com" at 12, then "www" + pointer to it.
  std::vector<uint8_t> p;
  put_header(p, 1, 0, 0, 0, 0, 0);
  put_name(p, "example.com");  // 12..24
  size_t www = p.size();
  const uint8_t tail[] = {3, 'w', 'w', 'w', 0xc0, 12};
  p.insert(p.end(), std::begin(tail), std::end(tail));
  std::string wire;
  auto end = read_name(bytes(p), www, &wire);
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, www + 6);
  EXPECT_EQ(wire, std::string("\3www\7example\3com\0", 17));
}

TEST(DnsMessage, CompressionLoopsRejected) {
  // A pointer to itself.
  auto self = test::query_with_raw_name({0xc0, 12});
  EXPECT_EQ(parse_query(self).status, ParseStatus::FormErr);
  EXPECT_FALSE(read_name(bytes(self), 12));

  // A forward pointer.
  std::vector<uint8_t> fwd;
  put_header(fwd, 1, 0, 1, 0, 0, 0);
  fwd.push_back(0xc0);
  fwd.push_back(14);
  put_name(fwd, "a");
  EXPECT_FALSE(read_name(bytes(fwd), 12));

  // Two names pointing at each other: 12: "a" -> 16, 16: -> 12.
  std::vector<uint8_t> loop;
  put_header(loop, 1, 0, 0, 0, 0, 0);
  const uint8_t body[] = {1, 'a', 0xc0, 16, 0xc0, 12};
  loop.insert(loop.end(), std::begin(body), std::end(body));
  EXPECT_FALSE(read_name(bytes(loop), 12));
  EXPECT_FALSE(read_name(bytes(loop), 16));

  // "a" then a pointer back into its own label: 12: 1 'a' c0 12 (loops to itself).
  std::vector<uint8_t> back;
  put_header(back, 1, 0, 0, 0, 0, 0);
  const uint8_t b2[] = {1, 'a', 0xc0, 12};
  back.insert(back.end(), std::begin(b2), std::end(b2));
  EXPECT_FALSE(read_name(bytes(back), 12));

  // A loop in the additional section only costs the EDNS, not the query.
  auto q = make_query(1, "example.com", kTypeA);
  q[11] = 1;
  q.push_back(0xc0);
  q.push_back(static_cast<uint8_t>(q.size() - 1));
  auto r = parse_query(q);
  EXPECT_EQ(r.status, ParseStatus::Ok);
  EXPECT_FALSE(r.query.edns);

  // A pointer past the end.
  std::vector<uint8_t> past;
  put_header(past, 1, 0, 1, 0, 0, 0);
  past.push_back(0xc0);
  EXPECT_FALSE(read_name(bytes(past), 12));
}

TEST(DnsMessage, ARecordsRoundTrip) {
  auto p = make_query(0x1234, "Web.MyNet", kTypeA);
  auto q = parse_query(p).query;
  std::vector<Answer> answers = {a_record(Ipv4{0x0a010005}), a_record(Ipv4{0xac120002})};
  auto out = build_response(q, Rcode::NoError, true, answers, q.udp_limit());
  auto r = parse_response(out);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, 0x1234);
  EXPECT_TRUE(r->flag(kFlagQr));
  EXPECT_TRUE(r->flag(kFlagAa));
  EXPECT_TRUE(r->flag(kFlagRd));
  EXPECT_TRUE(r->flag(kFlagRa));
  EXPECT_FALSE(r->flag(kFlagTc));
  EXPECT_EQ(r->rcode, Rcode::NoError);
  EXPECT_EQ(r->qd, 1);
  EXPECT_EQ(r->qname, "Web.MyNet");  // the question echoed as asked (0x20 case)
  EXPECT_EQ(r->qtype, kTypeA);
  ASSERT_EQ(r->answers.size(), 2u);
  EXPECT_EQ(r->answers[0].name, "Web.MyNet");
  EXPECT_EQ(r->answers[0].ttl, 600u);
  EXPECT_EQ(r->answers[0].klass, kClassIn);
  EXPECT_EQ(r->a(), (std::vector<Ipv4>{Ipv4{0x0a010005}, Ipv4{0xac120002}}));
  EXPECT_EQ(r->ar, 0);

  // Without RD in the query, none in the answer.
  auto nord = parse_query(make_query(1, "web", kTypeA, 0)).query;
  EXPECT_FALSE(parse_response(build_response(nord, Rcode::NoError, true, answers))->flag(kFlagRd));
}

TEST(DnsMessage, EdnsAnswerHasOpt) {
  auto q = parse_query(make_query(1, "web", kTypeA, kFlagRd, 4096)).query;
  std::vector<Answer> answers = {a_record(Ipv4{0x0a000001})};
  auto r = parse_response(build_response(q, Rcode::NoError, true, answers, q.udp_limit()));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->additional.size(), 1u);
  EXPECT_EQ(r->additional[0].type, kTypeOpt);
  EXPECT_EQ(r->additional[0].klass, kOurEdnsSize);
}

TEST(DnsMessage, NodataForAaaa) {
  auto q = parse_query(make_query(9, "web", kTypeAaaa)).query;
  auto r = parse_response(build_response(q, Rcode::NoError, true, {}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode, Rcode::NoError);
  EXPECT_TRUE(r->flag(kFlagAa));
  EXPECT_EQ(r->an, 0);
  EXPECT_EQ(r->qtype, kTypeAaaa);
  EXPECT_EQ(r->qname, "web");
}

TEST(DnsMessage, ErrorsEchoTheQuestion) {
  auto q = parse_query(make_query(3, "nope.example", kTypeA)).query;
  for (Rcode rc : {Rcode::NxDomain, Rcode::ServFail, Rcode::FormErr, Rcode::NotImp}) {
    auto r = parse_response(build_response(q, rc, rc == Rcode::NxDomain));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->rcode, rc);
    EXPECT_EQ(r->id, 3);
    EXPECT_EQ(r->qd, 1);
    EXPECT_EQ(r->qname, "nope.example");
    EXPECT_EQ(r->an, 0);
  }
  std::vector<uint8_t> none;
  put_header(none, 5, kFlagRd, 0, 0, 0, 0);
  auto f = parse_query(none);
  auto r = parse_response(build_response(f.query, Rcode::FormErr, false));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode, Rcode::FormErr);
  EXPECT_EQ(r->qd, 0);
  EXPECT_EQ(r->size, kHeaderSize);

  auto st = parse_query(make_query(1, "x", kTypeA, 2 << 11));
  auto n = parse_response(build_response(st.query, Rcode::NotImp, false));
  EXPECT_EQ(n->flags & 0x7800, 2 << 11);  // the opcode echoed
  EXPECT_EQ(n->qname, "x");
}

TEST(DnsMessage, TruncatesOwnAnswers) {
  auto q = parse_query(make_query(1, "many", kTypeA)).query;
  std::vector<Answer> answers;
  for (uint32_t i = 0; i < 60; ++i) answers.push_back(a_record(Ipv4{0x0a000000 + i}));
  auto out = build_response(q, Rcode::NoError, true, answers, q.udp_limit());
  EXPECT_LE(out.size(), 512u);
  auto r = parse_response(out);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->flag(kFlagTc));
  EXPECT_GT(r->an, 0);
  EXPECT_LT(r->an, 60);

  auto big = parse_query(make_query(1, "many", kTypeA, kFlagRd, 4096)).query;
  auto all = parse_response(build_response(big, Rcode::NoError, true, answers, big.udp_limit()));
  EXPECT_FALSE(all->flag(kFlagTc));
  EXPECT_EQ(all->an, 60);
  EXPECT_EQ(all->additional.size(), 1u);

  // With EDNS at 512 the OPT still fits after the answers.
  auto tight = parse_query(make_query(1, "many", kTypeA, kFlagRd, 512)).query;
  auto t = build_response(tight, Rcode::NoError, true, answers, tight.udp_limit());
  EXPECT_LE(t.size(), 512u);
  EXPECT_EQ(parse_response(t)->additional.size(), 1u);
}

TEST(DnsMessage, TruncateRelayedResponse) {
  auto query = make_query(1, "huge.example", kTypeA);
  std::vector<Ipv4> ips;
  for (uint32_t i = 0; i < 100; ++i) ips.push_back(Ipv4{0x0b000000 + i});
  auto resp = test::make_answer(query, ips);
  ASSERT_GT(resp.size(), 512u);
  auto copy = resp;
  EXPECT_FALSE(truncate_response(copy, 65535));
  EXPECT_EQ(copy, resp);
  EXPECT_TRUE(truncate_response(resp, 512));
  auto r = parse_response(resp);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->flag(kFlagTc));
  EXPECT_EQ(r->qd, 1);
  EXPECT_EQ(r->an, 0);
  EXPECT_EQ(r->qname, "huge.example");
  EXPECT_EQ(r->id, 1);
}

TEST(DnsMessage, ReverseNames) {
  EXPECT_EQ(parse_reverse_name("5.0.1.10.in-addr.arpa"), Ipv4{0x0a010005});
  EXPECT_EQ(parse_reverse_name("255.255.255.255.in-addr.arpa"), Ipv4{0xffffffff});
  EXPECT_FALSE(parse_reverse_name("1.10.in-addr.arpa"));
  EXPECT_FALSE(parse_reverse_name("1.2.3.4.5.in-addr.arpa"));
  EXPECT_FALSE(parse_reverse_name("256.0.1.10.in-addr.arpa"));
  EXPECT_FALSE(parse_reverse_name("a.0.1.10.in-addr.arpa"));
  EXPECT_FALSE(parse_reverse_name(".0.1.10.in-addr.arpa"));
  EXPECT_FALSE(parse_reverse_name("in-addr.arpa"));
  EXPECT_FALSE(parse_reverse_name("5.0.1.10.ip6.arpa"));
  EXPECT_FALSE(parse_reverse_name("0005.0.1.10.in-addr.arpa"));
}

TEST(DnsMessage, PtrRoundTrip) {
  auto q = parse_query(make_query(4, "5.0.1.10.IN-ADDR.ARPA", kTypePtr)).query;
  EXPECT_EQ(q.name, "5.0.1.10.in-addr.arpa");
  auto rr = ptr_record("web.mynet.");
  ASSERT_TRUE(rr);
  EXPECT_EQ(rr->rdata, std::string("\3web\5mynet\0", 11));
  auto r = parse_response(build_response(q, Rcode::NoError, true, std::span(&*rr, 1)));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->answers.size(), 1u);
  EXPECT_EQ(r->answers[0].type, kTypePtr);
  EXPECT_EQ(r->answers[0].rname, "web.mynet");
  EXPECT_EQ(r->answers[0].ttl, 600u);
  EXPECT_FALSE(ptr_record("a..b"));
  EXPECT_FALSE(ptr_record(std::string(64, 'x')));
}

TEST(DnsMessage, EncodeName) {
  EXPECT_EQ(encode_name(""), std::string(1, '\0'));
  EXPECT_EQ(encode_name("."), std::string(1, '\0'));
  EXPECT_EQ(encode_name("a.bc"), std::string("\1a\2bc\0", 6));
  EXPECT_EQ(encode_name("a.bc."), std::string("\1a\2bc\0", 6));
  EXPECT_FALSE(encode_name(".a"));
  EXPECT_FALSE(encode_name("a.."));
}

TEST(DnsMessage, ResponseMatching) {
  auto query = make_query(0x4242, "Example.COM", kTypeA, kFlagRd, 1232);
  auto resp = test::make_answer(query, {Ipv4{1}});
  EXPECT_TRUE(is_response_to(resp, query));
  auto other_case = resp;
  other_case[13] = 'e';  // "example" vs "Example": 0x20 tolerated
  EXPECT_TRUE(is_response_to(other_case, query));
  auto wrong_id = resp;
  wrong_id[1] ^= 1;
  EXPECT_FALSE(is_response_to(wrong_id, query));
  EXPECT_FALSE(is_response_to(query, query));  // not a response
  auto aaaa = test::make_answer(make_query(0x4242, "example.com", kTypeAaaa), {});
  EXPECT_FALSE(is_response_to(aaaa, query));
  auto other = test::make_answer(make_query(0x4242, "example.org", kTypeA), {});
  EXPECT_FALSE(is_response_to(other, query));
  std::vector<uint8_t> refused;
  put_header(refused, 0x4242, kFlagQr | static_cast<uint16_t>(Rcode::Refused), 0, 0, 0, 0);
  EXPECT_TRUE(is_response_to(refused, query));
  std::vector<uint8_t> empty_ok;
  put_header(empty_ok, 0x4242, kFlagQr, 0, 0, 0, 0);
  EXPECT_FALSE(is_response_to(empty_ok, query));
}

TEST(DnsMessage, IdHelpers) {
  auto p = make_query(0x1111, "a", kTypeA);
  set_id(p, 0xabcd);
  EXPECT_EQ(get_id(p), 0xabcd);
  EXPECT_EQ(parse_query(p).query.id, 0xabcd);
  std::vector<uint8_t> tiny(1);
  set_id(tiny, 1);  // no crash
  EXPECT_EQ(get_id(tiny), 0);
}

// Random and mutated packets: no crash, no read past the end (run under
// ASan/valgrind to make the second meaningful).
TEST(DnsMessage, FuzzNoCrash) {
  std::mt19937 rng(1234);
  auto base = make_query(1, "www.example.com", kTypeA, kFlagRd, 4096);
  auto answer = test::make_answer(make_query(1, "www.example.com", kTypeA), {Ipv4{1}, Ipv4{2}});
  for (int i = 0; i < 50000; ++i) {
    std::vector<uint8_t> p;
    if (i % 3 == 0) {
      p.resize(rng() % 80);
      for (auto& b : p) b = static_cast<uint8_t>(rng());
    } else {
      p = (i % 3 == 1) ? base : answer;
      int flips = 1 + static_cast<int>(rng() % 6);
      for (int j = 0; j < flips; ++j) p[rng() % p.size()] = static_cast<uint8_t>(rng());
      if (rng() % 4 == 0) p.resize(rng() % (p.size() + 1));
    }
    auto r = parse_query(p);
    if (r.status != ParseStatus::Ignore) {
      auto out = build_response(r.query, Rcode::NoError, true, std::vector<Answer>{a_record(Ipv4{7})}, r.query.udp_limit());
      EXPECT_TRUE(parse_response(out).has_value());
    }
    for (size_t off = 0; off < p.size(); off += 7) read_name(p, off);
    is_response_to(p, base);
    is_response_to(answer, p);
    auto t = p;
    truncate_response(t, 20);
  }
}

}  // namespace
}  // namespace hako::network::dns
