#include "network/address.h"

#include <arpa/inet.h>

#include <charconv>

#include <fmt/format.h>

#include "base/strings.h"

namespace hako::network {

Result<Ipv4> Ipv4::parse(std::string_view text) {
  std::string s(text);
  in_addr a{};
  if (::inet_pton(AF_INET, s.c_str(), &a) != 1) return fail(ErrorKind::InvalidArgument, "invalid IPv4 address: {}", text);
  return Ipv4{ntohl(a.s_addr)};
}

std::string Ipv4::str() const {
  return fmt::format("{}.{}.{}.{}", value >> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff);
}

uint32_t Ipv4::to_network() const { return htonl(value); }
Ipv4 Ipv4::from_network(uint32_t be) { return Ipv4{ntohl(be)}; }

Result<Ipv4Prefix> Ipv4Prefix::parse(std::string_view text) {
  auto slash = text.find('/');
  auto ip = Ipv4::parse(text.substr(0, slash));
  if (!ip) return fail(ErrorKind::InvalidArgument, "invalid CIDR address: {}", text);
  int length = 32;
  if (slash != std::string_view::npos) {
    auto n = parse_int(text.substr(slash + 1));
    if (!n || *n < 0 || *n > 32) return fail(ErrorKind::InvalidArgument, "invalid CIDR address: {}", text);
    length = static_cast<int>(*n);
  }
  return Ipv4Prefix{*ip, length};
}

std::string Ipv4Prefix::str() const { return fmt::format("{}/{}", addr.str(), length); }

uint32_t Ipv4Prefix::mask() const { return length == 0 ? 0 : ~uint32_t{0} << (32 - length); }
Ipv4 Ipv4Prefix::network() const { return Ipv4{addr.value & mask()}; }
Ipv4 Ipv4Prefix::broadcast() const { return Ipv4{addr.value | ~mask()}; }
bool Ipv4Prefix::contains(Ipv4 ip) const { return (ip.value & mask()) == network().value; }
bool Ipv4Prefix::contains(const Ipv4Prefix& o) const { return o.length >= length && contains(o.addr); }
bool Ipv4Prefix::overlaps(const Ipv4Prefix& o) const { return contains(o.network()) || o.contains(network()); }

Result<Mac> Mac::parse(std::string_view text) {
  Mac m;
  auto parts = split(text, ':');
  if (parts.size() != 6) return fail(ErrorKind::InvalidArgument, "invalid MAC address: {}", text);
  for (size_t i = 0; i < 6; ++i) {
    const auto& p = parts[i];
    const char* end = p.data() + p.size();
    auto [ptr, ec] = std::from_chars(p.data(), end, m.bytes[i], 16);
    if (p.empty() || p.size() > 2 || ec != std::errc() || ptr != end)
      return fail(ErrorKind::InvalidArgument, "invalid MAC address: {}", text);
  }
  return m;
}

std::string Mac::str() const {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]);
}

Mac Mac::from_ipv4(Ipv4 ip) {
  Mac m;
  m.bytes = {0x02, 0x42, static_cast<uint8_t>(ip.value >> 24), static_cast<uint8_t>(ip.value >> 16),
             static_cast<uint8_t>(ip.value >> 8), static_cast<uint8_t>(ip.value)};
  return m;
}

}  // namespace hako::network
