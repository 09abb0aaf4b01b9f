// `hako compose`: Docker Compose's commands on the compose file model
// (compose/project.h). Every resource is made as a user would make it with
// hako's own commands (network create, volume create, create, exec, run,
// build), run in this process through invoke_command, and found again by
// the labels Compose puts on them (com.docker.compose.project, .service,
// .container-number, .config-hash, .oneoff).
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "base/strings.h"
#include "cli/command.h"
#include "cli/commands/container_commands.h"
#include "compose/project.h"
#include "runtime/runtime.h"
#include "engine/logs/log_reader.h"
#include "engine/volumes.h"
#include "network/network_store.h"
#include "store/digest.h"
#include "volume/volume_store.h"

namespace hako::cli {
namespace {

constexpr const char* kProject = "com.docker.compose.project";
constexpr const char* kService = "com.docker.compose.service";
constexpr const char* kNumber = "com.docker.compose.container-number";
constexpr const char* kHash = "com.docker.compose.config-hash";
constexpr const char* kOneoff = "com.docker.compose.oneoff";
constexpr const char* kConfigFiles = "com.docker.compose.project.config_files";
constexpr const char* kWorkingDir = "com.docker.compose.project.working_dir";

struct Sub {
  std::string name;
  std::string usage;
  std::string summary;
  std::vector<Flag> flags;
  Result<int> (*run)(Context&, const ParsedFlags& global, const ParsedFlags& p);
  bool stop_at_positional = false;
};

// ---------------------------------------------------------------------------
// The project

struct Loaded {
  compose::Project project;
  std::vector<std::string> files;
};

Result<Loaded> load(const ParsedFlags& g) {
  compose::LoadOptions o;
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

struct Member {
  engine::ContainerInfo info;
  std::string service;
  int number = 0;
  bool oneoff = false;
};

std::string label(const engine::ContainerInfo& ci, const char* key) {
  auto it = ci.config.labels.find(key);
  return it == ci.config.labels.end() ? "" : it->second;
}

Result<std::vector<Member>> members(engine::Engine& eng, const std::string& project, bool oneoff = false) {
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

// ---------------------------------------------------------------------------
// Service → `hako create` arguments

std::string duration_flag(const Json& j) { return scalar(j); }

// Arguments for `hako create`/`run` (before IMAGE), then IMAGE and the command.
Result<std::vector<std::string>> run_args(const Loaded& l, const std::string& service, const Json& svc,
                                          const std::string& image, const std::map<std::string, std::string>& labels,
                                          bool with_ports, std::optional<std::vector<std::string>> command_override) {
  std::vector<std::string> a;
  auto add = [&](const std::string& flag, const std::string& v) {
    a.push_back(flag);
    a.push_back(v);
  };
  for (const auto& [k, v] : labels) add("--label", k + "=" + v);
  if (svc.contains("labels") && svc["labels"].is_object())
    for (auto it = svc["labels"].begin(); it != svc["labels"].end(); ++it) add("--label", it.key() + "=" + scalar(*it));
  if (svc.contains("environment") && svc["environment"].is_object())
    for (auto it = svc["environment"].begin(); it != svc["environment"].end(); ++it)
      add("-e", it->is_null() ? it.key() : it.key() + "=" + scalar(*it));
  // Networks: network_mode, or the first network with aliases (the rest are
  // connected after create).
  std::string mode = svc.value("network_mode", "");
  if (!mode.empty()) {
    if (mode.starts_with("service:")) {
      add("--network", "container:" + l.project.name + "-" + mode.substr(8) + "-1");
    } else {
      add("--network", mode);
    }
  } else if (svc.contains("networks") && svc["networks"].is_object() && !svc["networks"].empty()) {
    // The one with the highest priority (then by name) goes first.
    std::vector<std::pair<long, std::string>> nets;
    for (auto it = svc["networks"].begin(); it != svc["networks"].end(); ++it) {
      long prio = it->is_object() ? it->value("priority", 0L) : 0L;
      nets.push_back({-prio, it.key()});
    }
    std::sort(nets.begin(), nets.end());
    const std::string& key = nets[0].second;
    add("--network", network_name(l, key));
    add("--network-alias", service);
    const Json& n = svc["networks"][key];
    if (n.is_object()) {
      if (n.contains("aliases"))
        for (const auto& al : n["aliases"]) add("--network-alias", scalar(al));
      if (n.contains("ipv4_address")) add("--ip", scalar(n["ipv4_address"]));
    }
  }
  if (with_ports && svc.contains("ports"))
    for (const auto& p : svc["ports"]) {
      std::string spec;
      if (p.contains("host_ip") && !scalar(p["host_ip"]).empty()) spec += scalar(p["host_ip"]) + ":";
      std::string pub = p.contains("published") ? scalar(p["published"]) : "";
      if (!pub.empty() || !spec.empty()) spec += pub + ":";
      spec += scalar(p["target"]);
      std::string proto = p.value("protocol", "tcp");
      if (!proto.empty() && proto != "tcp") spec += "/" + proto;
      add("-p", spec);
    }
  if (svc.contains("expose"))
    for (const auto& e : svc["expose"]) add("--expose", scalar(e));
  if (svc.contains("volumes"))
    for (const auto& v : svc["volumes"]) {
      std::string type = v.value("type", "volume");
      std::string target = scalar(v.value("target", Json()));
      bool ro = v.value("read_only", false);
      if (type == "tmpfs") {
        std::string opt;
        if (v.contains("tmpfs") && v["tmpfs"].contains("size")) opt = "size=" + scalar(v["tmpfs"]["size"]);
        add("--tmpfs", opt.empty() ? target : target + ":" + opt);
        continue;
      }
      std::string source = v.contains("source") ? scalar(v["source"]) : "";
      if (type == "volume" && !source.empty()) source = volume_name(l, source);
      std::string opts = ro ? "ro" : "";
      if (type == "volume" && v.contains("volume") && v["volume"].is_object() && v["volume"].value("nocopy", false))
        opts += opts.empty() ? "nocopy" : ",nocopy";
      std::string spec = source.empty() ? target : source + ":" + target;
      if (!opts.empty()) spec += ":" + opts;
      add("-v", spec);
    }
  if (svc.contains("tmpfs")) {
    const Json& t = svc["tmpfs"];
    if (t.is_array())
      for (const auto& x : t) add("--tmpfs", scalar(x));
    else
      add("--tmpfs", scalar(t));
  }
  if (svc.contains("healthcheck") && svc["healthcheck"].is_object()) {
    const Json& h = svc["healthcheck"];
    if (h.value("disable", false)) {
      a.push_back("--no-healthcheck");
    } else {
      if (h.contains("test")) {
        const Json& t = h["test"];
        if (t.is_string()) {
          add("--health-cmd", t.get<std::string>());
        } else if (t.is_array() && !t.empty()) {
          std::string kind = scalar(t[0]);
          if (kind == "NONE") {
            a.push_back("--no-healthcheck");
          } else {
            std::vector<std::string> parts;
            for (size_t i = 1; i < t.size(); ++i) parts.push_back(scalar(t[i]));
            add("--health-cmd", join(parts, " "));
          }
        }
      }
      if (h.contains("interval")) add("--health-interval", duration_flag(h["interval"]));
      if (h.contains("timeout")) add("--health-timeout", duration_flag(h["timeout"]));
      if (h.contains("start_period")) add("--health-start-period", duration_flag(h["start_period"]));
      if (h.contains("start_interval")) add("--health-start-interval", duration_flag(h["start_interval"]));
      if (h.contains("retries")) add("--health-retries", scalar(h["retries"]));
    }
  }
  auto str_flag = [&](const char* key, const char* flag) {
    if (svc.contains(key) && !svc[key].is_null()) add(flag, scalar(svc[key]));
  };
  str_flag("restart", "--restart");
  str_flag("user", "--user");
  str_flag("working_dir", "--workdir");
  str_flag("hostname", "--hostname");
  str_flag("mem_limit", "--memory");
  str_flag("memswap_limit", "--memory-swap");
  str_flag("mem_reservation", "--memory-reservation");
  str_flag("cpus", "--cpus");
  str_flag("cpu_shares", "--cpu-shares");
  str_flag("cpuset", "--cpuset-cpus");
  str_flag("pids_limit", "--pids-limit");
  str_flag("shm_size", "--shm-size");
  str_flag("stop_signal", "--stop-signal");
  str_flag("oom_score_adj", "--oom-score-adj");
  str_flag("mac_address", "--mac-address");
  if (svc.contains("stop_grace_period")) {
    // "10s" → 10; Compose's durations here are Go durations.
    std::string d = scalar(svc["stop_grace_period"]);
    long secs = 0;
    if (d.ends_with("ms")) secs = std::atol(d.c_str()) / 1000;
    else if (d.ends_with("m")) secs = std::atol(d.c_str()) * 60;
    else secs = std::atol(d.c_str());
    add("--stop-timeout", std::to_string(secs));
  }
  auto bool_flag = [&](const char* key, const char* flag) {
    if (svc.contains(key) && svc[key].is_boolean() && svc[key].get<bool>()) a.push_back(flag);
  };
  bool_flag("init", "--init");
  bool_flag("read_only", "--read-only");
  bool_flag("privileged", "--privileged");
  bool_flag("tty", "--tty");
  bool_flag("stdin_open", "--interactive");
  auto list_flag = [&](const char* key, const char* flag) {
    if (svc.contains(key) && svc[key].is_array())
      for (const auto& x : svc[key]) add(flag, scalar(x));
  };
  list_flag("cap_add", "--cap-add");
  list_flag("cap_drop", "--cap-drop");
  list_flag("dns", "--dns");
  list_flag("dns_search", "--dns-search");
  list_flag("dns_opt", "--dns-option");
  list_flag("security_opt", "--security-opt");
  list_flag("devices", "--device");
  if (svc.contains("extra_hosts")) {
    const Json& h = svc["extra_hosts"];
    if (h.is_array())
      for (const auto& x : h) add("--add-host", scalar(x));
    else if (h.is_object())
      for (auto it = h.begin(); it != h.end(); ++it) {
        if (it->is_array())
          for (const auto& ip : *it) add("--add-host", it.key() + ":" + scalar(ip));
        else
          add("--add-host", it.key() + ":" + scalar(*it));
      }
  }
  if (svc.contains("sysctls") && svc["sysctls"].is_object())
    for (auto it = svc["sysctls"].begin(); it != svc["sysctls"].end(); ++it) add("--sysctl", it.key() + "=" + scalar(*it));
  if (svc.contains("ulimits") && svc["ulimits"].is_object())
    for (auto it = svc["ulimits"].begin(); it != svc["ulimits"].end(); ++it) {
      if (it->is_object())
        add("--ulimit", it.key() + "=" + scalar(it->value("soft", Json())) + ":" + scalar(it->value("hard", Json())));
      else
        add("--ulimit", it.key() + "=" + scalar(*it));
    }
  if (svc.contains("logging") && svc["logging"].is_object()) {
    const Json& lg = svc["logging"];
    if (lg.contains("driver")) add("--log-driver", scalar(lg["driver"]));
    if (lg.contains("options") && lg["options"].is_object())
      for (auto it = lg["options"].begin(); it != lg["options"].end(); ++it) add("--log-opt", it.key() + "=" + scalar(*it));
  }
  if (svc.contains("pull_policy")) {
    std::string pp = scalar(svc["pull_policy"]);
    if (pp == "always" || pp == "never" || pp == "missing") add("--pull", pp);
  }
  if (svc.contains("platform")) add("--platform", scalar(svc["platform"]));
  if (svc.contains("entrypoint") && !svc["entrypoint"].is_null()) {
    const Json& e = svc["entrypoint"];
    if (e.is_array() && !e.empty()) {
      add("--entrypoint", scalar(e[0]));
      a.push_back(image);
      for (size_t i = 1; i < e.size(); ++i) a.push_back(scalar(e[i]));
      // The rest of the entrypoint precedes the command.
      if (command_override) {
        for (const auto& c : *command_override) a.push_back(c);
      } else if (svc.contains("command") && svc["command"].is_array()) {
        for (const auto& c : svc["command"]) a.push_back(scalar(c));
      }
      return a;
    }
    add("--entrypoint", "");
  }
  a.push_back(image);
  if (command_override) {
    for (const auto& c : *command_override) a.push_back(c);
  } else if (svc.contains("command") && svc["command"].is_array()) {
    for (const auto& c : svc["command"]) a.push_back(scalar(c));
  }
  return a;
}

// ---------------------------------------------------------------------------
// Resources

Result<> ensure_networks(Context& ctx, const Loaded& l, const std::set<std::string>& used) {
  TRY_ASSIGN(auto eng, ctx.engine());
  network::NetworkStore nets(eng->images().db());
  const Json& defs = l.project.model.value("networks", Json::object());
  for (auto it = defs.begin(); it != defs.end(); ++it) {
    if (!used.contains(it.key())) continue;
    std::string name = network_name(l, it.key());
    bool exists = static_cast<bool>(nets.find(name));
    if (is_external(*it)) {
      if (!exists)
        return fail(ErrorKind::NotFound, "network {} declared as external, but could not be found", name);
      continue;
    }
    if (exists) continue;
    std::vector<std::string> w = {"network", "create", "--label", std::string(kProject) + "=" + l.project.name,
                                  "--label", "com.docker.compose.network=" + it.key()};
    if (it->is_object()) {
      if (it->value("internal", false)) w.push_back("--internal");
      if (it->contains("labels") && (*it)["labels"].is_object())
        for (auto lit = (*it)["labels"].begin(); lit != (*it)["labels"].end(); ++lit)
          w.insert(w.end(), {"--label", lit.key() + "=" + scalar(*lit)});
      if (it->contains("driver_opts") && (*it)["driver_opts"].is_object())
        for (auto o = (*it)["driver_opts"].begin(); o != (*it)["driver_opts"].end(); ++o)
          w.insert(w.end(), {"--opt", o.key() + "=" + scalar(*o)});
      if (it->contains("ipam") && (*it)["ipam"].contains("config"))
        for (const auto& c : (*it)["ipam"]["config"]) {
          if (c.contains("subnet")) w.insert(w.end(), {"--subnet", scalar(c["subnet"])});
          if (c.contains("gateway")) w.insert(w.end(), {"--gateway", scalar(c["gateway"])});
          if (c.contains("ip_range")) w.insert(w.end(), {"--ip-range", scalar(c["ip_range"])});
        }
    }
    w.push_back(name);
    status_line("Network", name, "Creating");
    TRY(invoke_command(ctx, w, true));
    status_line("Network", name, "Created");
  }
  return {};
}

Result<> ensure_volumes(Context& ctx, const Loaded& l) {
  TRY_ASSIGN(auto eng, ctx.engine());
  volume::VolumeStore vols(eng->images().db(), eng->root());
  const Json& defs = l.project.model.value("volumes", Json::object());
  for (auto it = defs.begin(); it != defs.end(); ++it) {
    std::string name = volume_name(l, it.key());
    bool exists = static_cast<bool>(vols.get(name));
    if (is_external(*it)) {
      if (!exists) return fail(ErrorKind::NotFound, "external volume \"{}\" not found", name);
      continue;
    }
    if (exists) continue;
    std::vector<std::string> w = {"volume", "create", "--label", std::string(kProject) + "=" + l.project.name,
                                  "--label", "com.docker.compose.volume=" + it.key()};
    if (it->is_object()) {
      if (it->contains("driver")) w.insert(w.end(), {"--driver", scalar((*it)["driver"])});
      if (it->contains("labels") && (*it)["labels"].is_object())
        for (auto lit = (*it)["labels"].begin(); lit != (*it)["labels"].end(); ++lit)
          w.insert(w.end(), {"--label", lit.key() + "=" + scalar(*lit)});
      if (it->contains("driver_opts") && (*it)["driver_opts"].is_object())
        for (auto o = (*it)["driver_opts"].begin(); o != (*it)["driver_opts"].end(); ++o)
          w.insert(w.end(), {"--opt", o.key() + "=" + scalar(*o)});
    }
    w.push_back(name);
    status_line("Volume", name, "Creating");
    TRY(invoke_command(ctx, w, true));
    status_line("Volume", name, "Created");
  }
  return {};
}

// The image a service runs: its image, or PROJECT-SERVICE built from build:.
Result<std::string> service_image(Context& ctx, const Loaded& l, const std::string& service, const Json& svc,
                                  bool force_build) {
  std::string image = svc.value("image", "");
  if (!svc.contains("build")) {
    if (image.empty()) return fail(ErrorKind::InvalidArgument, "service \"{}\" has neither an image nor a build context specified", service);
    return image;
  }
  if (image.empty()) image = l.project.name + "-" + service;
  if (!force_build) {
    TRY_ASSIGN(auto store, ctx.images());
    if (store->find(image)) return image;
  }
  const Json& b = svc["build"];
  std::vector<std::string> w = {"build", "-t", image};
  std::string context = b.is_object() ? scalar(b.value("context", Json("."))) : scalar(b);
  if (b.is_object()) {
    if (b.contains("dockerfile")) {
      std::string df = scalar(b["dockerfile"]);
      if (!df.starts_with("/")) df = context + "/" + df;
      w.insert(w.end(), {"-f", df});
    }
    if (b.contains("target")) w.insert(w.end(), {"--target", scalar(b["target"])});
    if (b.contains("args") && b["args"].is_object())
      for (auto it = b["args"].begin(); it != b["args"].end(); ++it)
        w.insert(w.end(), {"--build-arg", it->is_null() ? it.key() : it.key() + "=" + scalar(*it)});
    if (b.contains("labels") && b["labels"].is_object())
      for (auto it = b["labels"].begin(); it != b["labels"].end(); ++it)
        w.insert(w.end(), {"--label", it.key() + "=" + scalar(*it)});
    if (b.value("no_cache", false)) w.push_back("--no-cache");
    if (b.contains("network")) w.insert(w.end(), {"--network", scalar(b["network"])});
  }
  w.push_back(context);
  std::fprintf(stderr, " Image %s  Building\n", image.c_str());
  std::fflush(stderr);
  // The build's progress goes to stdout in hako build; keep it on stderr.
  int saved = ::dup(1);
  ::dup2(2, 1);
  auto r = invoke_command(ctx, w, false);
  std::fflush(stdout);
  ::dup2(saved, 1);
  ::close(saved);
  TRY(r);
  if (*r != 0) return fail(ErrorKind::Internal, "failed to build service \"{}\"", service);
  std::fprintf(stderr, " Image %s  Built\n", image.c_str());
  return image;
}

std::set<std::string> networks_of_services(const Json& model, const std::vector<std::string>& services) {
  std::set<std::string> out;
  for (const auto& s : services) {
    const Json& svc = services_of(model)[s];
    if (svc.contains("network_mode")) continue;
    if (svc.contains("networks") && svc["networks"].is_object())
      for (auto it = svc["networks"].begin(); it != svc["networks"].end(); ++it) out.insert(it.key());
  }
  return out;
}

// Connects a created container to the service's other networks.
Result<> connect_rest(Context& ctx, const Loaded& l, const std::string& service, const Json& svc,
                      const std::string& container) {
  if (svc.contains("network_mode") || !svc.contains("networks") || !svc["networks"].is_object()) return {};
  std::vector<std::pair<long, std::string>> nets;
  for (auto it = svc["networks"].begin(); it != svc["networks"].end(); ++it)
    nets.push_back({it->is_object() ? -it->value("priority", 0L) : 0L, it.key()});
  std::sort(nets.begin(), nets.end());
  for (size_t i = 1; i < nets.size(); ++i) {
    const Json& n = svc["networks"][nets[i].second];
    std::vector<std::string> w = {"network", "connect", "--alias", service};
    if (n.is_object() && n.contains("aliases"))
      for (const auto& al : n["aliases"]) w.insert(w.end(), {"--alias", scalar(al)});
    if (n.is_object() && n.contains("ipv4_address")) w.insert(w.end(), {"--ip", scalar(n["ipv4_address"])});
    w.push_back(network_name(l, nets[i].second));
    w.push_back(container);
    TRY(invoke_command(ctx, w, true));
  }
  return {};
}

int replicas(const Json& svc) {
  if (svc.contains("scale") && svc["scale"].is_number_integer()) return svc["scale"].get<int>();
  if (svc.contains("deploy") && svc["deploy"].is_object() && svc["deploy"].contains("replicas") &&
      svc["deploy"]["replicas"].is_number_integer())
    return svc["deploy"]["replicas"].get<int>();
  return 1;
}

std::map<std::string, std::string> compose_labels(const Loaded& l, const std::string& service, int number,
                                                  const std::string& hash, bool oneoff) {
  std::map<std::string, std::string> m = {{kProject, l.project.name},
                                          {kService, service},
                                          {kNumber, std::to_string(number)},
                                          {kHash, hash},
                                          {kOneoff, oneoff ? "True" : "False"},
                                          {kWorkingDir, l.project.working_dir},
                                          {"com.docker.compose.version", "2.0.0-hako"}};
  if (!l.files.empty()) m[kConfigFiles] = join(l.files, ",");
  return m;
}

// Waits for what `service` depends on.
Result<> wait_dependencies(engine::Engine& eng, const std::string& project, const Json& svc) {
  if (!svc.contains("depends_on") || !svc["depends_on"].is_object()) return {};
  for (auto it = svc["depends_on"].begin(); it != svc["depends_on"].end(); ++it) {
    std::string cond = it->is_object() ? it->value("condition", "service_started") : "service_started";
    bool required = it->is_object() ? it->value("required", true) : true;
    if (cond == "service_started") continue;
    TRY_ASSIGN(auto ms, members(eng, project));
    for (const auto& m : ms) {
      if (m.service != it.key()) continue;
      const std::string& id = m.info.record.id;
      const std::string& name = m.info.config.name;
      if (cond == "service_healthy") {
        status_line("Container", name, "Waiting");
        for (;;) {
          TRY_ASSIGN(auto ci, eng.info(id));
          if (ci.state.health.status == "healthy") break;
          if (ci.state.health.status.empty() && !ci.config.health)
            return fail(ErrorKind::InvalidArgument, "dependency failed to start: container {} has no healthcheck configured", name);
          if (ci.state.health.status == "unhealthy" || !ci.active()) {
            if (!required) break;
            return fail(ErrorKind::Internal, "dependency failed to start: container {} is unhealthy", name);
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        status_line("Container", name, "Healthy");
      } else if (cond == "service_completed_successfully") {
        status_line("Container", name, "Waiting");
        TRY_ASSIGN(int code, eng.wait(id));
        if (code != 0 && required)
          return fail(ErrorKind::Internal, "service \"{}\" didn't complete successfully: exit {}", it.key(), code);
        status_line("Container", name, "Exited");
      }
    }
  }
  return {};
}

struct UpOptions {
  bool detach = false;
  bool force_recreate = false, no_recreate = false, no_start = false, build = false, remove_orphans = false;
  bool no_deps = false;
  std::map<std::string, int> scale;
};

Result<std::vector<std::string>> do_up(Context& ctx, const Loaded& l, const std::vector<std::string>& wanted,
                                       const UpOptions& o) {
  TRY(check_services(l.project.model, wanted));
  TRY_ASSIGN(auto eng, ctx.engine());
  auto services = o.no_deps ? wanted : with_dependencies(l.project.model, wanted);
  if (services.empty() && o.no_deps) services = ordered_services(l.project.model);
  TRY(ensure_networks(ctx, l, networks_of_services(l.project.model, services)));
  TRY(ensure_volumes(ctx, l));
  const std::string& project = l.project.name;
  TRY_ASSIGN(auto existing, members(*eng, project));
  // Orphans: containers of services no longer in the model.
  for (const auto& m : existing)
    if (!services_of(l.project.model).contains(m.service)) {
      if (o.remove_orphans) {
        status_line("Container", m.info.config.name, "Removing");
        (void)eng->remove(m.info.record.id, true);
        status_line("Container", m.info.config.name, "Removed");
      } else {
        std::fprintf(stderr,
                     "WARN[0000] Found orphan containers ([%s]) for this project. If you removed or renamed this "
                     "service in your compose file, you can run this command with the --remove-orphans flag to "
                     "clean it up.\n",
                     m.info.config.name.c_str());
      }
    }
  std::vector<std::string> started;
  for (const auto& service : services) {
    const Json& svc = services_of(l.project.model)[service];
    TRY_ASSIGN(auto image, service_image(ctx, l, service, svc, o.build));
    std::string hash = config_hash(svc);
    int n = o.scale.contains(service) ? o.scale.at(service) : replicas(svc);
    if (svc.contains("container_name") && n > 1)
      return fail(ErrorKind::InvalidArgument, "service \"{}\" has a container_name and cannot be scaled", service);
    TRY(wait_dependencies(*eng, project, svc));
    TRY_ASSIGN(auto now, members(*eng, project));
    std::map<int, Member> by_number;
    for (auto& m : now)
      if (m.service == service) by_number[m.number] = m;
    // Scale down: the highest numbers go.
    for (auto& [num, m] : by_number)
      if (num > n) {
        status_line("Container", m.info.config.name, "Stopping");
        (void)eng->stop(m.info.record.id, std::nullopt);
        (void)eng->remove(m.info.record.id, true);
        (void)engine::remove_anonymous_volumes(*eng, m.info.config.run_options);
        status_line("Container", m.info.config.name, "Removed");
      }
    for (int i = 1; i <= n; ++i) {
      std::string name = svc.contains("container_name") ? scalar(svc["container_name"])
                                                        : project + "-" + service + "-" + std::to_string(i);
      std::string id;
      bool fresh = true;
      if (by_number.contains(i)) {
        const Member& m = by_number[i];
        bool same = label(m.info, kHash) == hash;
        if ((same && !o.force_recreate) || o.no_recreate) {
          id = m.info.record.id;
          fresh = false;
          name = m.info.config.name;
        } else {
          status_line("Container", m.info.config.name, "Recreate");
          (void)eng->stop(m.info.record.id, std::nullopt);
          TRY(eng->remove(m.info.record.id, true));
          (void)engine::remove_anonymous_volumes(*eng, m.info.config.run_options);
        }
      }
      if (fresh) {
        TRY_ASSIGN(auto args, run_args(l, service, svc, image, compose_labels(l, service, i, hash, false), true,
                                       std::nullopt));
        std::vector<std::string> w = {"create", "--name", name};
        w.insert(w.end(), args.begin(), args.end());
        status_line("Container", name, "Creating");
        TRY_ASSIGN(int rc, invoke_command(ctx, w, true));
        if (rc != 0) return fail(ErrorKind::Internal, "creating {} failed", name);
        TRY_ASSIGN(id, eng->resolve(name));
        TRY(connect_rest(ctx, l, service, svc, id));
        status_line("Container", name, "Created");
      }
      if (o.no_start) continue;
      TRY_ASSIGN(auto ci, eng->info(id));
      if (ci.active()) {
        if (ci.status == "paused") (void)eng->unpause(id);
        if (!fresh) status_line("Container", name, "Running");
      } else {
        status_line("Container", name, "Starting");
        TRY(eng->start(id));
        status_line("Container", name, "Started");
      }
      started.push_back(id);
    }
  }
  return started;
}

// ---------------------------------------------------------------------------
// Logs

struct Printer {
  std::mutex mu;
  size_t width = 0;
  bool color = false;
  void line(const std::string& prefix, std::string_view text, bool err) {
    std::lock_guard<std::mutex> g(mu);
    FILE* out = err ? stderr : stdout;
    (void)out;
    // Compose prints both streams on stdout.
    std::string p = prefix;
    p.resize(std::max(width, prefix.size()), ' ');
    std::string_view t = text;
    while (!t.empty()) {
      size_t nl = t.find('\n');
      std::string_view one = t.substr(0, nl);
      std::fprintf(stdout, "%s | %.*s\n", p.c_str(), static_cast<int>(one.size()), one.data());
      if (nl == std::string_view::npos) break;
      t = t.substr(nl + 1);
    }
    std::fflush(stdout);
  }
};

std::string log_prefix(const Member& m) {
  std::string n = m.info.config.name;
  return n;
}

std::atomic<bool> g_interrupted{false};
void on_sigint(int) { g_interrupted = true; }

Result<> show_logs(engine::Engine& eng, const std::vector<Member>& ms, const engine::logs::ReadOptions& ro,
                   bool stop_on_interrupt, const std::function<bool()>& keep_following = nullptr) {
  Printer pr;
  for (const auto& m : ms) pr.width = std::max(pr.width, log_prefix(m).size());
  std::vector<std::thread> threads;
  std::mutex err_mu;
  std::optional<Error> first_error;
  for (const auto& m : ms) {
    threads.emplace_back([&, m] {
      engine::logs::FollowHooks hooks;
      std::string id = m.info.record.id;
      hooks.exited = [&eng, id, stop_on_interrupt, &keep_following] {
        if (stop_on_interrupt && g_interrupted) return true;
        if (keep_following && keep_following()) return false;
        auto i = eng.info(id);
        return !i || !i->active();
      };
      std::string prefix = log_prefix(m);
      auto sink = [&](const engine::logs::LogEntry& e) {
        pr.line(prefix, e.text, e.stream == engine::logs::Stream::Stderr);
        return !(stop_on_interrupt && g_interrupted);
      };
      auto r = engine::logs::read_logs(eng.files(id).log_path(), ro, sink, hooks);
      if (!r) {
        std::lock_guard<std::mutex> g(err_mu);
        if (!first_error) first_error = r.error();
      }
    });
  }
  for (auto& t : threads) t.join();
  if (first_error) return std::unexpected(*first_error);
  return {};
}

// ---------------------------------------------------------------------------
// The subcommands

std::vector<std::string> sorted_keys(const Json& j) {
  std::vector<std::string> out;
  if (j.is_object())
    for (auto it = j.begin(); it != j.end(); ++it) out.push_back(it.key());
  std::sort(out.begin(), out.end());
  return out;
}

Result<int> config_cmd(Context&, const ParsedFlags& g, const ParsedFlags& p) {
  TRY_ASSIGN(auto l, load(g));
  const Json& model = l.project.model;
  if (p.boolean("quiet")) return 0;
  if (p.boolean("services")) {
    for (const auto& s : ordered_services(model)) std::printf("%s\n", s.c_str());
    return 0;
  }
  if (p.boolean("volumes")) {
    for (const auto& v : sorted_keys(model.value("volumes", Json::object()))) std::printf("%s\n", v.c_str());
    return 0;
  }
  if (p.boolean("networks")) {
    for (const auto& v : sorted_keys(model.value("networks", Json::object()))) std::printf("%s\n", v.c_str());
    return 0;
  }
  if (p.boolean("images")) {
    for (const auto& s : ordered_services(model)) {
      const Json& svc = services_of(model)[s];
      std::printf("%s\n", svc.contains("image") ? scalar(svc["image"]).c_str() : (l.project.name + "-" + s).c_str());
    }
    return 0;
  }
  std::string out;
  std::string format = p.str("format");
  if (format.empty() || format == "yaml") {
    out = compose::to_yaml(model);
  } else if (format == "json") {
    out = model.dump(2) + "\n";
  } else {
    return fail(ErrorKind::InvalidArgument, "unsupported format \"{}\"", format);
  }
  if (p.set("output") && !p.str("output").empty()) {
    FILE* f = std::fopen(p.str("output").c_str(), "w");
    if (!f) return fail_sys("open " + p.str("output"));
    std::fwrite(out.data(), 1, out.size(), f);
    std::fclose(f);
    return 0;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

Result<int> up_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  TRY_ASSIGN(auto l, load(g));
  UpOptions o;
  o.detach = p.boolean("detach");
  o.force_recreate = p.boolean("force-recreate");
  o.no_recreate = p.boolean("no-recreate");
  o.no_start = p.boolean("no-start");
  o.build = p.boolean("build");
  o.remove_orphans = p.boolean("remove-orphans");
  o.no_deps = p.boolean("no-deps");
  for (const auto& s : p.list("scale")) {
    size_t eq = s.find('=');
    if (eq == std::string::npos) return fail(ErrorKind::InvalidArgument, "invalid --scale value \"{}\"", s);
    o.scale[s.substr(0, eq)] = std::atoi(s.c_str() + eq + 1);
  }
  TRY_ASSIGN(auto started, do_up(ctx, l, p.args(), o));
  if (o.detach || o.no_start) return 0;
  // Foreground: the logs of the started containers until they all exit or
  // Ctrl-C, which stops them.
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto ms, members(*eng, l.project.name));
  std::vector<Member> attached;
  for (const auto& m : ms)
    if (std::find(started.begin(), started.end(), m.info.record.id) != started.end()) attached.push_back(m);
  std::printf("Attaching to %s\n", [&] {
    std::vector<std::string> n;
    for (const auto& m : attached) n.push_back(m.info.config.name);
    return join(n, ", ");
  }().c_str());
  std::fflush(stdout);
  struct sigaction sa{}, old_int{}, old_term{};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, &old_int);
  ::sigaction(SIGTERM, &sa, &old_term);
  engine::logs::ReadOptions ro;
  ro.follow = true;
  auto r = show_logs(*eng, attached, ro, true);
  if (g_interrupted) {
    std::fprintf(stderr, "Gracefully stopping... (press Ctrl+C again to force)\n");
    auto order = select(attached, l.project.model, {}, true);
    for (const auto& m : order) {
      status_line("Container", m.info.config.name, "Stopping");
      (void)eng->stop(m.info.record.id, std::nullopt);
      status_line("Container", m.info.config.name, "Stopped");
    }
  } else {
    for (const auto& m : attached)
      if (auto ci = eng->info(m.info.record.id))
        std::printf("%s exited with code %d\n", m.info.config.name.c_str(), ci->state.exit_code);
  }
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  TRY(r);
  return 0;
}

Result<int> create_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  TRY_ASSIGN(auto l, load(g));
  UpOptions o;
  o.no_start = true;
  o.force_recreate = p.boolean("force-recreate");
  o.no_recreate = p.boolean("no-recreate");
  o.build = p.boolean("build");
  TRY(do_up(ctx, l, p.args(), o));
  return 0;
}

Result<int> down_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  TRY_ASSIGN(auto l, load_or_name(g));
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto all, members(*eng, l.project.name, /*oneoff=*/true));
  const Json& model = l.project.model;
  bool orphans = p.boolean("remove-orphans");
  std::vector<Member> ours;
  for (const auto& m : all) {
    bool known = services_of(model).contains(m.service) || services_of(model).empty();
    if (known || orphans) ours.push_back(m);
    else
      std::fprintf(stderr, "WARN[0000] Found orphan containers ([%s]) for this project.\n", m.info.config.name.c_str());
  }
  auto order = select(ours, model, {}, true);
  std::optional<int> timeout;
  if (p.set("timeout")) {
    TRY_ASSIGN(auto t, p.integer("timeout"));
    timeout = static_cast<int>(t);
  }
  for (const auto& m : order) {
    if (m.info.active()) {
      status_line("Container", m.info.config.name, "Stopping");
      (void)eng->stop(m.info.record.id, timeout);
      status_line("Container", m.info.config.name, "Stopped");
    }
  }
  for (const auto& m : order) {
    status_line("Container", m.info.config.name, "Removing");
    TRY(eng->remove(m.info.record.id, true));
    if (p.boolean("volumes")) (void)engine::remove_anonymous_volumes(*eng, m.info.config.run_options);
    status_line("Container", m.info.config.name, "Removed");
  }
  // Networks: the model's (not external), else the ones labelled ours.
  network::NetworkStore nets(eng->images().db());
  TRY_ASSIGN(auto all_nets, nets.list());
  std::set<std::string> net_names;
  const Json& ndefs = model.value("networks", Json::object());
  for (auto it = ndefs.begin(); it != ndefs.end(); ++it)
    if (!is_external(*it)) net_names.insert(network_name(l, it.key()));
  for (const auto& n : all_nets) {
    auto lit = n.labels.find(kProject);
    bool labelled = lit != n.labels.end() && lit->second == l.project.name;
    if (!labelled && !(net_names.contains(n.name) && n.labels.contains(kProject))) continue;
    if (!labelled) continue;
    status_line("Network", n.name, "Removing");
    auto r = invoke_command(ctx, {"network", "rm", n.name}, true);
    if (!r) std::fprintf(stderr, "Error: %s\n", r.error().message().c_str());
    else status_line("Network", n.name, "Removed");
  }
  if (p.boolean("volumes")) {
    volume::VolumeStore vols(eng->images().db(), eng->root());
    TRY_ASSIGN(auto all_vols, vols.list());
    std::set<std::string> vol_names;
    const Json& vdefs = model.value("volumes", Json::object());
    for (auto it = vdefs.begin(); it != vdefs.end(); ++it)
      if (!is_external(*it)) vol_names.insert(volume_name(l, it.key()));
    for (const auto& v : all_vols) {
      auto lit = v.labels.find(kProject);
      bool labelled = lit != v.labels.end() && lit->second == l.project.name;
      if (!labelled) continue;
      status_line("Volume", v.name, "Removing");
      auto r = invoke_command(ctx, {"volume", "rm", v.name}, true);
      if (!r) std::fprintf(stderr, "Error: %s\n", r.error().message().c_str());
      else status_line("Volume", v.name, "Removed");
    }
  }
  return 0;
}

std::string status_text(const engine::ContainerInfo& ci) {
  if (ci.status == "running") {
    std::string h = ci.state.health.status;
    return h.empty() ? "Up" : "Up (" + h + ")";
  }
  if (ci.status == "paused") return "Up (Paused)";
  if (ci.status == "restarting") return "Restarting";
  if (ci.status == "created") return "Created";
  return "Exited (" + std::to_string(ci.state.exit_code) + ")";
}

Result<int> ps_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  TRY_ASSIGN(auto l, load_or_name(g));
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto all, members(*eng, l.project.name));
  bool show_all = p.boolean("all");
  std::vector<std::string> filter_status = {};
  for (const auto& s : p.list("status")) filter_status.push_back(s);
  std::vector<const Member*> rows;
  for (const auto& m : all) {
    if (!p.args().empty() && std::find(p.args().begin(), p.args().end(), m.service) == p.args().end()) continue;
    if (!show_all && !m.info.active() && filter_status.empty()) continue;
    if (!filter_status.empty() &&
        std::find(filter_status.begin(), filter_status.end(), m.info.status) == filter_status.end())
      continue;
    rows.push_back(&m);
  }
  if (p.boolean("services")) {
    std::set<std::string> seen;
    for (const auto* m : rows)
      if (seen.insert(m->service).second) std::printf("%s\n", m->service.c_str());
    return 0;
  }
  if (p.boolean("quiet")) {
    for (const auto* m : rows) std::printf("%s\n", m->info.record.id.c_str());
    return 0;
  }
  if (p.str("format") == "json") {
    Json arr = Json::array();
    for (const auto* m : rows)
      arr.push_back({{"ID", m->info.record.id},
                     {"Name", m->info.config.name},
                     {"Image", m->info.config.image},
                     {"Project", l.project.name},
                     {"Service", m->service},
                     {"State", m->info.status},
                     {"Health", m->info.state.health.status},
                     {"ExitCode", m->info.state.exit_code},
                     {"Status", status_text(m->info)},
                     {"Publishers", container_ports_text(m->info)}});
    std::printf("%s\n", arr.dump().c_str());
    return 0;
  }
  std::vector<std::vector<std::string>> table = {{"NAME", "IMAGE", "COMMAND", "SERVICE", "STATUS", "PORTS"}};
  for (const auto* m : rows) {
    std::string cmd = join(m->info.config.args, " ");
    if (cmd.size() > 20) cmd = cmd.substr(0, 19) + "…";
    table.push_back({m->info.config.name, m->info.config.image, "\"" + cmd + "\"", m->service, status_text(m->info),
                     container_ports_text(m->info)});
  }
  std::vector<size_t> w(table[0].size(), 0);
  for (const auto& r : table)
    for (size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], r[i].size());
  for (const auto& r : table) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      std::string cell = r[i];
      if (i + 1 < r.size()) cell.resize(w[i] + 3, ' ');
      line += cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::printf("%s\n", line.c_str());
  }
  return 0;
}

