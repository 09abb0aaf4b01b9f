// IPv4 addresses, prefixes and MAC addresses: parsed, printed, compared.
// Values are kept in host byte order; to_network() gives the wire order.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace hako::network {

struct Ipv4 {
  uint32_t value = 0;  // host byte order: 10.0.0.1 is 0x0a000001

  static Result<Ipv4> parse(std::string_view text);
  std::string str() const;
  uint32_t to_network() const;  // for sockaddr_in / netlink (big endian)
  static Ipv4 from_network(uint32_t be);
  bool is_unspecified() const { return value == 0; }
  auto operator<=>(const Ipv4&) const = default;
};

struct Ipv4Prefix {
  Ipv4 addr;   // as written: "10.1.0.5/24" keeps .5 (an interface address)
  int length = 0;

  // "a.b.c.d/n"; a bare address is /32.
  static Result<Ipv4Prefix> parse(std::string_view text);
  std::string str() const;
  uint32_t mask() const;
  Ipv4 network() const;    // first address
  Ipv4 broadcast() const;  // last address
  uint64_t size() const { return uint64_t{1} << (32 - length); }
  bool contains(Ipv4 ip) const;
  bool contains(const Ipv4Prefix& other) const;
  bool overlaps(const Ipv4Prefix& other) const;
  bool operator==(const Ipv4Prefix&) const = default;
};

struct Mac {
  std::array<uint8_t, 6> bytes{};

  static Result<Mac> parse(std::string_view text);  // "02:42:ac:11:00:02"
  std::string str() const;
  // The locally administered unicast MAC Docker derives from an IPv4
  // address: 02:42 followed by the address's four bytes.
  static Mac from_ipv4(Ipv4 ip);
  bool operator==(const Mac&) const = default;
};

}  // namespace hako::network
