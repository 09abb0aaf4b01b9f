#include "network/netlink/netlink.h"

#include <linux/if_link.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>

#include <cstring>
#include <functional>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "network/netlink/netlink_message.h"

namespace hako::network {
namespace {

constexpr uint16_t kRequest = NLM_F_REQUEST | NLM_F_ACK;
constexpr uint16_t kCreate = kRequest | NLM_F_CREATE | NLM_F_EXCL;
constexpr uint16_t kDump = kRequest | NLM_F_DUMP;

// Datagrams are peeked first and the buffer grown to fit, so no reply is
// ever truncated; 32 KiB is what the kernel sizes dump batches to.
constexpr size_t kReceiveBuffer = 32 * 1024;

// The kernel's errno as an Error, "creating bridge hk0: File exists" (a
// missing link is ENODEV, which base maps to NotFound). The extended ack's
// text, when the kernel gives one, says which attribute it disliked.
Error kernel_error(std::string_view what, int err, std::string_view detail = {}) {
  Error e = sys_error(what, err);
  if (detail.empty()) return e;
  return Error(e.kind(), fmt::format("{} ({})", e.message(), detail), err);
}

// The NLMSGERR_ATTR_MSG of an error reply, if NETLINK_EXT_ACK brought one.
std::string_view ext_ack_message(const nlmsghdr* h) {
  if (!(h->nlmsg_flags & NLM_F_ACK_TLVS)) return {};
  auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
  size_t offset = sizeof(nlmsgerr);  // with NETLINK_CAP_ACK the request is not echoed
  if (!(h->nlmsg_flags & NLM_F_CAPPED)) offset += NLMSG_ALIGN(e->msg.nlmsg_len - sizeof(nlmsghdr));
  if (NLMSG_PAYLOAD(h, 0) <= offset) return {};
  auto* first = reinterpret_cast<const rtattr*>(reinterpret_cast<const char*>(e) + offset);
  auto tb = nl::parse_attrs<NLMSGERR_ATTR_MAX>(first, static_cast<int>(NLMSG_PAYLOAD(h, 0) - offset));
  return tb[NLMSGERR_ATTR_MSG] ? nl::attr_str(tb[NLMSGERR_ATTR_MSG]) : std::string_view{};
}

using OnReply = std::function<void(const nlmsghdr*)>;

// Sends `msg` and reads until its ack (or, for a dump, NLMSG_DONE), giving
// each data message to on_reply. Replies are matched by sequence number so
// a late message for an earlier request is skipped, not misread. A dump the
// kernel flags NLM_F_DUMP_INTR (the table changed meanwhile) fails with
// EINTR so the caller can read it again.
Result<> transact(int fd, uint32_t seq, nl::Message& msg, std::string_view what, const OnReply& on_reply = {}) {
  msg.header()->nlmsg_seq = seq;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
    return std::unexpected(sys_error("sendto").context(what));

  std::vector<char> buf(kReceiveBuffer);
  bool interrupted = false;
  for (;;) {
    ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_PEEK | MSG_TRUNC);
    if (n >= 0 && static_cast<size_t>(n) > buf.size()) buf.resize(n);
    if (n >= 0) n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(sys_error("recv").context(what));
    }
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<const nlmsghdr*>(buf.data()); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_seq != seq) continue;
      if (h->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
      if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE) {
        // Both carry an int: 0 or -errno (an ack is an NLMSG_ERROR of 0).
        int err = 0;
        if (NLMSG_PAYLOAD(h, 0) >= sizeof err) std::memcpy(&err, NLMSG_DATA(h), sizeof err);
        if (err < 0) return std::unexpected(kernel_error(what, -err, h->nlmsg_type == NLMSG_ERROR ? ext_ack_message(h) : ""));
        if (interrupted) return std::unexpected(kernel_error(what, EINTR, "dump interrupted by a concurrent change"));
        return {};
      }
      if (h->nlmsg_type == NLMSG_NOOP) continue;
      if (on_reply) on_reply(h);
    }
  }
}

// Reads a dump again while the kernel reports it inconsistent.
template <typename F>
auto retry_interrupted(F&& f) -> decltype(f()) {
  for (int attempt = 1;; ++attempt) {
    auto r = f();
    if (r || r.error().sys_errno() != EINTR || attempt == 3) return r;
  }
}

Result<UniqueFd> route_socket() {
  UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!fd) return fail_sys("creating netlink socket");
  return fd;
}

