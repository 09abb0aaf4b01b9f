// The compose project as the subcommands see it: the project loaded from
// the compose files (or only its name), its services in depends_on order,
// the containers that belong to it (found by their labels), and the names
// and hashes derived from the model.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>

#include "cli/commands/compose/compose_internal.h"
#include "store/digest.h"

namespace hako::cli::compose_cli {

// ---------------------------------------------------------------------------
// The project

Result<Loaded> load(const ParsedFlags& g, const std::vector<std::string>& services) {
  compose::LoadOptions o;
  o.enabled_services = services;
  o.files = g.list("file");
  o.working_dir = g.str("project-directory");
  o.project_name = g.str("project-name");
  o.env_files = g.list("env-file");
  o.profiles = g.list("profile");
  o.environ = [](const std::string& k) -> std::optional<std::string> {
    const char* v = std::getenv(k.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
  TRY_ASSIGN(auto p, compose::load_project(o));
  for (const auto& w : p.warnings) std::fprintf(stderr, "WARN[0000] %s\n", w.c_str());
  Loaded l{std::move(p), {}};
  for (const auto& f : o.files) {
    std::string abs = f.starts_with("/") ? f : l.project.working_dir + "/" + f;
    l.files.push_back(abs);
  }
  return l;
}

// The project name without loading a file (down, ps, ... work without one
// when -p is given).
Result<Loaded> load_or_name(const ParsedFlags& g) {
  auto l = load(g);
  if (l) return l;
  if (!g.str("project-name").empty()) {
    Loaded n;
    n.project.name = g.str("project-name");
    n.project.model = Json{{"name", n.project.name}, {"services", Json::object()}};
    return n;
  }
  return l;
}

const Json& services_of(const Json& model) {
  static const Json empty = Json::object();
  auto it = model.find("services");
  return it != model.end() && it->is_object() ? *it : empty;
}

// Services in depends_on order (dependencies first).
std::vector<std::string> ordered_services(const Json& model) {
  const Json& svcs = services_of(model);
  std::vector<std::string> out;
  std::set<std::string> done, visiting;
  std::function<void(const std::string&)> visit = [&](const std::string& s) {
    if (done.contains(s) || visiting.contains(s) || !svcs.contains(s)) return;
    visiting.insert(s);
    const Json& svc = svcs[s];
    if (svc.contains("depends_on") && svc["depends_on"].is_object())
      for (auto it = svc["depends_on"].begin(); it != svc["depends_on"].end(); ++it) visit(it.key());
    visiting.erase(s);
    done.insert(s);
    out.push_back(s);
  };
  for (auto it = svcs.begin(); it != svcs.end(); ++it) visit(it.key());
  return out;
}

// The selected services plus what they depend on (up, run).
std::vector<std::string> with_dependencies(const Json& model, const std::vector<std::string>& wanted) {
  if (wanted.empty()) return ordered_services(model);
  const Json& svcs = services_of(model);
  std::set<std::string> keep;
  std::function<void(const std::string&)> add = [&](const std::string& s) {
    if (!keep.insert(s).second || !svcs.contains(s)) return;
    const Json& svc = svcs[s];
    if (svc.contains("depends_on") && svc["depends_on"].is_object())
      for (auto it = svc["depends_on"].begin(); it != svc["depends_on"].end(); ++it) add(it.key());
  };
  for (const auto& w : wanted) add(w);
  std::vector<std::string> out;
  for (const auto& s : ordered_services(model))
    if (keep.contains(s)) out.push_back(s);
  return out;
}

Result<> check_services(const Json& model, const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (!services_of(model).contains(n)) return fail(ErrorKind::NotFound, "no such service: {}", n);
  return {};
}

std::string scalar(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
  return j.dump();
}

std::string config_hash(const Json& service) {
  Json s = service;
  s.erase("scale");
  if (s.contains("deploy") && s["deploy"].is_object()) s["deploy"].erase("replicas");
  return store::sha256_of(s.dump()).hex;
}

// The network's real name (model networks.KEY.name, else PROJECT_KEY).
std::string network_name(const Loaded& l, const std::string& key) {
  const Json& nets = l.project.model.value("networks", Json::object());
  if (nets.contains(key) && nets[key].is_object() && nets[key].contains("name")) return scalar(nets[key]["name"]);
  return l.project.name + "_" + key;
}

std::string volume_name(const Loaded& l, const std::string& key) {
  const Json& vols = l.project.model.value("volumes", Json::object());
  if (vols.contains(key) && vols[key].is_object() && vols[key].contains("name")) return scalar(vols[key]["name"]);
  return l.project.name + "_" + key;
}

bool is_external(const Json& def) {
  if (!def.is_object() || !def.contains("external")) return false;
  const Json& e = def["external"];
  return e.is_boolean() ? e.get<bool>() : !e.is_null();
}

// ---------------------------------------------------------------------------
// The project's containers

std::string label(const engine::ContainerInfo& ci, const char* key) {
  auto it = ci.config.labels.find(key);
  return it == ci.config.labels.end() ? "" : it->second;
}

Result<std::vector<Member>> members(engine::Engine& eng, const std::string& project, bool oneoff) {
  TRY_ASSIGN(auto all, eng.list());
  std::vector<Member> out;
  for (auto& ci : all) {
    if (label(ci, kProject) != project) continue;
    Member m;
    m.service = label(ci, kService);
    m.number = std::atoi(label(ci, kNumber).c_str());
    m.oneoff = label(ci, kOneoff) == "True";
    if (m.oneoff && !oneoff) continue;
    m.info = std::move(ci);
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](const Member& a, const Member& b) {
    return a.service != b.service ? a.service < b.service : a.number < b.number;
  });
  return out;
}

// Members of the selected services (all when `services` is empty), in
// service order (or reverse).
std::vector<Member> select(const std::vector<Member>& all, const Json& model, const std::vector<std::string>& services,
                           bool reverse) {
  auto order = ordered_services(model);
  std::map<std::string, size_t> rank;
  for (size_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  std::vector<Member> out;
  for (const auto& m : all)
    if (services.empty() || std::find(services.begin(), services.end(), m.service) != services.end())
      out.push_back(m);
  auto r = [&](const Member& m) { return rank.contains(m.service) ? rank[m.service] : order.size(); };
  std::stable_sort(out.begin(), out.end(), [&](const Member& a, const Member& b) {
    return reverse ? r(a) > r(b) : r(a) < r(b);
  });
  return out;
}

void status_line(const std::string& kind, const std::string& name, const std::string& what) {
  std::fprintf(stderr, " %s %s  %s\n", kind.c_str(), name.c_str(), what.c_str());
}

}  // namespace hako::cli::compose_cli
