// A container's attachment to one network: its veth pair, address, MAC and
// routes. The pair is made with its container end directly in the
// container's namespace (named eth0, eth1, ...), so when the namespace dies
// with the container's last process, the kernel removes the pair: nothing is
// left on the host even after a crash.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "network/address.h"
#include "network/netlink/netlink.h"

namespace hako::network {

struct Endpoint {
  std::string network_id, network_name, bridge;
  std::string ifname;     // inside the container: eth0, eth1, ...
  std::string host_veth;  // on the host, enslaved to the bridge
  Ipv4Prefix address;     // the container's address and the subnet's length
  Ipv4 gateway;
  Mac mac;
  bool default_route = false;  // this endpoint's gateway is the default route
  bool dns = false;            // a user-defined network: its names resolve
  std::vector<std::string> aliases;

  Json to_json() const;
  static Result<Endpoint> from_json(const Json& j);
};

// "hk" + 8 characters of the container id + 5 of the network id: unique per
// pair and within IFNAMSIZ.
std::string host_veth_name(const std::string& container_id, const std::string& network_id);

// Makes the pair, sets the container end's address, brings it up and, if
// asked, adds the default route. `host` is a socket in the host's namespace.
Result<> attach_endpoint(Netlink& host, int netns_fd, const Endpoint& ep);
// Removes the pair (from the host end); already gone is fine.
Result<> detach_endpoint(Netlink& host, const Endpoint& ep);
// The container's loopback, up.
Result<> loopback_up(int netns_fd);

}  // namespace hako::network