Result<> configure(int fd) {
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;  // nl_pid 0: the kernel picks the port
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) < 0) return fail_sys("binding netlink socket");
  // Best effort (both exist since Linux 4.x): the kernel's reason in error
  // replies, and no copy of the request in them.
  int one = 1;
  ::setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  ::setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  return {};
}

// The kernel refuses a name of IFNAMSIZ bytes or more with ERANGE, which
// reads as an internal error; say what is wrong instead.
Result<> check_name(const std::string& name, std::string_view what) {
  if (name.size() >= IFNAMSIZ)
    return fail(ErrorKind::InvalidArgument, "{}: interface name {} is longer than {} bytes", what, name, IFNAMSIZ - 1);
  return {};
}

ifinfomsg link_header(unsigned flags = 0, unsigned change = 0) {
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_flags = flags;
  ifi.ifi_change = change;
  return ifi;
}

std::optional<LinkInfo> parse_link(const nlmsghdr* h) {
  if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(ifinfomsg))) return std::nullopt;
  auto* ifi = static_cast<const ifinfomsg*>(NLMSG_DATA(h));
  auto tb = nl::parse_attrs<IFLA_MAX>(IFLA_RTA(ifi), static_cast<int>(IFLA_PAYLOAD(h)));
  LinkInfo link;
  link.index = ifi->ifi_index;
  link.up = ifi->ifi_flags & IFF_UP;
  if (tb[IFLA_IFNAME]) link.name = nl::attr_str(tb[IFLA_IFNAME]);
  if (tb[IFLA_MASTER]) link.master = static_cast<int>(nl::attr_u32(tb[IFLA_MASTER]));
  if (tb[IFLA_ADDRESS] && RTA_PAYLOAD(tb[IFLA_ADDRESS]) == link.mac.bytes.size())
    std::memcpy(link.mac.bytes.data(), RTA_DATA(tb[IFLA_ADDRESS]), link.mac.bytes.size());
  if (tb[IFLA_LINKINFO]) {
    auto info = nl::parse_nested<IFLA_INFO_MAX>(tb[IFLA_LINKINFO]);
    if (info[IFLA_INFO_KIND]) link.kind = nl::attr_str(info[IFLA_INFO_KIND]);
  }
  return link;
}

}  // namespace

Result<Netlink> Netlink::open() {
  TRY_ASSIGN(UniqueFd fd, route_socket());
  TRY(configure(fd.get()));
  return Netlink(std::move(fd));
}

Result<Netlink> Netlink::open_in(int netns_fd) {
  // A socket belongs to the namespace its creator was in, for good. So a
  // short-lived thread joins the namespace and creates it; the namespace
  // change ends with the thread and the caller's threads never move.
  Result<UniqueFd> sock = UniqueFd();
  try {
    std::thread([&] {
      if (::setns(netns_fd, CLONE_NEWNET) != 0) {
        sock = fail_sys(fmt::format("joining network namespace (fd {})", netns_fd));
        return;
      }
      sock = route_socket();
    }).join();
  } catch (const std::system_error& e) {  // thread creation: keep it an Error
    return fail(ErrorKind::Unavailable, "starting a thread to join a network namespace: {}", e.what());
  }
  TRY_ASSIGN(UniqueFd fd, std::move(sock));
  TRY(configure(fd.get()));
  return Netlink(std::move(fd));
}

Result<LinkInfo> Netlink::link(const std::string& name) {
  std::string what = fmt::format("looking up link {}", name);
  TRY(check_name(name, what));
  nl::Message m(RTM_GETLINK, kRequest);
  m.put(link_header());
  m.attr_str(IFLA_IFNAME, name);
  m.attr_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);  // statistics are most of the reply
  std::optional<LinkInfo> found;
  TRY(transact(fd(), ++seq_, m, what, [&](const nlmsghdr* h) {
    if (auto l = parse_link(h)) found = std::move(l);
  }));
  if (!found) return fail(ErrorKind::NotFound, "looking up link {}: no reply", name);
  return *found;
}

Result<std::vector<LinkInfo>> Netlink::links() {
  return retry_interrupted([&]() -> Result<std::vector<LinkInfo>> {
    nl::Message m(RTM_GETLINK, kDump);
    m.put(link_header());
    m.attr_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    std::vector<LinkInfo> out;
    TRY(transact(fd(), ++seq_, m, "listing links", [&](const nlmsghdr* h) {
      if (auto l = parse_link(h)) out.push_back(std::move(*l));
    }));
    return out;
  });
}

