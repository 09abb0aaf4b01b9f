#include "linux/capabilities.h"

#include <gtest/gtest.h>

namespace hako::linux {

TEST(Capabilities, Names) {
  EXPECT_EQ(capability_from_name("CAP_KILL"), 5);
  EXPECT_EQ(capability_from_name("SYS_ADMIN"), 21);
  EXPECT_FALSE(capability_from_name("CAP_BOGUS"));
  EXPECT_EQ(capability_name(10), "CAP_NET_BIND_SERVICE");
}

TEST(Capabilities, ResolveReportsUnknown) {
  oci::Capabilities caps;
  caps.bounding = {"CAP_KILL", "CAP_NOPE"};
  std::vector<std::string> unknown;
  auto s = resolve_capabilities(caps, &unknown);
  EXPECT_EQ(s.bounding, 1ULL << 5);
  EXPECT_EQ(unknown, std::vector<std::string>{"CAP_NOPE"});
}

}  // namespace hako::linux
