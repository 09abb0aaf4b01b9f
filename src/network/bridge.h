// A network's Linux bridge: made when the network is created (or first
// used, for the default bridge, or again after a reboot), removed with it.
#pragma once

#include <string>

#include "base/error.h"
#include "network/netlink/netlink.h"
#include "network/network_store.h"

namespace hako::network {

// Makes `net`'s bridge if it is missing, with its gateway address, up, and
// route_localnet=1 (packets from 127.0.0.1 to a published port are routed
// to it); turns on the host's IPv4 forwarding, as Docker does. Idempotent;
// true when it had to make the bridge (its firewall rules are then due).
Result<bool> ensure_bridge(Netlink& nl, const NetworkRecord& net);

// Deletes the bridge; one that is already gone is fine.
Result<> remove_bridge(Netlink& nl, const std::string& name);

// The bridge name Docker gives a user-defined network: "br-" and the first
// 12 characters of its id, unless com.docker.network.bridge.name says.
std::string bridge_name_for(const std::string& network_id, const std::map<std::string, std::string>& options);

}  // namespace hako::network
