// The embedded DNS server of a container on a user-defined network, as
// Docker's: it listens on 127.0.0.11:53 (UDP and TCP) inside the
// container's network namespace, answers A/AAAA (and PTR) for the names it
// knows (container names, aliases, short ids, given by a lookup callback)
// with a TTL of 600 s, and forwards every other query to the host's
// resolvers from the host's namespace (the serving process lives there; only
// the listening sockets were made in the container's namespace).
//
// It runs inside the container's monitor: no thread, no daemon. The monitor
// polls fds() and calls handle() for the readable ones, and calls tick()
// when timeout_ms() expires (forwarded queries time out to SERVFAIL; handle()
// expires what is due as well, so a busy loop cannot starve the timeouts).
//
// fds() changes as forwarded queries and TCP clients come and go: call it
// before each poll. Forwarding: each forwarded query gets its own UDP socket
// (made in the caller's namespace, connected to the upstream: a random
// source port, and only that upstream can answer) and a random query id; the
// upstreams are tried in turn, each for attempt_ms, SERVFAIL after all failed
// or total_ms. A query that came over TCP is forwarded over UDP too; when the
// upstream's answer is truncated (TC) it is asked again over TCP (the
// truncated answer is returned if that fails). Bounded: at most 256
// forwarded queries and 32 TCP clients at a time; a TCP client that does not
// complete a query within tcp_idle_ms, or stays idle that long, is dropped.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/fd.h"
#include "network/address.h"

namespace hako::network {

// What the container's networks know of a name (lower-cased, no final dot).
// nullopt: not ours, forward it. An empty list: ours but no such address
// family (answer NOERROR with no records).
struct DnsAnswer {
  std::vector<Ipv4> v4;
};
using DnsLookup = std::function<std::optional<DnsAnswer>(std::string_view name)>;
// Reverse: the name for an address of ours, nullopt to forward.
using DnsReverse = std::function<std::optional<std::string>(Ipv4 ip)>;

struct DnsSockets {
  UniqueFd udp, tcp;
};
// Binds 127.0.0.11:53 (UDP, and TCP listening) inside the namespace of
// netns_fd, from a short-lived thread, so the caller stays where it is.
Result<DnsSockets> open_dns_sockets(int netns_fd);

// The nameservers of a resolv.conf (IPv4 and IPv6, "fe80::1%eth0" scopes),
// port 53, in order; 127.0.0.11 (ourselves) skipped; none when unreadable.
std::vector<sockaddr_storage> read_resolvers(const std::string& resolv_conf_path);

class DnsServer {
 public:
  DnsServer(DnsSockets sockets, std::vector<sockaddr_storage> upstreams, DnsLookup lookup, DnsReverse reverse = {});
  std::vector<int> fds() const;  // poll each for POLLIN
  void handle(int fd);           // one of fds() is readable
  int timeout_ms() const;        // -1 when nothing is pending
  void tick();                   // expire forwarded queries

  // Defaults: 2000 ms per upstream, 5000 ms in all, 5000 ms for TCP clients.
  void set_timeouts(int attempt_ms, int total_ms, int tcp_idle_ms);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace hako::network
