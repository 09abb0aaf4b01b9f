#include "network/firewall_sync.h"

#include <fcntl.h>
#include <sys/file.h>

#include "base/fd.h"
#include "base/files.h"
#include "network/firewall/firewall.h"

namespace hako::network {

Result<> sync_firewall(NetworkStore& nets, const std::string& engine_root) {
  std::string dir = engine_root + "/networks";
  TRY(make_dirs(dir, 0700));
  UniqueFd lock(::open((dir + "/firewall.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!lock) return fail_sys("open " + dir + "/firewall.lock");
  while (::flock(lock.get(), LOCK_EX) < 0)
    if (errno != EINTR) return fail_sys("flock " + dir + "/firewall.lock");

  firewall::Ruleset rules;
  TRY_ASSIGN(auto networks, nets.list());
  for (const auto& n : networks)
    if (n.is_bridge() && n.subnet && !n.bridge.empty())
      rules.bridges.push_back({n.bridge, Ipv4Prefix{n.subnet->network(), n.subnet->length}, n.internal});
  TRY_ASSIGN(auto bindings, nets.port_bindings());
  for (const auto& b : bindings) {
    auto cip = Ipv4::parse(b.container_ip);
    if (!cip || b.container_port == 0) continue;  // a row from before schema 3
    firewall::PublishedPort p;
    p.proto = b.proto;
    if (!b.host_ip.empty() && b.host_ip != "0.0.0.0") {
      TRY_ASSIGN(p.host_ip, Ipv4::parse(b.host_ip));
    }
    p.host_port = b.host_port;
    p.container_ip = *cip;
    p.container_port = b.container_port;
    p.bridge = b.bridge;
    rules.ports.push_back(p);
  }
  return firewall::apply(rules);
}

}  // namespace hako::network