Result<int> logs_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  TRY_ASSIGN(auto l, load_or_name(g));
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto all, members(*eng, l.project.name));
  auto ms = select(all, l.project.model, p.args(), false);
  engine::logs::ReadOptions ro;
  std::string tail = p.str("tail");
  if (!tail.empty() && tail != "all") {
    TRY_ASSIGN(ro.tail, p.integer("tail"));
  }
  ro.follow = p.boolean("follow");
  ro.timestamps = p.boolean("timestamps");
  if (ro.follow) {
    struct sigaction sa{};
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
  }
  TRY(show_logs(*eng, ms, ro, true));
  return 0;
}

// stop, start, restart, kill, pause, unpause, rm over the selected services.
Result<std::vector<Member>> targets(Context& ctx, const ParsedFlags& g, const ParsedFlags& p, bool reverse,
                                    Loaded& l) {
  TRY_ASSIGN(l, load_or_name(g));
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto all, members(*eng, l.project.name));
  if (!services_of(l.project.model).empty()) TRY(check_services(l.project.model, p.args()));
  return select(all, l.project.model, p.args(), reverse);
}

std::optional<int> timeout_of(const ParsedFlags& p) {
  if (!p.set("timeout")) return std::nullopt;
  auto t = p.integer("timeout");
  if (!t) return std::nullopt;
  return static_cast<int>(*t);
}

