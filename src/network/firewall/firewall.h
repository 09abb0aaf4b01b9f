// NAT and filtering for hako's networks in nftables, through libnftables
// (loaded with dlopen: only commands that touch networks pay for it).
//
// hako owns one table, `table ip hako`, and always writes it whole: the
// caller describes every bridge and every published port there is (from the
// state database), and apply() replaces the table in one nftables
// transaction. There is no incremental state to drift or leak: a crash, a
// reboot or a flushed ruleset is mended by the next apply(), and an empty
// Ruleset removes the table.
//
// What the table does:
// - masquerade: traffic from a bridge's subnet leaving by another interface
//   (not for --internal networks).
// - isolation: forwarding between two different hako bridges is dropped
//   unless it was DNATed to a published port (containers reach other
//   networks' published ports through the host, as in Docker).
// - internal: nothing is forwarded into or out of an internal bridge.
// - published ports: DNAT in prerouting (from outside and from containers)
//   and in output (from the host itself) for packets to a local address
//   (fib daddr type local), on the host address given or any; 127.0.0.1 works
//   because the bridge has route_localnet=1 (set by the caller) and such
//   packets are masqueraded on their way to the bridge; a container that
//   reaches a published port on its own bridge (hairpin) is masqueraded too.
// - Docker coexistence: Docker's iptables FORWARD chain has policy DROP,
//   which nftables's accept in another table cannot override. When the
//   `DOCKER-USER` chain exists in `table ip filter` (iptables-nft), apply()
//   keeps one accept rule per bridge and direction there, with the comment
//   "hako", and removes them again when the bridge goes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "network/address.h"

namespace hako::network::firewall {

struct Bridge {
  std::string name;    // the bridge's link name: "hako0", "br-0123456789ab"
  Ipv4Prefix subnet;   // e.g. 10.211.3.0/24
  bool internal = false;
};

struct PublishedPort {
  std::string proto;            // "tcp" or "udp"
  std::optional<Ipv4> host_ip;  // nullopt: every local address (0.0.0.0)
  uint16_t host_port = 0;
  Ipv4 container_ip;
  uint16_t container_port = 0;
  std::string bridge;           // the bridge container_ip is on
};

struct Ruleset {
  std::vector<Bridge> bridges;
  std::vector<PublishedPort> ports;
};

// The nftables script apply() runs: deletes `table ip hako` if present and
// defines it anew (nothing when the ruleset is empty). Pure; for tests.
std::string render(const Ruleset& rules);

// Replaces hako's table (and its DOCKER-USER rules) with `rules`, in the
// network namespace of the calling thread. Errors carry nftables's message.
Result<void> apply(const Ruleset& rules);

// Runs nftables commands as one transaction in the calling thread's network
// namespace and returns what they print (JSON when `json`). apply() is built
// on it; tests use it to read the ruleset back.
// output_flags: libnftables NFT_CTX_OUTPUT_* bits (JSON 1<<4, handles 1<<3).
Result<std::string> run_nft(const std::string& commands, unsigned output_flags = 0);

}  // namespace hako::network::firewall
