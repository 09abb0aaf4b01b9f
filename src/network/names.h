// The names the embedded DNS server answers for: one small file per
// container and user-defined network, ROOT/networks/NETWORK_ID/CONTAINER_ID,
// holding the container's address there and its names (container name,
// aliases, short id). Files rather than database rows so the monitor's
// lookups cost a directory scan and no SQLite; written when the container
// starts or connects, removed when it stops, disconnects or is removed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "network/address.h"

namespace hako::network {

class NameRecords {
 public:
  explicit NameRecords(std::string engine_root) : dir_(std::move(engine_root) + "/networks") {}

  Result<> write(const std::string& network_id, const std::string& container_id, Ipv4 ip,
                 const std::vector<std::string>& names);
  void remove(const std::string& network_id, const std::string& container_id);
  void remove_network(const std::string& network_id);

  // The addresses `name` (any case, no final dot) has on any of `networks`.
  std::vector<Ipv4> lookup(const std::vector<std::string>& networks, std::string_view name) const;
  // The first name of the container holding `ip` on one of `networks`.
  std::optional<std::string> reverse(const std::vector<std::string>& networks, Ipv4 ip) const;

 private:
  std::string dir_;
};

}  // namespace hako::network