// Runs `act` on each target container `wanted` keeps, with Compose's
// "Container NAME  Doing" / "Done" status lines around it.
template <typename Wanted, typename Act>
Result<> each_container(const std::vector<Member>& ms, Wanted&& wanted, const char* doing,
                        const char* done, Act&& act) {
  for (const auto& m : ms) {
    if (!wanted(m)) continue;
    if (doing) status_line("Container", m.info.config.name, doing);
    TRY(act(m));
    status_line("Container", m.info.config.name, done);
  }
  return {};
}

Result<int> stop_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  Loaded l;
  TRY_ASSIGN(auto ms, targets(ctx, g, p, true, l));
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY(each_container(ms, [](const auto& m) { return m.info.active(); }, "Stopping", "Stopped",
                     [&](const auto& m) { return eng->stop(m.info.record.id, timeout_of(p)); }));
  return 0;
}

Result<int> start_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  Loaded l;
  TRY_ASSIGN(auto ms, targets(ctx, g, p, false, l));
  TRY_ASSIGN(auto eng, ctx.engine());
  if (ms.empty()) return fail(ErrorKind::NotFound, "service \"{}\" has no container to start", p.args().empty() ? "" : p.args()[0]);
  for (const auto& m : ms) {
    if (m.info.active()) continue;
    TRY(wait_dependencies(*eng, l.project.name, services_of(l.project.model).value(m.service, Json::object())));
    status_line("Container", m.info.config.name, "Starting");
    TRY(eng->start(m.info.record.id));
    status_line("Container", m.info.config.name, "Started");
  }
  return 0;
}

