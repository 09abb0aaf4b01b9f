#include "network/firewall/firewall.h"

#include <dlfcn.h>

#include <memory>

#include <fmt/format.h>

#include "base/json.h"

namespace hako::network::firewall {
namespace {

// ---- libnftables, loaded on first use -------------------------------------
// The prototypes are libnftables.h's (1.0.x), declared here so that hako has
// no link (or build) dependency on nftables: only networking needs it.
struct nft_ctx;
constexpr uint32_t kNftCtxDefault = 0;
constexpr unsigned kNftCtxOutputJson = 1u << 4;

struct Libnftables {
  nft_ctx* (*ctx_new)(uint32_t flags) = nullptr;
  void (*ctx_free)(nft_ctx*) = nullptr;
  int (*buffer_output)(nft_ctx*) = nullptr;
  int (*buffer_error)(nft_ctx*) = nullptr;
  const char* (*get_output_buffer)(nft_ctx*) = nullptr;
  const char* (*get_error_buffer)(nft_ctx*) = nullptr;
  void (*output_set_flags)(nft_ctx*, unsigned) = nullptr;
  int (*run_cmd_from_buffer)(nft_ctx*, const char*) = nullptr;
  std::string error;  // why it could not be loaded; empty when loaded
};

template <typename F>
bool bind(void* lib, const char* name, F& fn, std::string& error) {
  fn = reinterpret_cast<F>(::dlsym(lib, name));
  if (!fn && error.empty()) error = fmt::format("nftables is needed for networking: libnftables.so.1: no {}", name);
  return fn != nullptr;
}

Libnftables load() {
  Libnftables l;
  // RTLD_LOCAL: its dependencies (jansson, gmp, ...) stay out of our
  // namespace. Never closed: it is cheap to keep and apply() may run again.
  void* lib = ::dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* why = ::dlerror();
    l.error = fmt::format("nftables is needed for networking: {}", why ? why : "libnftables.so.1: cannot load");
    return l;
  }
  bind(lib, "nft_ctx_new", l.ctx_new, l.error);
  bind(lib, "nft_ctx_free", l.ctx_free, l.error);
  bind(lib, "nft_ctx_buffer_output", l.buffer_output, l.error);
  bind(lib, "nft_ctx_buffer_error", l.buffer_error, l.error);
  bind(lib, "nft_ctx_get_output_buffer", l.get_output_buffer, l.error);
  bind(lib, "nft_ctx_get_error_buffer", l.get_error_buffer, l.error);
  bind(lib, "nft_ctx_output_set_flags", l.output_set_flags, l.error);
  bind(lib, "nft_run_cmd_from_buffer", l.run_cmd_from_buffer, l.error);
  return l;
}

const Libnftables& libnftables() {
  static const Libnftables lib = load();  // thread-safe, once
  return lib;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// ---- validation -------------------------------------------------------------
// render() quotes names and trusts its input; apply() checks it first so a
// bad name can never change the meaning of the script.
bool valid_ifname(const std::string& name) {
  if (name.empty() || name.size() > 15) return false;  // IFNAMSIZ - 1
  for (unsigned char c : name)
    if (c <= ' ' || c == '"' || c == '\\' || c == '/' || c == ':' || c >= 0x7f) return false;
  return true;
}

Result<void> validate(const Ruleset& rules) {
  for (const auto& b : rules.bridges)
    if (!valid_ifname(b.name)) return fail(ErrorKind::InvalidArgument, "firewall: invalid bridge name \"{}\"", b.name);
  for (const auto& p : rules.ports) {
    if (p.proto != "tcp" && p.proto != "udp")
      return fail(ErrorKind::InvalidArgument, "firewall: unsupported protocol \"{}\"", p.proto);
    if (p.host_port == 0 || p.container_port == 0)
      return fail(ErrorKind::InvalidArgument, "firewall: port 0 in {}:{} -> {}:{}", p.proto, p.host_port,
                  p.container_ip.str(), p.container_port);
  }
  return {};
}

// ---- Docker coexistence -----------------------------------------------------
// Commands that replace hako's rules in DOCKER-USER (iptables-nft's
// `table ip filter`), or "" when there is no such chain: no Docker, or Docker
// on iptables-legacy, which nftables cannot see anyway. A failed listing for
// any other reason (say EPERM) is reported by the transaction that follows.
Result<std::string> docker_user_commands(const Ruleset& rules) {
  auto listed = run_nft("list chain ip filter DOCKER-USER", /*json=*/true);
  if (!listed) return std::string();
  TRY_ASSIGN(Json doc, parse_json(*listed, "nft list chain ip filter DOCKER-USER"));
  std::string out;
  if (auto items = doc.find("nftables"); items != doc.end() && items->is_array()) {
    for (const auto& item : *items) {
      auto rule = item.find("rule");
      if (rule == item.end() || !rule->is_object()) continue;
      auto comment = rule->find("comment");
      auto handle = rule->find("handle");
      if (comment == rule->end() || *comment != "hako" || handle == rule->end() || !handle->is_number_integer())
        continue;
      out += fmt::format("delete rule ip filter DOCKER-USER handle {}\n", handle->get<int64_t>());
    }
  }
  // insert, not add: Docker's chain may end in a RETURN.
  for (const auto& b : rules.bridges) {
    out += fmt::format("insert rule ip filter DOCKER-USER iifname \"{}\" accept comment \"hako\"\n", b.name);
    out += fmt::format("insert rule ip filter DOCKER-USER oifname \"{}\" accept comment \"hako\"\n", b.name);
  }
  return out;
}

}  // namespace

std::string render(const Ruleset& rules) {
  // Creating the table first makes the delete valid whether or not it
  // exists; the whole script is one transaction, so nothing is ever half
  // written and there is no moment without the old or the new table.
  std::string s = "table ip hako\ndelete table ip hako\n";
  if (rules.bridges.empty() && rules.ports.empty()) return s;

  s += "table ip hako {\n";
  // Published ports: only packets to a local address, so traffic merely
  // routed through the host to the same port elsewhere is left alone.
  s += "\tchain prerouting {\n"
       "\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
       "\t\tfib daddr type local jump publish\n"
       "\t}\n";
  s += "\tchain output {\n"
       "\t\ttype nat hook output priority -100; policy accept;\n"
       "\t\tfib daddr type local jump publish\n"
       "\t}\n";
  s += "\tchain publish {\n";
  for (const auto& p : rules.ports) {
    std::string daddr = p.host_ip ? fmt::format("ip daddr {} ", p.host_ip->str()) : "";
    s += fmt::format("\t\t{}{} dport {} dnat to {}:{}\n", daddr, p.proto, p.host_port, p.container_ip.str(),
                     p.container_port);
  }
  s += "\t}\n";

  s += "\tchain postrouting {\n"
       "\t\ttype nat hook postrouting priority srcnat; policy accept;\n";
  for (const auto& b : rules.bridges) {
    std::string subnet = fmt::format("{}/{}", b.subnet.network().str(), b.subnet.length);
    if (!b.internal) s += fmt::format("\t\tip saddr {} oifname != \"{}\" masquerade\n", subnet, b.name);
    // Host loopback to a published port: the container could not answer
    // 127.0.0.1, so the source becomes the bridge's address.
    s += fmt::format("\t\toifname \"{}\" ip saddr 127.0.0.0/8 masquerade\n", b.name);
    // Hairpin: a container reaching a published port of its own bridge
    // would get the answer straight from the peer, not via the DNAT.
    s += fmt::format("\t\toifname \"{}\" ip saddr {} ct status dnat masquerade\n", b.name, subnet);
  }
  s += "\t}\n";

  s += "\tchain forward {\n"
       "\t\ttype filter hook forward priority filter; policy accept;\n";
  for (const auto& b : rules.bridges) {
    if (!b.internal) continue;
    s += fmt::format("\t\tiifname \"{0}\" oifname != \"{0}\" drop\n", b.name);
    s += fmt::format("\t\toifname \"{0}\" iifname != \"{0}\" drop\n", b.name);
  }
  // Isolation: one rule per bridge against the set of all the others. The
  // DNAT exception also lets the replies through (same conntrack entry).
  for (const auto& b : rules.bridges) {
    std::string others;
    int n = 0;
    for (const auto& o : rules.bridges)
      if (o.name != b.name) others += fmt::format("{}\"{}\"", n++ ? ", " : "", o.name);
    if (n == 0) continue;
    // Written as nft lists it: a set of one is a plain comparison.
    if (n > 1) others = "{ " + others + " }";
    s += fmt::format("\t\tiifname \"{}\" oifname {} ct status ! dnat drop\n", b.name, others);
  }
  s += "\t}\n";
  s += "}\n";
  return s;
}

Result<std::string> run_nft(const std::string& commands, bool json) {
  const Libnftables& nft = libnftables();
  if (!nft.error.empty()) return fail(ErrorKind::NotSupported, nft.error);
  // A fresh context each time: its netlink socket is then certainly in the
  // calling thread's namespace, and its buffers hold only this run's text.
  std::unique_ptr<nft_ctx, void (*)(nft_ctx*)> ctx(nft.ctx_new(kNftCtxDefault), nft.ctx_free);
  if (!ctx) return fail(ErrorKind::Internal, "nftables: nft_ctx_new failed");
  if (nft.buffer_output(ctx.get()) != 0 || nft.buffer_error(ctx.get()) != 0)
    return fail(ErrorKind::Internal, "nftables: cannot buffer output");
  if (json) nft.output_set_flags(ctx.get(), kNftCtxOutputJson);
  if (nft.run_cmd_from_buffer(ctx.get(), commands.c_str()) != 0) {
    const char* err = nft.get_error_buffer(ctx.get());
    std::string msg = trim(err ? err : "");
    ErrorKind kind = msg.find("Operation not permitted") != std::string::npos ? ErrorKind::PermissionDenied
                     : msg.find("No such file or directory") != std::string::npos ? ErrorKind::NotFound
                                                                                  : ErrorKind::Internal;
    return fail(kind, "nftables: {}", msg.empty() ? "command failed" : msg);
  }
  const char* out = nft.get_output_buffer(ctx.get());
  return std::string(out ? out : "");
}

Result<void> apply(const Ruleset& rules) {
  TRY(validate(rules));
  const std::string table = render(rules);
  // DOCKER-USER handles are read before the transaction; should Docker
  // rewrite the chain in between, a delete fails and the whole transaction
  // with it, so read again once.
  for (int attempt = 0;; ++attempt) {
    TRY_ASSIGN(std::string docker, docker_user_commands(rules));
    auto done = run_nft(table + docker);
    if (done || docker.empty() || attempt == 1) {
      if (!done) return std::unexpected(std::move(done).error().context("writing table ip hako"));
      return {};
    }
  }
}

}  // namespace hako::network::firewall
