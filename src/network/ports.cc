#include "network/ports.h"

#include "base/strings.h"
#include "network/address.h"

namespace hako::network {
namespace {

Result<std::pair<uint16_t, uint16_t>> parse_range(const std::string& text, const std::string& whole, bool zero_ok) {
  auto dash = text.find('-');
  auto one = [&](const std::string& s) -> Result<uint16_t> {
    auto n = parse_int(s);
    if (!n || *n < (zero_ok ? 0 : 1) || *n > 65535) return fail(ErrorKind::InvalidArgument, "invalid port: {}", s);
    return static_cast<uint16_t>(*n);
  };
  if (dash == std::string::npos) {
    TRY_ASSIGN(auto p, one(text));
    return std::pair{p, p};
  }
  TRY_ASSIGN(auto a, one(text.substr(0, dash)));
  TRY_ASSIGN(auto b, one(text.substr(dash + 1)));
  if (b < a) return fail(ErrorKind::InvalidArgument, "invalid range specified for port: {}", whole);
  return std::pair{a, b};
}

Result<std::string> parse_proto(const std::string& p, const std::string& whole) {
  std::string lower;
  for (char c : p) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "tcp" || lower == "udp") return lower;
  if (lower == "sctp") return fail(ErrorKind::NotSupported, "sctp ports are not supported: {}", whole);
  return fail(ErrorKind::InvalidArgument, "invalid proto: {}", p);
}

}  // namespace

Result<std::vector<PortSpec>> parse_publish(const std::string& value) {
  std::string rest = value, proto = "tcp";
  if (auto slash = rest.rfind('/'); slash != std::string::npos) {
    TRY_ASSIGN(proto, parse_proto(rest.substr(slash + 1), value));
    rest = rest.substr(0, slash);
  }
  std::string ip, host, container;
  if (rest.starts_with("["))
    return fail(ErrorKind::NotSupported, "IPv6 host addresses are not supported yet: {}", value);
  auto parts = split(rest, ':');
  if (parts.size() == 1) {
    container = parts[0];
  } else if (parts.size() == 2) {
    host = parts[0];
    container = parts[1];
  } else if (parts.size() == 3) {
    ip = parts[0];
    host = parts[1];
    container = parts[2];
  } else {
    return fail(ErrorKind::InvalidArgument, "invalid port format: {}", value);
  }
  if (container.empty()) return fail(ErrorKind::InvalidArgument, "no port specified: {}<empty>", value);
  if (!ip.empty()) {
    if (!Ipv4::parse(ip)) return fail(ErrorKind::InvalidArgument, "invalid IP address: {}", ip);
    if (ip == "0.0.0.0") ip.clear();
  }
  auto c = parse_range(container, value, false);
  if (!c) return fail(ErrorKind::InvalidArgument, "invalid containerPort: {}", container);
  std::pair<uint16_t, uint16_t> h{0, 0};
  if (!host.empty()) {
    auto r = parse_range(host, value, true);
    if (!r) return fail(ErrorKind::InvalidArgument, "invalid hostPort: {}", host);
    h = *r;
  }
  int ccount = c->second - c->first + 1, hcount = h.second - h.first + 1;
  if (!host.empty() && ccount != hcount && !(ccount == 1 && hcount > 1))
    return fail(ErrorKind::InvalidArgument, "invalid ranges specified for container and host Ports: {} and {}",
                container, host);
  std::vector<PortSpec> out;
  for (int i = 0; i < ccount; ++i) {
    PortSpec s;
    s.proto = proto;
    s.host_ip = ip;
    s.container_port = static_cast<uint16_t>(c->first + i);
    if (!host.empty() && h.first != 0) {
      if (ccount == 1 && hcount > 1) {
        s.host_first = h.first;
        s.host_last = h.second;
      } else {
        s.host_first = s.host_last = static_cast<uint16_t>(h.first + i);
      }
    }
    out.push_back(s);
  }
  return out;
}

Result<std::vector<ExposedPort>> parse_expose(const std::string& value) {
  std::string rest = value, proto = "tcp";
  if (auto slash = rest.rfind('/'); slash != std::string::npos) {
    TRY_ASSIGN(proto, parse_proto(rest.substr(slash + 1), value));
    rest = rest.substr(0, slash);
  }
  auto r = parse_range(rest, value, false);
  if (!r) return fail(ErrorKind::InvalidArgument, "invalid range format for --expose specification: \"{}\"", value);
  std::vector<ExposedPort> out;
  for (int p = r->first; p <= r->second; ++p) out.push_back({static_cast<uint16_t>(p), proto});
  return out;
}

}  // namespace hako::network