Result<> Netlink::create_bridge(const std::string& name, int mtu) {
  std::string what = fmt::format("creating bridge {}", name);
  TRY(check_name(name, what));
  nl::Message m(RTM_NEWLINK, kCreate);
  m.put(link_header(IFF_UP, IFF_UP));
  m.attr_str(IFLA_IFNAME, name);
  if (mtu > 0) m.attr_u32(IFLA_MTU, static_cast<uint32_t>(mtu));
  size_t info = m.begin_nested(IFLA_LINKINFO);
  m.attr_str(IFLA_INFO_KIND, "bridge");
  m.end_nested(info);
  return transact(fd(), ++seq_, m, what);
}

Result<> Netlink::create_veth(const std::string& host_name, const std::string& bridge, const std::string& peer_name,
                              int peer_netns_fd, std::optional<Mac> peer_mac, int mtu) {
  std::string what = fmt::format("creating veth {} (peer {})", host_name, peer_name);
  TRY(check_name(host_name, what));
  TRY(check_name(peer_name, what));
  auto master = link(bridge);
  if (!master) return std::unexpected(std::move(master).error().context(what));

  // One request makes both ends: the kernel enslaves the host end and sets
  // it up as part of creation (rtnl_newlink_create applies IFLA_MASTER and
  // ifi_flags), and moves the peer into its namespace before registering
  // it, so a failure anywhere leaves nothing behind and the peer's name
  // never meets this namespace's names.
  nl::Message m(RTM_NEWLINK, kCreate);
  m.put(link_header(IFF_UP, IFF_UP));
  m.attr_str(IFLA_IFNAME, host_name);
  m.attr_u32(IFLA_MASTER, static_cast<uint32_t>(master->index));
  if (mtu > 0) m.attr_u32(IFLA_MTU, static_cast<uint32_t>(mtu));
  size_t info = m.begin_nested(IFLA_LINKINFO);
  m.attr_str(IFLA_INFO_KIND, "veth");
  size_t data = m.begin_nested(IFLA_INFO_DATA);
  size_t peer = m.begin_nested(VETH_INFO_PEER);
  m.put(link_header());  // the peer's own ifinfomsg: no flags, so it stays down
  m.attr_str(IFLA_IFNAME, peer_name);
  m.attr_u32(IFLA_NET_NS_FD, static_cast<uint32_t>(peer_netns_fd));
  if (peer_mac) m.attr(IFLA_ADDRESS, peer_mac->bytes.data(), peer_mac->bytes.size());
  if (mtu > 0) m.attr_u32(IFLA_MTU, static_cast<uint32_t>(mtu));
  m.end_nested(peer);
  m.end_nested(data);
  m.end_nested(info);
  return transact(fd(), ++seq_, m, what);
}

Result<> Netlink::set_up(const std::string& name) {
  std::string what = fmt::format("setting link {} up", name);
  TRY(check_name(name, what));
  // RTM_SETLINK finds the link by IFLA_IFNAME when ifi_index is 0.
  nl::Message m(RTM_SETLINK, kRequest);
  m.put(link_header(IFF_UP, IFF_UP));
  m.attr_str(IFLA_IFNAME, name);
  return transact(fd(), ++seq_, m, what);
}

Result<> Netlink::set_mac(const std::string& name, const Mac& mac) {
  std::string what = fmt::format("setting MAC address of {} to {}", name, mac.str());
  TRY(check_name(name, what));
  nl::Message m(RTM_SETLINK, kRequest);
  m.put(link_header());
  m.attr_str(IFLA_IFNAME, name);
  m.attr(IFLA_ADDRESS, mac.bytes.data(), mac.bytes.size());
  return transact(fd(), ++seq_, m, what);
}

Result<> Netlink::delete_link(const std::string& name) {
  std::string what = fmt::format("deleting link {}", name);
  TRY(check_name(name, what));
  nl::Message m(RTM_DELLINK, kRequest);
  m.put(link_header());
  m.attr_str(IFLA_IFNAME, name);
  return transact(fd(), ++seq_, m, what);
}

