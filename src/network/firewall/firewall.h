// NAT and filtering for hako's networks, in nftables, in hako's own table
// (`table ip hako`), through libnftables (loaded with dlopen on first use:
// only commands that touch networks pay for it).
//
// What the rules do (docs/DESIGN.md "Networks"):
// - masquerade: traffic from a non-internal network's subnet leaving by any
//   other interface than its bridge; traffic DNAT'd to a published port that
//   comes from the same subnet (hairpin) or from 127.0.0.0/8 (the host's
//   loopback, which needs route_localnet on the bridge).
// - forward: established/related accepted; within one bridge accepted; from
//   one hako bridge to another dropped (isolation); an internal network's
//   bridge neither sends out nor receives from outside its bridge; from a
//   non-internal bridge out accepted; to a bridge accepted when DNAT'd.
// - input: an internal network reaches no host address outside its subnet.
// - published ports: prerouting and output DNAT for destinations of type
//   local (`fib daddr type local`), from maps keyed by port (any host
//   address) or by host address and port, per protocol.
// - coexisting with Docker: its FORWARD policy is DROP, and a drop in any base
//   chain wins, so for each hako bridge an accept rule (comment "hako") goes
//   into `ip filter DOCKER-USER` if that chain exists, else into
//   `ip filter FORWARD` if it exists; they are removed with the network.
//   Docker's own chains are never otherwise touched.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "network/address.h"

namespace hako::network {

struct NetworkRules {
  std::string bridge;   // interface name
  Ipv4Prefix subnet;    // network address and length
  bool internal = false;
};

struct PortRule {
  std::string proto;     // "tcp" or "udp"
  Ipv4 host_ip;          // 0.0.0.0: every host address
  uint16_t host_port = 0;
  Ipv4 container_ip;
  uint16_t container_port = 0;
};

class Firewall {
 public:
  // Loads libnftables; Unavailable with the reason if it cannot.
  static Result<Firewall> open();

  // Creates or replaces one network's rules (idempotent), creating hako's
  // table and base chains when missing.
  Result<> add_network(const NetworkRules& net);
  // Removes one network's rules (nothing if absent); the table goes with the
  // last network.
  Result<> remove_network(const std::string& bridge);

  // Publishing. add fails with Conflict if a key is already mapped.
  Result<> add_ports(const std::vector<PortRule>& ports);
  Result<> remove_ports(const std::vector<PortRule>& ports);  // absent ones ignored

  // Replaces everything hako has in nftables with exactly this state, in
  // one transaction (reconciling after a crash or a reboot).
  Result<> sync(const std::vector<NetworkRules>& nets, const std::vector<PortRule>& ports);

  // Runs nft commands (the nft(8) language); the output when there is one.
  Result<std::string> run(const std::string& commands);

  Firewall(Firewall&&) noexcept;
  Firewall& operator=(Firewall&&) noexcept;
  ~Firewall();

 private:
  explicit Firewall(void* ctx) : ctx_(ctx) {}
  void* ctx_ = nullptr;  // struct nft_ctx*
};

}  // namespace hako::network
