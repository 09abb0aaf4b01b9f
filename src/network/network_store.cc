#include "network/network_store.h"

#include <algorithm>
#include <set>

namespace hako::network {

Json NetworkRecord::config_json() const {
  Json j = {{"driver", driver}, {"internal", internal}, {"default_bridge", default_bridge}, {"bridge", bridge},
            {"options", options}, {"labels", labels}};
  if (subnet) j["subnet"] = subnet->str();
  if (!gateway.is_unspecified()) j["gateway"] = gateway.str();
  if (ip_range) j["ip_range"] = ip_range->str();
  return j;
}

Result<NetworkRecord> NetworkRecord::from_row(std::string id, std::string name, std::string created,
                                              const std::string& config) {
  TRY_ASSIGN(Json j, parse_json(config, "network " + name));
  NetworkRecord n;
  n.id = std::move(id);
  n.name = std::move(name);
  n.created = std::move(created);
  n.driver = j.value("driver", "bridge");
  n.internal = j.value("internal", false);
  n.default_bridge = j.value("default_bridge", false);
  n.bridge = j.value("bridge", "");
  if (j.contains("options")) n.options = j["options"].get<std::map<std::string, std::string>>();
  if (j.contains("labels")) n.labels = j["labels"].get<std::map<std::string, std::string>>();
  if (j.contains("subnet")) {
    TRY_ASSIGN(n.subnet, Ipv4Prefix::parse(j["subnet"].get<std::string>()));
  }
  if (j.contains("gateway")) {
    TRY_ASSIGN(n.gateway, Ipv4::parse(j["gateway"].get<std::string>()));
  }
  if (j.contains("ip_range")) {
    TRY_ASSIGN(n.ip_range, Ipv4Prefix::parse(j["ip_range"].get<std::string>()));
  }
  return n;
}

Result<> NetworkStore::create(const NetworkRecord& net) {
  auto r = db_.db().run("INSERT INTO networks (id, name, created, config) VALUES (?, ?, ?, ?)", net.id, net.name,
                        net.created, net.config_json().dump());
  if (!r && r.error().kind() == ErrorKind::AlreadyExists)
    return fail(ErrorKind::Conflict, "network with name {} already exists", net.name);
  return r;
}

static Result<std::vector<NetworkRecord>> rows(store::sql::Statement& st) {
  std::vector<NetworkRecord> out;
  for (;;) {
    TRY_ASSIGN(bool row, st.step());
    if (!row) break;
    TRY_ASSIGN(auto n, NetworkRecord::from_row(st.text(0), st.text(1), st.text(2), st.text(3)));
    out.push_back(std::move(n));
  }
  return out;
}

Result<NetworkRecord> NetworkStore::get(std::string_view id) {
  TRY_ASSIGN(auto st, db_.db().query("SELECT id, name, created, config FROM networks WHERE id = ?", id));
  TRY_ASSIGN(auto found, rows(st));
  if (found.empty()) return fail(ErrorKind::NotFound, "network {} not found", id);
  return found[0];
}

Result<NetworkRecord> NetworkStore::find(std::string_view key) {
  TRY_ASSIGN(auto all, list());
  for (const auto& n : all)
    if (n.id == key) return n;
  for (const auto& n : all)
    if (n.name == key) return n;
  std::vector<const NetworkRecord*> prefixed;
  for (const auto& n : all)
    if (!key.empty() && n.id.starts_with(key)) prefixed.push_back(&n);
  if (prefixed.size() == 1) return *prefixed[0];
  if (prefixed.size() > 1)
    return fail(ErrorKind::Conflict, "network {} is ambiguous ({} matches found based on ID prefix)", key,
                prefixed.size());
  return fail(ErrorKind::NotFound, "network {} not found", key);
}

Result<std::vector<NetworkRecord>> NetworkStore::list() {
  TRY_ASSIGN(auto st, db_.db().query("SELECT id, name, created, config FROM networks ORDER BY created, name"));
  return rows(st);
}

Result<> NetworkStore::remove(std::string_view id) {
  TRY(db_.db().run("DELETE FROM networks WHERE id = ?", id));
  return {};
}

Result<Ipv4Prefix> NetworkStore::free_subnet(const std::vector<Ipv4Prefix>& taken) {
  TRY_ASSIGN(auto nets, list());
  auto pool = *Ipv4Prefix::parse("10.211.0.0/16");
  for (uint32_t i = 0; i < 256; ++i) {
    Ipv4Prefix candidate{Ipv4{pool.addr.value + (i << 8)}, 24};
    bool clash = false;
    for (const auto& n : nets)
      if (n.subnet && n.subnet->overlaps(candidate)) clash = true;
    for (const auto& t : taken)
      if (t.length > 0 && t.overlaps(candidate)) clash = true;
    if (!clash) return candidate;
  }
  return fail(ErrorKind::Unavailable, "could not find an available, non-overlapping IPv4 address pool among the "
                                      "defaults to assign to the network");
}

Result<Ipv4> NetworkStore::lease(const NetworkRecord& net, const std::string& container_id, std::optional<Ipv4> wanted,
                                 const std::function<bool(const std::string&)>& reclaimable) {
  if (!net.subnet) return fail(ErrorKind::InvalidArgument, "network {} has no subnet", net.name);
  TRY_ASSIGN(auto tx, db_.transaction());
  TRY_ASSIGN(auto st, db_.db().query("SELECT address, container_id FROM network_leases WHERE network_id = ?", net.id));
  std::map<uint32_t, std::string> held;
  for (;;) {
    TRY_ASSIGN(bool row, st.step());
    if (!row) break;
    held[static_cast<uint32_t>(st.int64(0))] = st.text(1);
  }
  for (const auto& [addr, owner] : held)
    if (owner == container_id) {
      if (!wanted || wanted->value == addr) return Ipv4{addr};
      TRY(db_.db().run("DELETE FROM network_leases WHERE network_id = ? AND container_id = ?", net.id, container_id));
    }
  const Ipv4Prefix range = net.ip_range.value_or(*net.subnet);
  auto usable = [&](uint32_t a) {
    return net.subnet->contains(Ipv4{a}) && a != net.subnet->network().value && a != net.subnet->broadcast().value &&
           a != net.gateway.value;
  };
  auto take = [&](uint32_t a) -> Result<Ipv4> {
    TRY(db_.db().run("DELETE FROM network_leases WHERE network_id = ? AND address = ?", net.id, int64_t{a}));
    TRY(db_.db().run("INSERT INTO network_leases (network_id, address, container_id) VALUES (?, ?, ?)", net.id,
                     int64_t{a}, container_id));
    TRY(tx.commit());
    return Ipv4{a};
  };
  if (wanted) {
    if (!usable(wanted->value))
      return fail(ErrorKind::InvalidArgument, "no configured subnet or ip-range contain the IP address {}",
                  wanted->str());
    auto it = held.find(wanted->value);
    if (it != held.end() && !reclaimable(it->second))
      return fail(ErrorKind::Conflict, "Address already in use: {}", wanted->str());
    return take(wanted->value);
  }
  uint32_t first = range.network().value, last = range.broadcast().value;
  for (uint32_t a = first; a <= last && a >= first; ++a)
    if (usable(a) && !held.contains(a)) return take(a);
  for (uint32_t a = first; a <= last && a >= first; ++a)
    if (usable(a) && reclaimable(held[a])) return take(a);
  return fail(ErrorKind::Unavailable, "no available IPv4 addresses on network {}", net.name);
}

Result<> NetworkStore::release(const std::string& network_id, const std::string& container_id) {
  return db_.db().run("DELETE FROM network_leases WHERE network_id = ? AND container_id = ?", network_id, container_id);
}

Result<> NetworkStore::release_all(const std::string& container_id) {
  TRY(db_.db().run("DELETE FROM network_leases WHERE container_id = ?", container_id));
  return unbind_ports(container_id);
}

Result<std::vector<Lease>> NetworkStore::leases(const std::string& network_id) {
  TRY_ASSIGN(auto st, db_.db().query("SELECT address, container_id FROM network_leases WHERE network_id = ? "
                                     "ORDER BY address",
                                     network_id));
  std::vector<Lease> out;
  for (;;) {
    TRY_ASSIGN(bool row, st.step());
    if (!row) break;
    out.push_back({network_id, Ipv4{static_cast<uint32_t>(st.int64(0))}, st.text(1)});
  }
  return out;
}

Result<> NetworkStore::bind_ports(const std::vector<PortBinding>& ports,
                                  const std::function<bool(const std::string&)>& reclaimable) {
  if (ports.empty()) return {};
  TRY_ASSIGN(auto tx, db_.transaction());
  TRY_ASSIGN(auto existing, port_bindings());
  for (const auto& p : ports) {
    for (const auto& e : existing) {
      if (e.proto != p.proto || e.host_port != p.host_port) continue;
      // 0.0.0.0 and every specific address clash with each other.
      if (!e.host_ip.empty() && !p.host_ip.empty() && e.host_ip != p.host_ip) continue;
      if (e.container_id == p.container_id) continue;
      if (!reclaimable(e.container_id))
        return fail(ErrorKind::Conflict, "Bind for {}:{} failed: port is already allocated",
                    p.host_ip.empty() ? "0.0.0.0" : p.host_ip, p.host_port);
      TRY(db_.db().run("DELETE FROM port_bindings WHERE container_id = ?", e.container_id));
    }
    TRY(db_.db().run("INSERT OR REPLACE INTO port_bindings (proto, host_ip, host_port, container_id, container_ip, "
                     "container_port, bridge) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     p.proto, p.host_ip, int64_t{p.host_port}, p.container_id, p.container_ip,
                     int64_t{p.container_port}, p.bridge));
  }
  return tx.commit();
}

Result<> NetworkStore::unbind_ports(const std::string& container_id) {
  return db_.db().run("DELETE FROM port_bindings WHERE container_id = ?", container_id);
}

Result<std::vector<PortBinding>> NetworkStore::port_bindings() {
  TRY_ASSIGN(auto st, db_.db().query("SELECT proto, host_ip, host_port, container_id, container_ip, container_port, bridge "
                                     "FROM port_bindings ORDER BY proto, host_port, host_ip"));
  std::vector<PortBinding> out;
  for (;;) {
    TRY_ASSIGN(bool row, st.step());
    if (!row) break;
    out.push_back({st.text(0), st.text(1), static_cast<uint16_t>(st.int64(2)), st.text(3), st.text(4),
                   static_cast<uint16_t>(st.int64(5)), st.text(6)});
  }
  return out;
}

}  // namespace hako::network