Result<> Netlink::add_address(const std::string& name, const Ipv4Prefix& address) {
  std::string what = fmt::format("adding address {} to {}", address.str(), name);
  auto l = link(name);
  if (!l) return std::unexpected(std::move(l).error().context(what));

  ifaddrmsg ifa{};
  ifa.ifa_family = AF_INET;
  ifa.ifa_prefixlen = static_cast<unsigned char>(address.length);
  ifa.ifa_scope = RT_SCOPE_UNIVERSE;
  ifa.ifa_index = static_cast<unsigned>(l->index);
  nl::Message m(RTM_NEWADDR, kCreate);
  m.put(ifa);
  // IFA_LOCAL is the interface's address, IFA_ADDRESS the peer's on a
  // point-to-point link; on broadcast links both are the address (as ip does).
  m.attr_u32(IFA_LOCAL, address.addr.to_network());
  m.attr_u32(IFA_ADDRESS, address.addr.to_network());
  // /31 and /32 have no broadcast address (RFC 3021).
  if (address.length < 31) m.attr_u32(IFA_BROADCAST, address.broadcast().to_network());
  return transact(fd(), ++seq_, m, what);
}

Result<std::vector<Ipv4Prefix>> Netlink::addresses(const std::string& name) {
  auto l = link(name);
  if (!l) return std::unexpected(std::move(l).error().context(fmt::format("listing addresses of {}", name)));
  return retry_interrupted([&]() -> Result<std::vector<Ipv4Prefix>> {
    ifaddrmsg ifa{};
    ifa.ifa_family = AF_INET;
    nl::Message m(RTM_GETADDR, kDump);
    m.put(ifa);
    std::vector<Ipv4Prefix> out;
    TRY(transact(fd(), ++seq_, m, fmt::format("listing addresses of {}", name), [&](const nlmsghdr* h) {
      if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < NLMSG_LENGTH(sizeof(ifaddrmsg))) return;
      auto* a = static_cast<const ifaddrmsg*>(NLMSG_DATA(h));
      // The dump is of every link (filtering needs strict checking): keep ours.
      if (a->ifa_family != AF_INET || static_cast<int>(a->ifa_index) != l->index) return;
      auto tb = nl::parse_attrs<IFA_MAX>(IFA_RTA(a), static_cast<int>(IFA_PAYLOAD(h)));
      const rtattr* local = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
      if (local) out.push_back(Ipv4Prefix{Ipv4::from_network(nl::attr_u32(local)), a->ifa_prefixlen});
    }));
    return out;
  });
}

Result<> Netlink::add_default_route(Ipv4 gateway) {
  rtmsg rt{};
  rt.rtm_family = AF_INET;
  rt.rtm_dst_len = 0;
  rt.rtm_table = RT_TABLE_MAIN;
  rt.rtm_protocol = RTPROT_STATIC;
  rt.rtm_scope = RT_SCOPE_UNIVERSE;
  rt.rtm_type = RTN_UNICAST;
  nl::Message m(RTM_NEWROUTE, kCreate);
  m.put(rt);
  m.attr_u32(RTA_GATEWAY, gateway.to_network());
  return transact(fd(), ++seq_, m, fmt::format("adding default route via {}", gateway.str()));
}

Result<std::vector<Ipv4Prefix>> Netlink::routes() {
  return retry_interrupted([&]() -> Result<std::vector<Ipv4Prefix>> {
    rtmsg rt{};
    rt.rtm_family = AF_INET;
    nl::Message m(RTM_GETROUTE, kDump);
    m.put(rt);
    std::vector<Ipv4Prefix> out;
    TRY(transact(fd(), ++seq_, m, "listing routes", [&](const nlmsghdr* h) {
      if (h->nlmsg_type != RTM_NEWROUTE || h->nlmsg_len < NLMSG_LENGTH(sizeof(rtmsg))) return;
      auto* r = static_cast<const rtmsg*>(NLMSG_DATA(h));
      if (r->rtm_family != AF_INET || (r->rtm_flags & RTM_F_CLONED)) return;
      auto tb = nl::parse_attrs<RTA_MAX>(RTM_RTA(r), static_cast<int>(RTM_PAYLOAD(h)));
      // rtm_table holds only 8 bits; RTA_TABLE is the real id.
      uint32_t table = tb[RTA_TABLE] ? nl::attr_u32(tb[RTA_TABLE]) : r->rtm_table;
      if (table != RT_TABLE_MAIN) return;
      Ipv4 dst = tb[RTA_DST] ? Ipv4::from_network(nl::attr_u32(tb[RTA_DST])) : Ipv4{};  // none: default route
      out.push_back(Ipv4Prefix{dst, r->rtm_dst_len});
    }));
    return out;
  });
}

}  // namespace hako::network