Result<int> restart_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  Loaded l;
  TRY_ASSIGN(auto ms, targets(ctx, g, p, false, l));
  TRY_ASSIGN(auto eng, ctx.engine());
  for (const auto& m : ms) {
    status_line("Container", m.info.config.name, "Restarting");
    if (m.info.active()) TRY(eng->stop(m.info.record.id, timeout_of(p)));
    TRY(eng->start(m.info.record.id));
    status_line("Container", m.info.config.name, "Started");
  }
  return 0;
}

Result<int> kill_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  Loaded l;
  TRY_ASSIGN(auto ms, targets(ctx, g, p, true, l));
  TRY_ASSIGN(auto eng, ctx.engine());
  std::string sig = p.str("signal");
  int signo = SIGKILL;
  if (!sig.empty()) {
    TRY_ASSIGN(signo, runtime::parse_signal(sig));
  }
  TRY(each_container(ms, [](const auto& m) { return m.info.active(); }, "Killing", "Killed",
                     [&](const auto& m) { return eng->kill(m.info.record.id, signo); }));
  return 0;
}

Result<int> pause_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  Loaded l;
  TRY_ASSIGN(auto ms, targets(ctx, g, p, false, l));
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY(each_container(ms, [](const auto& m) { return m.info.status == "running"; }, nullptr, "Paused",
                     [&](const auto& m) { return eng->pause(m.info.record.id); }));
  return 0;
}

