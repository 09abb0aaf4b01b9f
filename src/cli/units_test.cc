#include "cli/units.h"

#include <gtest/gtest.h>

namespace hako::cli {

TEST(Units, SizesAsGoUnitsPrintsThem) {
  EXPECT_EQ(human_size(0), "0B");
  EXPECT_EQ(human_size(999), "999B");
  EXPECT_EQ(human_size(4264960), "4.26MB");
  EXPECT_EQ(human_size(129000), "129kB");
  EXPECT_EQ(human_size(1200000000), "1.2GB");
}

TEST(Units, BinarySizesAsBytesSizePrintsThem) {
  EXPECT_EQ(human_binary_size(0), "0B");
  EXPECT_EQ(human_binary_size(1536 * 1024), "1.5MiB");
  EXPECT_EQ(human_binary_size(64.0 * 1024 * 1024), "64MiB");
  EXPECT_EQ(human_binary_size(25157980160.0), "23.43GiB");
}

TEST(Units, Durations) {
  EXPECT_EQ(human_duration(0), "Less than a second");
  EXPECT_EQ(human_duration(30), "30 seconds");
  EXPECT_EQ(human_duration(90), "About a minute");
  EXPECT_EQ(human_duration(600), "10 minutes");
  EXPECT_EQ(human_duration(3600), "About an hour");
  EXPECT_EQ(human_duration(5 * 3600), "5 hours");
  EXPECT_EQ(human_duration(3 * 86400), "3 days");
  EXPECT_EQ(human_duration(21 * 86400), "3 weeks");
  EXPECT_EQ(human_duration(100 * 86400), "3 months");
  EXPECT_EQ(human_duration(800 * 86400), "2 years");
}

}  // namespace hako::cli
