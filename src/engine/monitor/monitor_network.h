// The monitor's part of a container's networking: between the runtime's
// create and start it makes the plan's links inside the new namespace (the
// engine leased the addresses and wrote the plan, engine/network_setup.h),
// and while the container runs it serves the embedded DNS server when one of
// the container's networks resolves names. After the last run it frees the
// host ports and DNS names (engine/network_release.h).
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

#include "base/error.h"
#include "engine/container_files.h"
#include "network/dns/dns_server.h"

namespace hako::engine {

class MonitorNetwork {
 public:
  explicit MonitorNetwork(ContainerFiles files) : files_(std::move(files)) {}

  // Sets up the namespace of `init_pid` as the container's plan says.
  Result<> setup(pid_t init_pid, const ContainerConfig& c);
  // The run ended: the DNS server's sockets died with the namespace.
  void end_run() { dns_.reset(); }
  // After the last run.
  void finish(const ContainerConfig& c);

  std::vector<int> fds() const { return dns_ ? dns_->fds() : std::vector<int>{}; }
  void handle(int fd) {
    if (dns_) dns_->handle(fd);
  }
  int timeout_ms() const { return dns_ ? dns_->timeout_ms() : -1; }
  void tick() {
    if (dns_) dns_->tick();
  }

 private:
  // The networks whose names the container resolves, as its config says now
  // (`network connect` and `disconnect` change it while it runs).
  std::vector<std::string> dns_networks() const;

  ContainerFiles files_;
  std::optional<network::DnsServer> dns_;
};

}  // namespace hako::engine
