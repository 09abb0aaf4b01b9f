#include "network/ports.h"

#include <gtest/gtest.h>

#include "network/address.h"

namespace hako::network {
namespace {

TEST(PortsTest, PublishForms) {
  auto one = parse_publish("80");
  ASSERT_TRUE(one);
  EXPECT_EQ(*one, (std::vector<PortSpec>{{"tcp", "", 0, 0, 80}}));
  auto mapped = parse_publish("8080:80/udp");
  ASSERT_TRUE(mapped);
  EXPECT_EQ(*mapped, (std::vector<PortSpec>{{"udp", "", 8080, 8080, 80}}));
  auto ip = parse_publish("127.0.0.1::80");
  ASSERT_TRUE(ip);
  EXPECT_EQ(*ip, (std::vector<PortSpec>{{"tcp", "127.0.0.1", 0, 0, 80}}));
  auto range = parse_publish("127.0.0.1:8000-8001:80-81");
  ASSERT_TRUE(range);
  EXPECT_EQ(*range, (std::vector<PortSpec>{{"tcp", "127.0.0.1", 8000, 8000, 80}, {"tcp", "127.0.0.1", 8001, 8001, 81}}));
  auto pick = parse_publish("9000-9005:80");
  ASSERT_TRUE(pick);
  EXPECT_EQ(*pick, (std::vector<PortSpec>{{"tcp", "", 9000, 9005, 80}}));
  auto any = parse_publish("0.0.0.0:81:80/TCP");
  ASSERT_TRUE(any);
  EXPECT_EQ((*any)[0].host_ip, "");
}

TEST(PortsTest, PublishErrors) {
  EXPECT_FALSE(parse_publish("1:2:3:4"));
  EXPECT_FALSE(parse_publish("abc"));
  EXPECT_FALSE(parse_publish("8080:"));
  EXPECT_FALSE(parse_publish("70000:80"));
  EXPECT_FALSE(parse_publish("1.2.3:80:80"));
  EXPECT_FALSE(parse_publish("80/xyz"));
  auto ranges = parse_publish("8000-8002:80-81");
  ASSERT_FALSE(ranges);
  EXPECT_NE(ranges.error().message().find("invalid ranges"), std::string::npos);
}

TEST(PortsTest, Expose) {
  auto e = parse_expose("8000-8002/udp");
  ASSERT_TRUE(e);
  ASSERT_EQ(e->size(), 3u);
  EXPECT_EQ((*e)[2], (ExposedPort{8002, "udp"}));
  EXPECT_FALSE(parse_expose("x"));
}

TEST(AddressTest, PrefixArithmetic) {
  auto p = Ipv4Prefix::parse("10.211.3.7/24");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->network().str(), "10.211.3.0");
  EXPECT_EQ(p->broadcast().str(), "10.211.3.255");
  EXPECT_TRUE(p->contains(*Ipv4::parse("10.211.3.200")));
  EXPECT_FALSE(p->contains(*Ipv4::parse("10.211.4.1")));
  EXPECT_TRUE(p->overlaps(*Ipv4Prefix::parse("10.211.0.0/16")));
  EXPECT_FALSE(p->overlaps(*Ipv4Prefix::parse("10.212.0.0/16")));
  EXPECT_FALSE(Ipv4Prefix::parse("10.0.0.0/33"));
  EXPECT_EQ(Mac::from_ipv4(*Ipv4::parse("10.210.0.2")).str(), "02:42:0a:d2:00:02");
  auto m = Mac::parse("02:42:AC:11:00:02");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->str(), "02:42:ac:11:00:02");
  EXPECT_FALSE(Mac::parse("02:42:ac:11:00"));
}

}  // namespace
}  // namespace hako::network