Result<int> unpause_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  Loaded l;
  TRY_ASSIGN(auto ms, targets(ctx, g, p, false, l));
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY(each_container(ms, [](const auto& m) { return m.info.status == "paused"; }, nullptr, "Unpaused",
                     [&](const auto& m) { return eng->unpause(m.info.record.id); }));
  return 0;
}

Result<int> rm_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  Loaded l;
  TRY_ASSIGN(auto ms, targets(ctx, g, p, true, l));
  TRY_ASSIGN(auto eng, ctx.engine());
  if (p.boolean("stop"))
    for (const auto& m : ms)
      if (m.info.active()) {
        status_line("Container", m.info.config.name, "Stopping");
        (void)eng->stop(m.info.record.id, std::nullopt);
        status_line("Container", m.info.config.name, "Stopped");
      }
  std::vector<Member> gone;
  for (const auto& m : ms) {
    auto ci = eng->info(m.info.record.id);
    if (ci && !ci->active()) gone.push_back(m);
  }
  if (gone.empty()) {
    std::fprintf(stderr, "No stopped containers\n");
    return 0;
  }
  for (const auto& m : gone) {
    status_line("Container", m.info.config.name, "Removing");
    TRY(eng->remove(m.info.record.id, false));
    if (p.boolean("volumes")) (void)engine::remove_anonymous_volumes(*eng, m.info.config.run_options);
    status_line("Container", m.info.config.name, "Removed");
  }
  return 0;
}

