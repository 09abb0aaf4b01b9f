// -p/--publish, --expose and -P, parsed as Docker's nat.ParsePortSpec does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"

namespace hako::network {

// One container port and where it is published. host_first = host_last = 0:
// a random free host port; a host range with one container port: any free
// port of the range.
struct PortSpec {
  std::string proto = "tcp";
  std::string host_ip;  // "" for every host address
  uint16_t host_first = 0, host_last = 0;
  uint16_t container_port = 0;
  bool operator==(const PortSpec&) const = default;
};

// "[ip:][hostPort[-hostEnd]:]containerPort[-end][/proto]": one spec per
// container port of the range.
Result<std::vector<PortSpec>> parse_publish(const std::string& value);

// "80", "80/udp", "8000-8010/tcp": the container ports (for --expose and
// the image's ExposedPorts keys).
struct ExposedPort {
  uint16_t port = 0;
  std::string proto = "tcp";
  bool operator==(const ExposedPort&) const = default;
};
Result<std::vector<ExposedPort>> parse_expose(const std::string& value);

}  // namespace hako::network
