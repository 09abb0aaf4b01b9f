#include "network/names.h"

#include <gtest/gtest.h>

#include "base/files.h"
#include "store/test_util.h"

namespace hako::network {
namespace {

TEST(NameRecords, LookupReverseAndRemoval) {
  store::testing::TempDir tmp;
  NameRecords names(tmp.path());
  Ipv4 a = *Ipv4::parse("10.211.0.2"), b = *Ipv4::parse("10.211.1.2");
  ASSERT_TRUE(names.write("net1", "c1", a, {"web", "Front", "0123456789ab"}));
  ASSERT_TRUE(names.write("net2", "c2", b, {"db", "front"}));
  EXPECT_EQ(names.lookup({"net1"}, "WEB"), std::vector<Ipv4>{a});
  EXPECT_EQ(names.lookup({"net1"}, "front"), std::vector<Ipv4>{a});
  EXPECT_EQ(names.lookup({"net1", "net2"}, "front"), (std::vector<Ipv4>{a, b}));
  EXPECT_TRUE(names.lookup({"net1"}, "db").empty());  // another network: not visible
  EXPECT_TRUE(names.lookup({"nonet"}, "web").empty());
  EXPECT_EQ(names.reverse({"net2"}, b), "db");
  EXPECT_FALSE(names.reverse({"net1"}, b));
  names.remove("net1", "c1");
  EXPECT_TRUE(names.lookup({"net1"}, "web").empty());
  names.remove_network("net2");
  EXPECT_FALSE(path_exists(tmp.path() + "/networks/net2"));
}

}  // namespace
}  // namespace hako::network
