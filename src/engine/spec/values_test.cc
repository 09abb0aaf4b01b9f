#include "engine/spec/values.h"

#include <gtest/gtest.h>

namespace hako::engine {
namespace {

std::string err(const auto& r) { return r ? std::string("(ok)") : r.error().message(); }

TEST(RamBytes, UnitsAsDocker) {
  EXPECT_EQ(*parse_ram_bytes("512m"), 512LL << 20);
  EXPECT_EQ(*parse_ram_bytes("1g"), 1LL << 30);
  EXPECT_EQ(*parse_ram_bytes("1G"), 1LL << 30);
  EXPECT_EQ(*parse_ram_bytes("1GiB"), 1LL << 30);
  EXPECT_EQ(*parse_ram_bytes("1gb"), 1LL << 30);
  EXPECT_EQ(*parse_ram_bytes("100"), 100);
  EXPECT_EQ(*parse_ram_bytes("100b"), 100);
  EXPECT_EQ(*parse_ram_bytes("64k"), 65536);
  EXPECT_EQ(*parse_ram_bytes("1.5k"), 1536);
  EXPECT_EQ(*parse_ram_bytes("2 m"), 2LL << 20);
  EXPECT_EQ(*parse_ram_bytes("1t"), 1LL << 40);
}

TEST(RamBytes, Errors) {
  EXPECT_EQ(err(parse_ram_bytes("abc")), "invalid size: 'abc'");
  EXPECT_EQ(err(parse_ram_bytes("")), "invalid size: ''");
  EXPECT_EQ(err(parse_ram_bytes("10x")), "invalid suffix: 'x'");
  EXPECT_EQ(err(parse_ram_bytes("10mbb")), "invalid suffix: 'mbb'");
  EXPECT_EQ(err(parse_ram_bytes("10bb")), "invalid suffix: 'bb'");
  EXPECT_EQ(err(parse_ram_bytes("10mx")), "invalid suffix: 'mx'");
  EXPECT_EQ(err(parse_ram_bytes("-1")), "invalid size: '-1'");
  EXPECT_EQ(err(parse_ram_bytes("1.2.3m")), "strconv.ParseFloat: parsing \"1.2.3\": invalid syntax");
}

TEST(GoDuration, Formats) {
  EXPECT_EQ(format_go_duration(0), "0s");
  EXPECT_EQ(format_go_duration(90'000'000'000), "1m30s");
  EXPECT_EQ(format_go_duration(500'000'000), "500ms");
  EXPECT_EQ(format_go_duration(1'500'000'000), "1.5s");
  EXPECT_EQ(format_go_duration(3600'000'000'000), "1h0m0s");
  EXPECT_EQ(format_go_duration(1500), "1.5\u00b5s");
  EXPECT_EQ(format_go_duration(42), "42ns");
  EXPECT_EQ(format_go_duration(-2'000'000'000), "-2s");
}

TEST(GoScalars, BoolAndInt) {
  EXPECT_TRUE(*parse_go_bool("T"));
  EXPECT_TRUE(*parse_go_bool("1"));
  EXPECT_FALSE(*parse_go_bool("False"));
  EXPECT_EQ(err(parse_go_bool("yes")), "strconv.ParseBool: parsing \"yes\": invalid syntax");
  EXPECT_EQ(*parse_go_int("-42"), -42);
  EXPECT_EQ(*parse_go_int("+7"), 7);
  EXPECT_EQ(*parse_go_int("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(err(parse_go_int("4x")), "strconv.ParseInt: parsing \"4x\": invalid syntax");
  EXPECT_EQ(err(parse_go_int("")), "strconv.ParseInt: parsing \"\": invalid syntax");
  EXPECT_EQ(err(parse_go_int("9223372036854775808")),
            "strconv.ParseInt: parsing \"9223372036854775808\": value out of range");
}

TEST(NanoCpus, DecimalsAndRatios) {
  EXPECT_EQ(*parse_nano_cpus("1.5"), 1'500'000'000);
  EXPECT_EQ(*parse_nano_cpus("0.01"), 10'000'000);
  EXPECT_EQ(*parse_nano_cpus("2"), 2'000'000'000);
  EXPECT_EQ(*parse_nano_cpus(".5"), 500'000'000);
  EXPECT_EQ(*parse_nano_cpus("3/4"), 750'000'000);
  EXPECT_EQ(*parse_nano_cpus("1e-3"), 1'000'000);
  EXPECT_EQ(*parse_nano_cpus("0.000000001"), 1);
  EXPECT_EQ(err(parse_nano_cpus("0.0000000001")), "value is too precise");
  EXPECT_EQ(err(parse_nano_cpus("1/3")), "value is too precise");
  EXPECT_EQ(err(parse_nano_cpus("abc")), "failed to parse abc as a rational number");
  EXPECT_EQ(err(parse_nano_cpus("")), "failed to parse  as a rational number");
}

TEST(KeySequence, DockerFormat) {
  EXPECT_EQ(*parse_key_sequence("ctrl-p,ctrl-q"), "\x10\x11");
  EXPECT_EQ(*parse_key_sequence("ctrl-@,a,DEL"), std::string("\0a\x7f", 3));
  EXPECT_EQ(*parse_key_sequence("ctrl-\\"), "\x1c");
  EXPECT_EQ(err(parse_key_sequence("shift-b")), "Unknown character: 'shift-b'");
}

TEST(Signals, NamesAndNumbers) {
  EXPECT_EQ(*parse_signal_name("SIGTERM"), 15);
  EXPECT_EQ(*parse_signal_name("term"), 15);
  EXPECT_EQ(*parse_signal_name("KILL"), 9);
  EXPECT_EQ(*parse_signal_name("9"), 9);
  EXPECT_EQ(*parse_signal_name("SIGRTMIN+3"), 37);
  EXPECT_EQ(*parse_signal_name("RTMAX-1"), 63);
  EXPECT_EQ(*parse_signal_name("SIGUSR1"), 10);
  EXPECT_EQ(err(parse_signal_name("0")), "invalid signal: 0");
  EXPECT_EQ(err(parse_signal_name("SIGFOO")), "invalid signal: SIGFOO");
  EXPECT_EQ(err(parse_signal_name("RTMIN+16")), "invalid signal: RTMIN+16");
}

TEST(ContainerName, DockerPattern) {
  EXPECT_EQ(*validate_container_name("web-1.a_b"), "web-1.a_b");
  EXPECT_EQ(*validate_container_name("/web"), "web");
  EXPECT_EQ(err(validate_container_name("a")), "Invalid container name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
  EXPECT_EQ(err(validate_container_name("-web")),
            "Invalid container name (-web), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
  EXPECT_EQ(err(validate_container_name("we b")),
            "Invalid container name (we b), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
}

TEST(CleanPath, LikeGo) {
  EXPECT_EQ(clean_path("/a//b/./c/.."), "/a/b");
  EXPECT_EQ(clean_path("/../x"), "/x");
  EXPECT_EQ(clean_path("/"), "/");
  EXPECT_EQ(clean_path("a/../.."), "..");
  EXPECT_EQ(clean_path(""), ".");
}

}  // namespace
}  // namespace hako::engine
