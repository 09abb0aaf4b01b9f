// Networks, address leases and published host ports, in the state database
// (store/metadata.h, schema versions 2 and 3).
//
// A lease ties an address of a network to a container; it is taken when the
// container starts (keeping the one it had, or the --ip it asked for), kept
// while the container exists so restarts keep their address, and dropped
// on rm. Leases of containers that are not running are reclaimed when a
// network runs out of addresses. Every allocation is one IMMEDIATE
// transaction, so parallel `run`s never get the same address.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "network/address.h"
#include "store/metadata.h"

namespace hako::network {

struct NetworkRecord {
  std::string id, name, created;
  std::string driver = "bridge";  // bridge, host, null
  std::optional<Ipv4Prefix> subnet;  // network address/length (bridge only)
  Ipv4 gateway;
  std::optional<Ipv4Prefix> ip_range;  // where addresses are handed out from
  bool internal = false;
  bool default_bridge = false;       // the "bridge" network: no DNS, as Docker
  std::string bridge;                // the Linux bridge's name
  std::map<std::string, std::string> options, labels;

  bool is_bridge() const { return driver == "bridge"; }
  bool builtin() const { return name == "bridge" || name == "host" || name == "none"; }
  Json config_json() const;
  static Result<NetworkRecord> from_row(std::string id, std::string name, std::string created, const std::string& config);
};

struct Lease {
  std::string network_id;
  Ipv4 address;
  std::string container_id;
};

struct PortBinding {
  std::string proto;  // tcp, udp
  std::string host_ip;  // "" for every address
  uint16_t host_port = 0;
  std::string container_id;
  // Where it leads.
  std::string container_ip;
  uint16_t container_port = 0;
  std::string bridge;
};

class NetworkStore {
 public:
  explicit NetworkStore(store::Metadata& db) : db_(db) {}

  Result<> create(const NetworkRecord& net);  // a taken name is Conflict
  Result<NetworkRecord> get(std::string_view id);
  // By full id, name, or unique id prefix ("network x not found").
  Result<NetworkRecord> find(std::string_view name_or_id);
  Result<std::vector<NetworkRecord>> list();
  Result<> remove(std::string_view id);

  // The first free /24 in 10.211.0.0/16 that overlaps neither another
  // network nor anything in `taken` (the host's routes).
  Result<Ipv4Prefix> free_subnet(const std::vector<Ipv4Prefix>& taken);

  // The container's address on the network: its lease if it has one (and
  // `wanted` is unset or equal), else `wanted` or the lowest free address.
  // `reclaimable` says whether another container's lease may be taken back
  // (it is not running) when the network is full or `wanted` is held.
  Result<Ipv4> lease(const NetworkRecord& net, const std::string& container_id, std::optional<Ipv4> wanted,
                     const std::function<bool(const std::string& container_id)>& reclaimable);
  Result<> release(const std::string& network_id, const std::string& container_id);
  Result<> release_all(const std::string& container_id);
  Result<std::vector<Lease>> leases(const std::string& network_id);

  // Host ports: bind records the container's; a port held by a container
  // that `reclaimable` says is stopped is taken over. Conflict names it.
  Result<> bind_ports(const std::vector<PortBinding>& ports,
                      const std::function<bool(const std::string& container_id)>& reclaimable);
  Result<> unbind_ports(const std::string& container_id);
  Result<std::vector<PortBinding>> port_bindings();

 private:
  store::Metadata& db_;
};

}  // namespace hako::network