Result<int> exec_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  Loaded l;
  TRY_ASSIGN(l, load_or_name(g));
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto all, members(*eng, l.project.name));
  const std::string& service = p.args()[0];
  int index = 1;
  if (p.set("index")) {
    TRY_ASSIGN(auto i, p.integer("index"));
    index = static_cast<int>(i);
  }
  const Member* target = nullptr;
  for (const auto& m : all)
    if (m.service == service && m.number == index) target = &m;
  if (!target || !target->info.active())
    return fail(ErrorKind::NotFound, "service \"{}\" is not running", service);
  std::vector<std::string> w = {"exec"};
  if (p.boolean("detach")) w.push_back("-d");
  if (!p.boolean("no-TTY") && ::isatty(0) && ::isatty(1)) w.push_back("-t");
  if (!p.boolean("detach")) w.push_back("-i");
  if (p.boolean("privileged")) w.push_back("--privileged");
  for (const auto& e : p.list("env")) w.insert(w.end(), {"-e", e});
  if (p.set("user")) w.insert(w.end(), {"-u", p.str("user")});
  if (p.set("workdir")) w.insert(w.end(), {"-w", p.str("workdir")});
  w.push_back(target->info.record.id);
  w.insert(w.end(), p.args().begin() + 1, p.args().end());
  return invoke_command(ctx, w, false);
}

