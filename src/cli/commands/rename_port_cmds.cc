// rename and port.
#include <cstdio>

#include "cli/commands/container_commands.h"
#include "engine/spec/values.h"

namespace hako::cli {
namespace {

Result<int> rename(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto id, eng->resolve(p.args()[0]));
  std::string name = p.args()[1];
  if (name.starts_with('/')) name.erase(0, 1);
  TRY_ASSIGN(name, engine::validate_container_name(name));
  TRY(eng->rename(id, name));
  return 0;
}

// "80/tcp" → "80/tcp", "80" → "80/tcp".
std::string with_proto(std::string port) { return port.find('/') == std::string::npos ? port + "/tcp" : port; }

// The container's published ports, Docker's NetworkSettings.Ports shape:
// {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}], ...}.
Json published_ports(const engine::ContainerInfo& ci) {
  const Json& ns = ci.config.run_options.value("NetworkSettings", Json::object());
  return ns.value("Ports", Json::object());
}

Result<int> port(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto id, eng->resolve(p.args()[0]));
  TRY_ASSIGN(auto ci, eng->info(id));
  Json ports = published_ports(ci);
  auto print_bindings = [](const Json& bindings) {
    for (const auto& b : bindings) {
      std::string ip = b.value("HostIp", "");
      std::printf("%s:%s\n", ip.empty() ? "0.0.0.0" : ip.c_str(), b.value("HostPort", "").c_str());
    }
  };
  if (p.args().size() == 2) {
    std::string want = with_proto(p.args()[1]);
    auto it = ports.find(want);
    if (it == ports.end() || !it->is_array() || it->empty())
      return fail(ErrorKind::NotFound, "No public port '{}' published for {}", want, ci.config.name);
    print_bindings(*it);
    return 0;
  }
  for (auto it = ports.begin(); it != ports.end(); ++it) {
    if (!it->is_array()) continue;
    for (const auto& b : *it) {
      std::string ip = b.value("HostIp", "");
      std::printf("%s -> %s:%s\n", it.key().c_str(), ip.empty() ? "0.0.0.0" : ip.c_str(),
                  b.value("HostPort", "").c_str());
    }
  }
  return 0;
}

}  // namespace

Command rename_command() {
  return {"rename", {"container rename"}, "CONTAINER NEW_NAME", "Rename a container", {}, rename, 2, 2};
}

Command port_command() {
  return {"port",
          {"container port"},
          "CONTAINER [PRIVATE_PORT[/PROTO]]",
          "List port mappings or a specific mapping for the container",
          {},
          port,
          1,
          2};
}

}  // namespace hako::cli
