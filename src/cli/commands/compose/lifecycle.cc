// The subcommands on a project's existing containers (stop, start, restart,
// kill, pause, unpause, rm, exec), and the ones that run a one-off container
// of a service or prepare its image (run, build, pull).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "base/strings.h"
#include "cli/commands/compose/compose_internal.h"
#include "engine/volumes.h"
#include "runtime/runtime.h"

namespace hako::cli::compose_cli {

// stop, start, restart, kill, pause, unpause, rm over the selected services.
static Result<std::vector<Member>> targets(Context& ctx, const ParsedFlags& g, const ParsedFlags& p, bool reverse,
                                           Loaded& l) {
  TRY_ASSIGN(l, load_or_name(g));
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto all, members(*eng, l.project.name));
  if (!services_of(l.project.model).empty()) TRY(check_services(l.project.model, p.args()));
  return select(all, l.project.model, p.args(), reverse);
}

static std::optional<int> timeout_of(const ParsedFlags& p) {
  if (!p.set("timeout")) return std::nullopt;
  auto t = p.integer("timeout");
  if (!t) return std::nullopt;
  return static_cast<int>(*t);
}

namespace {

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

}  // namespace

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
  // Services that depend on a restarted one with `restart: true` are
  // restarted after it, as Compose does.
  std::set<std::string> restarted;
  for (const auto& m : ms) restarted.insert(m.service);
  std::vector<Member> all = ms;
  if (!p.args().empty()) {
    TRY_ASSIGN(auto members_now, members(*eng, l.project.name));
    for (const auto& m : members_now) {
      if (restarted.contains(m.service)) continue;
      const Json& deps = services_of(l.project.model).value(m.service, Json::object()).value("depends_on", Json::object());
      for (const auto& svc : restarted) {
        if (deps.is_object() && deps.contains(svc) && deps[svc].is_object() && deps[svc].value("restart", false)) {
          all.push_back(m);
          break;
        }
      }
    }
  }
  for (const auto& m : all) {
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
  TRY_ASSIGN(auto l, load(g, {p.args()[0]}));
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

// Pushes the images of the services that name one (`image:`), as Compose
// does; services built without a name have nothing to push to.
Result<int> push_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  TRY_ASSIGN(auto l, load(g));
  TRY(check_services(l.project.model, p.args()));
  for (const auto& s : ordered_services(l.project.model)) {
    if (!p.args().empty() && std::find(p.args().begin(), p.args().end(), s) == p.args().end()) continue;
    const Json& svc = services_of(l.project.model)[s];
    if (!svc.contains("image")) continue;
    std::string image = scalar(svc["image"]);
    status_line("Service", s, "Pushing " + image);
    TRY_ASSIGN(int rc, invoke_command(ctx, {"push", image}, p.boolean("quiet")));
    if (rc != 0 && !p.boolean("ignore-push-failures")) return rc;
    status_line("Service", s, "Pushed");
  }
  return 0;
}

}  // namespace hako::cli::compose_cli