Result<int> run_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  TRY_ASSIGN(auto l, load(g));
  const std::string& service = p.args()[0];
  TRY(check_services(l.project.model, {service}));
  const Json& svc = services_of(l.project.model)[service];
  if (!p.boolean("no-deps")) {
    auto deps = with_dependencies(l.project.model, {service});
    deps.erase(std::remove(deps.begin(), deps.end(), service), deps.end());
    if (!deps.empty()) {
      UpOptions o;
      o.detach = true;
      o.no_deps = true;
      TRY(do_up(ctx, l, deps, o));
    }
  }
  TRY(ensure_networks(ctx, l, networks_of_services(l.project.model, {service})));
  TRY(ensure_volumes(ctx, l));
  TRY_ASSIGN(auto image, service_image(ctx, l, service, svc, p.boolean("build")));
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY(wait_dependencies(*eng, l.project.name, svc));
  std::optional<std::vector<std::string>> cmd;
  if (p.args().size() > 1) cmd = std::vector<std::string>(p.args().begin() + 1, p.args().end());
  Json s = svc;
  if (p.set("entrypoint")) s["entrypoint"] = Json::array({p.str("entrypoint")});
  if (p.set("user")) s["user"] = p.str("user");
  if (p.set("workdir")) s["working_dir"] = p.str("workdir");
  for (const auto& e : p.list("env")) {
    size_t eq = e.find('=');
    if (!s.contains("environment") || !s["environment"].is_object()) s["environment"] = Json::object();
    s["environment"][e.substr(0, eq)] = eq == std::string::npos ? Json() : Json(e.substr(eq + 1));
  }
  s.erase("restart");
  if (!p.boolean("service-ports")) s.erase("ports");
  std::string name = p.set("name") ? p.str("name")
                                   : l.project.name + "-" + service + "-run-" + random_hex_id().substr(0, 12);
  TRY_ASSIGN(auto args, run_args(l, service, s, image, compose_labels(l, service, 1, config_hash(svc), true),
                                 p.boolean("service-ports"), cmd));
  std::vector<std::string> w = {"run", "--name", name};
  if (p.boolean("rm")) w.push_back("--rm");
  if (p.boolean("detach")) w.push_back("-d");
  else {
    w.push_back("-i");
    if (!p.boolean("no-TTY") && ::isatty(0) && ::isatty(1)) w.push_back("-t");
  }
  for (const auto& pub : p.list("publish")) w.insert(w.end(), {"-p", pub});
  // run_args put svc's first network first; a run container is not an alias
  // of the service (Compose gives it none), keep the alias anyway.
  w.insert(w.end(), args.begin(), args.end());
  return invoke_command(ctx, w, false);
}

Result<int> ls_cmd(Context& ctx, const ParsedFlags&, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto all, eng->list());
  struct Row {
    std::map<std::string, int> states;
    std::string files;
  };
  std::map<std::string, Row> projects;
  for (const auto& ci : all) {
    std::string proj = label(ci, kProject);
    if (proj.empty()) continue;
    Row& r = projects[proj];
    r.states[ci.status]++;
    if (r.files.empty()) r.files = label(ci, kConfigFiles);
  }
  bool show_all = p.boolean("all");
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, r] : projects) {
    if (!show_all && !r.states.contains("running")) continue;
    std::vector<std::string> st;
    for (const auto& [s, n] : r.states) st.push_back(s + "(" + std::to_string(n) + ")");
    rows.push_back({name, join(st, ", "), r.files});
  }
  if (p.boolean("quiet")) {
    for (const auto& r : rows) std::printf("%s\n", r[0].c_str());
    return 0;
  }
  if (p.str("format") == "json") {
    Json arr = Json::array();
    for (const auto& r : rows) arr.push_back({{"Name", r[0]}, {"Status", r[1]}, {"ConfigFiles", r[2]}});
    std::printf("%s\n", arr.dump().c_str());
    return 0;
  }
  size_t w0 = 4, w1 = 6;
  for (const auto& r : rows) {
    w0 = std::max(w0, r[0].size());
    w1 = std::max(w1, r[1].size());
  }
  std::printf("%-*s   %-*s   %s\n", static_cast<int>(w0), "NAME", static_cast<int>(w1), "STATUS", "CONFIG FILES");
  for (const auto& r : rows)
    std::printf("%-*s   %-*s   %s\n", static_cast<int>(w0), r[0].c_str(), static_cast<int>(w1), r[1].c_str(),
                r[2].c_str());
  return 0;
}

Result<int> build_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  TRY_ASSIGN(auto l, load(g));
  TRY(check_services(l.project.model, p.args()));
  for (const auto& s : ordered_services(l.project.model)) {
    if (!p.args().empty() && std::find(p.args().begin(), p.args().end(), s) == p.args().end()) continue;
    const Json& svc = services_of(l.project.model)[s];
    if (!svc.contains("build")) continue;
    TRY(service_image(ctx, l, s, svc, true));
  }
  return 0;
}

Result<int> pull_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  TRY_ASSIGN(auto l, load(g));
  for (const auto& s : ordered_services(l.project.model)) {
    if (!p.args().empty() && std::find(p.args().begin(), p.args().end(), s) == p.args().end()) continue;
    const Json& svc = services_of(l.project.model)[s];
    if (!svc.contains("image")) continue;
    TRY(find_or_pull_image(ctx, scalar(svc["image"]), "always", ""));
  }
  return 0;
}

