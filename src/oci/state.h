// The runtime-spec state of a container, as `state` prints it.
#pragma once

#include <map>
#include <string>

#include "base/json.h"

namespace hako::oci {

struct State {
  std::string oci_version = "1.2.0";
  std::string id;
  std::string status;  // creating, created, running, paused, stopped
  int pid = 0;
  std::string bundle;
  std::map<std::string, std::string> annotations;

  Json to_json() const;
};

}  // namespace hako::oci
