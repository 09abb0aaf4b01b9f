#include "network/firewall/firewall.h"

#include <dlfcn.h>

#include <cstdlib>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "base/json.h"

namespace hako::network::firewall {
namespace {

// ---- libnftables, loaded on first use -------------------------------------
// The prototypes are libnftables.h's (1.0.x), declared here so that hako has
// no link (or build) dependency on nftables: only networking needs it.
struct nft_ctx;
constexpr uint32_t kNftCtxDefault = 0;
constexpr unsigned kNftCtxOutputHandle = 1u << 3;
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
  auto listed = run_nft("list chain ip filter DOCKER-USER", kNftCtxOutputJson);
  if (!listed) return std::string();
  TRY_ASSIGN(Json doc, parse_json(*listed, "nft list chain ip filter DOCKER-USER"));
  // What should be there: "iifname BR" and "oifname BR" for each bridge.
  std::set<std::string> wanted;
  for (const auto& b : rules.bridges) wanted.insert({"iifname " + b.name, "oifname " + b.name});
  std::string out;
  if (auto items = doc.find("nftables"); items != doc.end() && items->is_array()) {
    for (const auto& item : *items) {
      auto rule = item.find("rule");
      if (rule == item.end() || !rule->is_object()) continue;
      auto comment = rule->find("comment");
      auto handle = rule->find("handle");
      if (comment == rule->end() || *comment != "hako" || handle == rule->end() || !handle->is_number_integer())
        continue;
      // Ours look like [{"match": {"left": {"meta": {"key": K}}, "right": BR}}, {"accept": null}].
      std::string key;
      try {
        const Json& m = rule->at("expr").at(0).at("match");
        key = m.at("left").at("meta").at("key").get<std::string>() + " " + m.at("right").get<std::string>();
      } catch (const std::exception&) {
      }
      // Kept when wanted and not a duplicate; deleting costs an RCU grace
      // period in the kernel, so rules that stay are left alone.
      if (wanted.erase(key)) continue;
      out += fmt::format("delete rule ip filter DOCKER-USER handle {}\n", handle->get<int64_t>());
    }
  }
  // insert, not add: Docker's chain may end in a RETURN.
  for (const auto& w : wanted) {
    size_t space = w.find(' ');
    out += fmt::format("insert rule ip filter DOCKER-USER {} \"{}\" accept comment \"hako\"\n", w.substr(0, space),
                       w.substr(space + 1));
  }
  return out;
}

// ---- changing the table in place --------------------------------------------
// A rule of a table's text: the chain it is in, the rule as nft prints it,
// and its handle when the listing had them (-1 otherwise).
struct TableRule {
  std::string chain, rule;
  int64_t handle = -1;
};
struct TableText {
  std::set<std::string> chains;
  std::vector<TableRule> rules;
};

TableText parse_table(std::string_view text) {
  TableText t;
  std::string chain;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.starts_with("table ") || line.starts_with("}") || line.starts_with("type ") ||
        line.starts_with("flush ") || line.starts_with("delete "))
      continue;
    if (line.starts_with("chain ")) {
      std::string_view rest = line.substr(6);
      chain = std::string(rest.substr(0, rest.find(' ')));
      t.chains.insert(chain);
      continue;
    }
    TableRule r{chain, std::string(line), -1};
    if (size_t h = r.rule.find(" # handle "); h != std::string::npos) {
      r.handle = std::strtoll(r.rule.c_str() + h + 10, nullptr, 10);
      r.rule.erase(h);
    }
    t.rules.push_back(std::move(r));
  }
  return t;
}

// The commands that turn the listed table (with handles) into the rendered
// one by deleting and adding single rules, "" when they are equal, or the
// whole rendered script when the fixed parts (the chains, the jumps to
// publish, isolate's first rule) are not as hako left them.
std::string table_changes(const std::string& rendered, const std::string& listed) {
  std::string_view body = rendered;
  if (size_t f = body.find("flush table ip hako\n"); f != std::string_view::npos) body.remove_prefix(f + 20);
  TableText want = parse_table(body), have = parse_table(listed);
  auto rules_of = [](const TableText& t, const std::string& chain) {
    std::vector<std::string> out;
    for (const auto& r : t.rules)
      if (r.chain == chain) out.push_back(r.rule);
    return out;
  };
  auto isolate = rules_of(have, "isolate");
  if (want.chains != have.chains || rules_of(want, "prerouting") != rules_of(have, "prerouting") ||
      rules_of(want, "output") != rules_of(have, "output") || isolate.empty() ||
      isolate.front() != rules_of(want, "isolate").front())
    return rendered;
  std::multiset<std::pair<std::string, std::string>> wanted;
  for (const auto& r : want.rules) wanted.insert({r.chain, r.rule});
  std::string out;
  for (const auto& r : have.rules) {
    auto it = wanted.find({r.chain, r.rule});
    if (it != wanted.end()) {
      wanted.erase(it);
      continue;
    }
    out += fmt::format("delete rule ip hako {} handle {}\n", r.chain, r.handle);
  }
  // The order within a chain does not matter: its rules never match the
  // same packet with different verdicts (the fixed first rules aside).
  for (const auto& r : want.rules)
    if (auto it = wanted.find({r.chain, r.rule}); it != wanted.end()) {
      wanted.erase(it);
      out += fmt::format("add rule ip hako {} {}\n", r.chain, r.rule);
    }
  return out;
}

}  // namespace