const std::vector<Sub>& subs() {
  static const std::vector<Sub> all = {
      {"config", "[OPTIONS] [SERVICE...]", "Parse, resolve and render compose file in canonical format",
       {{"format", 0, Flag::String, "yaml", "Format the output. Values: [yaml | json]"},
        {"quiet", 'q', Flag::Bool, "", "Only validate the configuration, don't print anything"},
        {"services", 0, Flag::Bool, "", "Print the service names, one per line"},
        {"volumes", 0, Flag::Bool, "", "Print the volume names, one per line"},
        {"networks", 0, Flag::Bool, "", "Print the network names, one per line"},
        {"images", 0, Flag::Bool, "", "Print the image names, one per line"},
        {"output", 'o', Flag::String, "", "Save to file (default to stdout)"}},
       config_cmd},
      {"up", "[OPTIONS] [SERVICE...]", "Create and start containers",
       {{"detach", 'd', Flag::Bool, "", "Detached mode: Run containers in the background"},
        {"build", 0, Flag::Bool, "", "Build images before starting containers"},
        {"force-recreate", 0, Flag::Bool, "", "Recreate containers even if their configuration hasn't changed"},
        {"no-recreate", 0, Flag::Bool, "", "If containers already exist, don't recreate them"},
        {"no-start", 0, Flag::Bool, "", "Don't start the services after creating them"},
        {"no-deps", 0, Flag::Bool, "", "Don't start linked services"},
        {"remove-orphans", 0, Flag::Bool, "", "Remove containers for services not defined in the Compose file"},
        {"scale", 0, Flag::List, "", "Scale SERVICE to NUM instances", "scale"},
        {"wait", 0, Flag::Bool, "", "Wait for services to be running|healthy (implies detached mode)"}},
       up_cmd},
      {"create", "[OPTIONS] [SERVICE...]", "Creates containers for a service",
       {{"build", 0, Flag::Bool, "", "Build images before starting containers"},
        {"force-recreate", 0, Flag::Bool, "", "Recreate containers even if their configuration hasn't changed"},
        {"no-recreate", 0, Flag::Bool, "", "If containers already exist, don't recreate them"}},
       create_cmd},
      {"down", "[OPTIONS] [SERVICES]", "Stop and remove containers, networks",
       {{"volumes", 'v', Flag::Bool, "", "Remove named volumes declared in the \"volumes\" section of the Compose file"},
        {"remove-orphans", 0, Flag::Bool, "", "Remove containers for services not defined in the Compose file"},
        {"timeout", 't', Flag::Int, "", "Specify a shutdown timeout in seconds", "int"}},
       down_cmd},
      {"ps", "[OPTIONS] [SERVICE...]", "List containers",
       {{"all", 'a', Flag::Bool, "", "Show all stopped containers"},
        {"quiet", 'q', Flag::Bool, "", "Only display IDs"},
        {"services", 0, Flag::Bool, "", "Display services"},
        {"status", 0, Flag::List, "", "Filter services by status"},
        {"format", 0, Flag::String, "table", "Format the output. Values: [table | json]"}},
       ps_cmd},
      {"logs", "[OPTIONS] [SERVICE...]", "View output from containers",
       {{"follow", 'f', Flag::Bool, "", "Follow log output"},
        {"tail", 'n', Flag::String, "all", "Number of lines to show from the end of the logs for each container"},
        {"timestamps", 't', Flag::Bool, "", "Show timestamps"},
        {"no-log-prefix", 0, Flag::Bool, "", "Don't print prefix in logs"}},
       logs_cmd},
      {"stop", "[OPTIONS] [SERVICE...]", "Stop services",
       {{"timeout", 't', Flag::Int, "", "Specify a shutdown timeout in seconds", "int"}}, stop_cmd},
      {"start", "[SERVICE...]", "Start services", {}, start_cmd},
      {"restart", "[OPTIONS] [SERVICE...]", "Restart service containers",
       {{"timeout", 't', Flag::Int, "", "Specify a shutdown timeout in seconds", "int"}}, restart_cmd},
      {"kill", "[OPTIONS] [SERVICE...]", "Force stop service containers",
       {{"signal", 's', Flag::String, "SIGKILL", "SIGNAL to send to the container"}}, kill_cmd},
      {"pause", "[SERVICE...]", "Pause services", {}, pause_cmd},
      {"unpause", "[SERVICE...]", "Unpause services", {}, unpause_cmd},
      {"rm", "[OPTIONS] [SERVICE...]", "Removes stopped service containers",
       {{"force", 'f', Flag::Bool, "", "Don't ask to confirm removal"},
        {"stop", 's', Flag::Bool, "", "Stop the containers, if required, before removing"},
        {"volumes", 'v', Flag::Bool, "", "Remove any anonymous volumes attached to containers"}},
       rm_cmd},
      {"exec", "[OPTIONS] SERVICE COMMAND [ARGS...]", "Execute a command in a running container",
       {{"detach", 'd', Flag::Bool, "", "Detached mode: Run command in the background"},
        {"env", 'e', Flag::List, "", "Set environment variables"},
        {"index", 0, Flag::Int, "", "Index of the container if service has multiple replicas", "int"},
        {"no-TTY", 'T', Flag::Bool, "", "Disable pseudo-TTY allocation"},
        {"privileged", 0, Flag::Bool, "", "Give extended privileges to the process"},
        {"user", 'u', Flag::String, "", "Run the command as this user"},
        {"workdir", 'w', Flag::String, "", "Path to workdir directory for this command"}},
       exec_cmd, true},
      {"run", "[OPTIONS] SERVICE [COMMAND] [ARGS...]", "Run a one-off command on a service",
       {{"detach", 'd', Flag::Bool, "", "Run container in background and print container ID"},
        {"rm", 0, Flag::Bool, "", "Automatically remove the container when it exits"},
        {"name", 0, Flag::String, "", "Assign a name to the container"},
        {"entrypoint", 0, Flag::String, "", "Override the entrypoint of the image"},
        {"env", 'e', Flag::List, "", "Set environment variables"},
        {"user", 'u', Flag::String, "", "Run as specified username or uid"},
        {"workdir", 'w', Flag::String, "", "Working directory inside the container"},
        {"no-deps", 0, Flag::Bool, "", "Don't start linked services"},
        {"no-TTY", 'T', Flag::Bool, "", "Disable pseudo-TTY allocation"},
        {"publish", 'p', Flag::List, "", "Publish a container's port(s) to the host"},
        {"service-ports", 0, Flag::Bool, "", "Run command with all service's ports enabled and mapped to the host"},
        {"build", 0, Flag::Bool, "", "Build image before starting container"}},
       run_cmd, true},
      {"ls", "[OPTIONS]", "List running compose projects",
       {{"all", 'a', Flag::Bool, "", "Show all stopped Compose projects"},
        {"quiet", 'q', Flag::Bool, "", "Only display project names"},
        {"format", 0, Flag::String, "table", "Format the output. Values: [table | json]"}},
       ls_cmd},
      {"build", "[OPTIONS] [SERVICE...]", "Build or rebuild services", {}, build_cmd},
      {"pull", "[OPTIONS] [SERVICE...]", "Pull service images", {}, pull_cmd},
  };
  return all;
}

std::string compose_usage() {
  std::string out =
      "\nUsage:  hako compose [OPTIONS] COMMAND\n\nDefine and run multi-container applications\n\nCommands:\n";
  for (const auto& s : subs()) out += fmt::format("  {:<10} {}\n", s.name, s.summary);
  return out;
}

std::vector<Flag> global_compose_flags() {
  return {{"file", 'f', Flag::List, "", "Compose configuration files", "stringArray"},
          {"project-name", 'p', Flag::String, "", "Project name", "string"},
          {"project-directory", 0, Flag::String, "", "Specify an alternate working directory", "string"},
          {"env-file", 0, Flag::List, "", "Specify an alternate environment file", "stringArray"},
          {"profile", 0, Flag::List, "", "Specify a profile to enable", "stringArray"},
          {"ansi", 0, Flag::String, "auto", "Control when to print ANSI control characters", "string"},
          {"progress", 0, Flag::String, "auto", "Set type of progress output", "string"},
          {"parallel", 0, Flag::Int, "-1", "Control max parallelism, -1 for unlimited", "int"},
          {"compatibility", 0, Flag::Bool, "", "Run compose in backward compatibility mode", ""}};
}

Result<int> compose(Context& ctx, const ParsedFlags& g) {
  const auto& args = g.args();
  if (args.empty()) {
    std::fputs(compose_usage().c_str(), stdout);
    return 0;
  }
  const Sub* sub = nullptr;
  for (const auto& s : subs())
    if (s.name == args[0]) sub = &s;
  if (!sub) return fail(ErrorKind::InvalidArgument, "unknown hako command: \"compose {}\"", args[0]);
  std::vector<std::string> rest(args.begin() + 1, args.end());
  auto p = parse_flags(sub->flags, rest, sub->stop_at_positional);
  if (!p) {
    std::fprintf(stderr, "%s\nSee 'hako compose %s --help'.\n", p.error().message().c_str(), sub->name.c_str());
    return 125;
  }
  if (p->help()) {
    std::printf("\nUsage:  hako compose %s %s\n\n%s\n\n%s", sub->name.c_str(), sub->usage.c_str(),
                sub->summary.c_str(), flags_help(sub->flags).c_str());
    return 0;
  }
  if ((sub->name == "exec" && p->args().size() < 2) || (sub->name == "run" && p->args().empty()))
    return fail(ErrorKind::InvalidArgument, "\"hako compose {}\" requires at least {} argument(s).", sub->name,
                sub->name == "exec" ? 2 : 1);
  return sub->run(ctx, g, *p);
}

}  // namespace

std::vector<Command> compose_commands() {
  Command c{"compose", {}, "[OPTIONS] COMMAND", "Define and run multi-container applications",
            global_compose_flags(), compose, 0, -1, true};
  return {c};
}

}  // namespace hako::cli
