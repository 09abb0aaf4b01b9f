// Links, addresses and routes by rtnetlink (no `ip` exec on the run path).
//
// A Netlink is one NETLINK_ROUTE socket. A socket belongs to the network
// namespace of the thread that created it, so open_in(netns_fd) creates it
// on a short-lived thread that setns()es first: the caller never changes
// namespace, and can drive a container's namespace and the host's from one
// thread. Every request is acknowledged (NLM_F_ACK) and the kernel's errno
// comes back as an Error naming the operation and the link.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/fd.h"
#include "network/address.h"

namespace hako::network {

struct LinkInfo {
  int index = 0;
  std::string name;
  std::string kind;   // "bridge", "veth", "" when the kernel gives none
  int master = 0;     // index of the bridge it is enslaved to, 0 if none
  bool up = false;
  Mac mac;
};

class Netlink {
 public:
  static Result<Netlink> open();                 // the caller's namespace
  static Result<Netlink> open_in(int netns_fd);  // another namespace

  // NotFound when there is no such link.
  Result<LinkInfo> link(const std::string& name);
  Result<std::vector<LinkInfo>> links();

  // A bridge, created up. AlreadyExists if the name is taken.
  Result<> create_bridge(const std::string& name, int mtu = 0);

  // A veth pair in one request: `host_name` stays here, enslaved to
  // `bridge` and up; `peer_name` is created directly in the namespace of
  // `peer_netns_fd` (down, with `peer_mac` if given), so its name can be
  // eth0 whatever this namespace holds.
  Result<> create_veth(const std::string& host_name, const std::string& bridge, const std::string& peer_name,
                       int peer_netns_fd, std::optional<Mac> peer_mac, int mtu = 0);

  Result<> set_up(const std::string& name);
  Result<> set_mac(const std::string& name, const Mac& mac);
  // NotFound when it is already gone (a veth whose peer's namespace died).
  Result<> delete_link(const std::string& name);

  Result<> add_address(const std::string& name, const Ipv4Prefix& address);
  Result<std::vector<Ipv4Prefix>> addresses(const std::string& name);

  Result<> add_default_route(Ipv4 gateway);
  // Destinations of the main table's IPv4 routes (for subnet overlap checks).
  Result<std::vector<Ipv4Prefix>> routes();

  int fd() const { return fd_.get(); }

 private:
  explicit Netlink(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
  uint32_t seq_ = 0;
};

}  // namespace hako::network
