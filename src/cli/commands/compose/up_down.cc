// `compose up`, `create` and `down`: the networks and volumes a project
// needs (ensure_*), waiting for dependencies, do_up (create or recreate,
// scale and start each service's containers), and taking it all down.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "base/strings.h"
#include "cli/commands/compose/compose_internal.h"
#include "engine/volumes.h"
#include "network/network_store.h"
#include "volume/volume_store.h"

namespace hako::cli::compose_cli {

// ---------------------------------------------------------------------------
// Resources

// A network's or volume's own labels and driver_opts as create flags.
static void add_labels_and_opts(const Json& def, std::vector<std::string>* w) {
  for (const char* key : {"labels", "driver_opts"}) {
    if (!def.contains(key) || !def[key].is_object()) continue;
    const char* flag = std::string_view(key) == "labels" ? "--label" : "--opt";
    for (auto e = def[key].begin(); e != def[key].end(); ++e) w->insert(w->end(), {flag, e.key() + "=" + scalar(*e)});
  }
}

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
      add_labels_and_opts(*it, &w);
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
      add_labels_and_opts(*it, &w);
    }
    w.push_back(name);
    status_line("Volume", name, "Creating");
    TRY(invoke_command(ctx, w, true));
    status_line("Volume", name, "Created");
  }
  return {};
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
static Result<> connect_rest(Context& ctx, const Loaded& l, const std::string& service, const Json& svc,
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

static int replicas(const Json& svc) {
  if (svc.contains("scale") && svc["scale"].is_number_integer()) return svc["scale"].get<int>();
  if (svc.contains("deploy") && svc["deploy"].is_object() && svc["deploy"].contains("replicas") &&
      svc["deploy"]["replicas"].is_number_integer())
    return svc["deploy"]["replicas"].get<int>();
  return 1;
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

static std::string health_or_running(engine::Engine& eng, const std::string& id) {
  auto ci = eng.info(id);
  return ci && ci->state.health.status == "healthy" ? "Healthy" : "Running";
}

// up --wait: every started container running, and healthy when it has a
// healthcheck, within `timeout_s` (no limit when absent).
Result<> wait_running_healthy(engine::Engine& eng, const std::vector<std::string>& ids,
                              std::optional<int> timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s.value_or(0));
  for (const auto& id : ids) {
    TRY_ASSIGN(auto first, eng.info(id));
    const std::string& name = first.config.name;
    status_line("Container", name, "Waiting");
    for (;;) {
      TRY_ASSIGN(auto ci, eng.info(id));
      const std::string& health = ci.state.health.status;
      if (!ci.active()) {
        return fail(ErrorKind::Internal, "container {} exited ({})", name, ci.state.exit_code);
      }
      if (health == "unhealthy") return fail(ErrorKind::Internal, "container {} is unhealthy", name);
      if (health == "healthy" || (health.empty() && !ci.config.health)) break;
      if (timeout_s && std::chrono::steady_clock::now() > deadline) {
        return fail(ErrorKind::Unavailable, "timeout waiting for container {} to be healthy", name);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    status_line("Container", name, health_or_running(eng, id));
  }
  return {};
}

// ---------------------------------------------------------------------------
// The subcommands

Result<int> up_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  TRY_ASSIGN(auto l, load(g, p.args()));
  UpOptions o;
  bool wait = p.boolean("wait");
  o.detach = p.boolean("detach") || wait;  // --wait implies detached mode
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
  if (wait && !o.no_start) {
    std::optional<int> timeout;
    if (p.set("wait-timeout")) {
      TRY_ASSIGN(auto t, p.integer("wait-timeout"));
      timeout = static_cast<int>(t);
    }
    TRY_ASSIGN(auto eng, ctx.engine());
    TRY(wait_running_healthy(*eng, started, timeout));
  }
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
  auto r = show_logs(*eng, attached, ro, true, log_style(g, p));
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
  TRY_ASSIGN(auto l, load(g, p.args()));
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
  // --rmi local: the images built for services without an `image:` name;
  // --rmi all: every service's image.
  if (p.set("rmi")) {
    std::string rmi = p.str("rmi");
    if (rmi != "local" && rmi != "all") {
      return fail(ErrorKind::InvalidArgument, "invalid --rmi value \"{}\": expected local or all", rmi);
    }
    std::set<std::string> images;
    for (const auto& service : ordered_services(model)) {
      const Json& svc = services_of(model)[service];
      if (svc.contains("image") && rmi == "local") continue;
      images.insert(svc.contains("image") ? scalar(svc["image"]) : l.project.name + "-" + service);
    }
    for (const auto& image : images) {
      auto found = eng->images().find(image);
      if (!found) continue;  // never pulled or built: nothing to remove
      status_line("Image", image, "Removing");
      auto r = invoke_command(ctx, {"rmi", image}, true);
      if (!r || *r != 0) {
        std::fprintf(stderr, "Error: removing image %s: %s\n", image.c_str(), r ? "in use" : r.error().message().c_str());
      } else {
        status_line("Image", image, "Removed");
      }
    }
  }
  // Networks, and with -v volumes, that carry this project's label: the ones
  // up made. External ones were made by someone else and carry no label.
  auto remove_ours = [&](const char* kind, const std::string& name, const std::map<std::string, std::string>& labels,
                         const char* command) {
    auto lit = labels.find(kProject);
    if (lit == labels.end() || lit->second != l.project.name) return;
    status_line(kind, name, "Removing");
    auto r = invoke_command(ctx, {command, "rm", name}, true);
    if (!r) {
      std::fprintf(stderr, "Error: %s\n", r.error().message().c_str());
    } else {
      status_line(kind, name, "Removed");
    }
  };
  network::NetworkStore nets(eng->images().db());
  TRY_ASSIGN(auto all_nets, nets.list());
  for (const auto& n : all_nets) remove_ours("Network", n.name, n.labels, "network");
  if (p.boolean("volumes")) {
    volume::VolumeStore vols(eng->images().db(), eng->root());
    TRY_ASSIGN(auto all_vols, vols.list());
    for (const auto& v : all_vols) remove_ours("Volume", v.name, v.labels, "volume");
  }
  return 0;
}

}  // namespace hako::cli::compose_cli
