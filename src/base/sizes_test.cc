#include "base/sizes.h"

#include <gtest/gtest.h>

namespace hako {
namespace {

TEST(RamInBytesTest, GoUnits) {
  EXPECT_EQ(*parse_ram_bytes("512"), 512);
  EXPECT_EQ(*parse_ram_bytes("32b"), 32);
  EXPECT_EQ(*parse_ram_bytes("64k"), 64 * 1024);
  EXPECT_EQ(*parse_ram_bytes("64m"), 64LL << 20);
  EXPECT_EQ(*parse_ram_bytes("64M"), 64LL << 20);
  EXPECT_EQ(*parse_ram_bytes("1g"), 1LL << 30);
  EXPECT_EQ(*parse_ram_bytes("1GB"), 1LL << 30);
  EXPECT_EQ(*parse_ram_bytes("1GiB"), 1LL << 30);
  EXPECT_EQ(*parse_ram_bytes("1.5g"), 3LL << 29);
  EXPECT_EQ(*parse_ram_bytes("2 t"), 2LL << 40);
  EXPECT_EQ(*parse_ram_bytes("1p"), 1LL << 50);
  EXPECT_EQ(parse_ram_bytes("").error().message(), "invalid size: ''");
  EXPECT_EQ(parse_ram_bytes("abc").error().message(), "invalid size: 'abc'");
  EXPECT_EQ(parse_ram_bytes("1x").error().message(), "invalid suffix: 'x'");
  EXPECT_EQ(parse_ram_bytes("1gx").error().message(), "invalid suffix: 'gx'");
  EXPECT_EQ(parse_ram_bytes("1bb").error().message(), "invalid suffix: 'bb'");
  EXPECT_EQ(parse_ram_bytes("1kbit").error().message(), "invalid suffix: 'kbit'");
  EXPECT_FALSE(parse_ram_bytes("-1"));
  EXPECT_FALSE(parse_ram_bytes("1.2.3m"));
}

}  // namespace
}  // namespace hako