// The table's base chains, without rules.
constexpr const char* kSkeleton =
    "table ip hako {\n"
    "\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t}\n"
    "\tchain output {\n\t\ttype nat hook output priority -100; policy accept;\n\t}\n"
    "\tchain publish {\n\t}\n"
    "\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t}\n"
    "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n\t}\n"
    "\tchain isolate {\n\t}\n"
    "}\n";

std::string render(const Ruleset& rules) {
  // The whole script is one transaction, so nothing is ever half written
  // and there is no moment without the old or the new rules. Emptied: the
  // table goes (creating it first makes the delete valid either way).
  if (rules.bridges.empty() && rules.ports.empty()) return "table ip hako\ndelete table ip hako\n";
  // Otherwise the chains are declared (made if missing) and only their
  // rules are replaced: deleting base chains unregisters their hooks, and
  // each unregistration waits for an RCU grace period (~10 ms a write).
  std::string s = std::string(kSkeleton) + "flush table ip hako\n";
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
  // Isolation, as Docker's two stages: what leaves a bridge for another
  // interface is checked in `isolate`, which drops it if that interface is
  // another bridge. One rule per bridge in each chain, so a new network
  // only adds rules (see apply()).
  for (const auto& b : rules.bridges)
    s += fmt::format("\t\tiifname \"{0}\" oifname != \"{0}\" jump isolate\n", b.name);
  s += "\t}\n";
  s += "\tchain isolate {\n";
  // DNATed traffic (a published port reached through the host) and its
  // replies (the same conntrack entry) pass.
  s += "\t\tct status dnat return\n";
  for (const auto& b : rules.bridges) s += fmt::format("\t\toifname \"{}\" drop\n", b.name);
  s += "\t}\n";
  s += "}\n";
  return s;
}

Result<std::string> run_nft(const std::string& commands, unsigned output_flags) {
  const Libnftables& nft = libnftables();
  if (!nft.error.empty()) return fail(ErrorKind::NotSupported, nft.error);
  // A fresh context each time: its netlink socket is then certainly in the
  // calling thread's namespace, and its buffers hold only this run's text.
  std::unique_ptr<nft_ctx, void (*)(nft_ctx*)> ctx(nft.ctx_new(kNftCtxDefault), nft.ctx_free);
  if (!ctx) return fail(ErrorKind::Internal, "nftables: nft_ctx_new failed");
  if (nft.buffer_output(ctx.get()) != 0 || nft.buffer_error(ctx.get()) != 0)
    return fail(ErrorKind::Internal, "nftables: cannot buffer output");
  if (output_flags) nft.output_set_flags(ctx.get(), output_flags);
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
  const std::string rendered = render(rules);
  // DOCKER-USER handles are read before the transaction; should Docker
  // rewrite the chain in between, a delete fails and the whole transaction
  // with it, so read again once.
  for (int attempt = 0;; ++attempt) {
    std::string table = rendered;
    if (!rules.bridges.empty() || !rules.ports.empty()) {
      auto listed = run_nft("list table ip hako", kNftCtxOutputHandle);
      if (listed) table = table_changes(rendered, *listed);
      else if (listed.error().kind() != ErrorKind::NotFound) return std::unexpected(listed.error());
    }
    TRY_ASSIGN(std::string docker, docker_user_commands(rules));
    if (table.empty() && docker.empty()) return {};
    auto done = run_nft(table + docker);
    if (done || attempt == 1) {
      if (!done) return std::unexpected(std::move(done).error().context("writing table ip hako"));
      return {};
    }
  }
}

}  // namespace hako::network::firewall
