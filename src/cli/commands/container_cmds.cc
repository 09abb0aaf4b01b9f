// start, stop, restart, kill, rm, ps, wait, pause, unpause, inspect.
#include <algorithm>
#include <cstdio>

#include "base/clock.h"
#include "base/files.h"
#include "cli/commands/container_commands.h"
#include "cli/format/template.h"
#include "cli/units.h"
#include "engine/volumes.h"
#include "engine/attach_client.h"
#include "engine/container_update.h"
#include "engine/events.h"
#include "image/inspect.h"
#include "runtime/runtime.h"

namespace hako::cli {

// ps's PORTS: "0.0.0.0:8080->80/tcp, 443/tcp", from NetworkSettings.Ports
// (only while the container runs, as Docker shows them).
std::string container_ports_text(const engine::ContainerInfo& ci) {
  const Json ports = ci.config.run_options.value("NetworkSettings", Json::object()).value("Ports", Json::object());
  std::string out;
  for (auto it = ports.begin(); it != ports.end(); ++it) {
    auto add = [&](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
    if (!it->is_array() || !ci.active()) {
      if (!it->is_array()) add(it.key());
      continue;
    }
    for (const auto& b : *it) add(b.value("HostIp", "0.0.0.0") + ":" + b.value("HostPort", "") + "->" + it.key());
  }
  return out;
}

namespace {

// Runs `fn` on each named container, printing the name as given on success
// and Docker's error otherwise; exit 1 if any failed.
template <typename Fn>
Result<int> each(Context& ctx, const ParsedFlags& p, Fn&& fn, bool echo = true) {
  TRY_ASSIGN(auto eng, ctx.engine());
  int rc = 0;
  for (const auto& name : p.args()) {
    auto id = eng->resolve(name);
    Result<> r = id ? fn(*eng, *id) : Result<>(std::unexpected(id.error()));
    if (!r) {
      std::fprintf(stderr, "Error response from daemon: %s\n", r.error().message().c_str());
      rc = 1;
      continue;
    }
    if (echo) std::printf("%s\n", name.c_str());
  }
  return rc;
}

std::optional<int> timeout_flag(const ParsedFlags& p) {
  if (!p.set("time") && !p.set("timeout")) return std::nullopt;
  auto n = p.integer(p.set("time") ? "time" : "timeout");
  return n ? std::optional<int>(static_cast<int>(*n)) : std::nullopt;
}

Result<int> start(Context& ctx, const ParsedFlags& p) {
  bool attach = p.boolean("attach") || p.boolean("interactive");
  if (!attach) return each(ctx, p, [](engine::Engine& e, const std::string& id) { return e.start(id); });
  if (p.args().size() != 1) return fail(ErrorKind::InvalidArgument, "you cannot start and attach multiple containers at once");
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto id, eng->resolve(p.args()[0]));
  TRY_ASSIGN(auto ci, eng->info(id));
  TRY(eng->start(id, /*wait_for_attach=*/true));
  engine::AttachOptions o;
  o.send_start = true;
  o.stdin = p.boolean("interactive") && ci.config.open_stdin;
  o.tty = ci.config.tty;
  o.proxy_signals = !ci.config.tty;
  TRY_ASSIGN(auto r, engine::attach(eng->attach_socket(id), o));
  if (!r.error.empty()) std::fprintf(stderr, "Error response from daemon: %s\n", r.error.c_str());
  return r.exit_code;
}

Result<int> stop(Context& ctx, const ParsedFlags& p) {
  auto t = timeout_flag(p);
  return each(ctx, p, [&](engine::Engine& e, const std::string& id) { return e.stop(id, t); });
}

Result<int> restart(Context& ctx, const ParsedFlags& p) {
  auto t = timeout_flag(p);
  return each(ctx, p, [&](engine::Engine& e, const std::string& id) -> Result<> {
    TRY(e.stop(id, t));
    TRY(e.start(id));
    if (auto c = e.files(id).load_config()) engine::emit_container_event(e.root(), *c, "restart");
    return Result<>{};
  });
}

Result<int> kill_cmd(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(int sig, runtime::parse_signal(p.str("signal")));
  return each(ctx, p, [&](engine::Engine& e, const std::string& id) { return e.kill(id, sig); });
}

Result<int> rm(Context& ctx, const ParsedFlags& p) {
  bool force = p.boolean("force"), volumes = p.boolean("volumes");
  return each(ctx, p, [&](engine::Engine& e, const std::string& id) -> Result<> {
    Json run_options = Json::object();
    if (auto ci = e.info(id)) run_options = ci->config.run_options;
    TRY(e.remove(id, force));
    return volumes ? engine::remove_anonymous_volumes(e, run_options) : Result<>{};
  });
}

Result<int> pause(Context& ctx, const ParsedFlags& p) {
  return each(ctx, p, [](engine::Engine& e, const std::string& id) { return e.pause(id); });
}

Result<int> unpause(Context& ctx, const ParsedFlags& p) {
  return each(ctx, p, [](engine::Engine& e, const std::string& id) { return e.unpause(id); });
}

Result<int> wait_cmd(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  int rc = 0;
  for (const auto& name : p.args()) {
    auto id = eng->resolve(name);
    auto code = id ? eng->wait(*id) : Result<int>(std::unexpected(id.error()));
    if (!code) {
      std::fprintf(stderr, "Error response from daemon: %s\n", code.error().message().c_str());
      rc = 1;
      continue;
    }
    std::printf("%d\n", *code);
  }
  return rc;
}

// "Up 3 minutes", "Exited (0) 2 seconds ago", ... as `docker ps` shows.
std::string networks_text(const engine::ContainerInfo& ci) {
  const Json nets = ci.config.run_options.value("NetworkSettings", Json::object()).value("Networks", Json::object());
  std::string out;
  for (auto it = nets.begin(); it != nets.end(); ++it) out += (out.empty() ? "" : ",") + it.key();
  return out;
}

std::string status_text(const engine::ContainerInfo& ci) {
  const auto& s = ci.state;
  auto since = [](const std::string& t) {
    auto u = parse_rfc3339(t);
    return u ? human_duration(static_cast<int64_t>(::time(nullptr)) - *u) : std::string("?");
  };
  if (ci.status == "running" || ci.status == "paused") {
    std::string out = "Up " + since(s.started_at);
    if (ci.status == "paused") out += " (Paused)";
    else if (s.health.status == "starting") out += " (health: starting)";
    else if (!s.health.status.empty()) out += " (" + s.health.status + ")";
    return out;
  }
  if (ci.status == "restarting") return fmt::format("Restarting ({}) {} ago", s.exit_code, since(s.finished_at));
  if (ci.status == "created" && s.finished_at.starts_with("0001")) return "Created";
  return fmt::format("Exited ({}) {} ago", s.exit_code, since(s.finished_at));
}

// The daemon's Command (arguments with spaces in single quotes), quoted and
// cut to 20 characters as `docker ps` shows it.
std::string quoted_command(const std::vector<std::string>& args, bool no_trunc) {
  std::string cmd;
  for (size_t i = 0; i < args.size(); ++i) {
    bool quote = i > 0 && args[i].find(' ') != std::string::npos;
    cmd += (i ? " " : "") + (quote ? "'" + args[i] + "'" : args[i]);
  }
  if (!no_trunc) {
    // Count characters, not bytes: cut at the 19th code point.
    size_t chars = 0, cut = std::string::npos;
    for (size_t b = 0; b < cmd.size(); ++b) {
      if ((static_cast<unsigned char>(cmd[b]) & 0xc0) == 0x80) continue;
      if (chars == 19) cut = b;
      ++chars;
    }
    if (chars > 20) cmd = cmd.substr(0, cut) + "…";
  }
  return "\"" + cmd + "\"";
}

// `ps -s`: the writable layer, and with the image's "virtual" size.
std::string size_text(engine::Engine& eng, const engine::ContainerInfo& ci) {
  int64_t rw = tree_size(eng.images().snapshots().changes_dir(ci.config.id)).value_or(0);
  auto image = eng.images().db().get_image(ci.record.image_id);
  int64_t virt = rw + (image ? image->size : 0);
  return fmt::format("{} (virtual {})", human_size(static_cast<double>(rw)), human_size(static_cast<double>(virt)));
}

bool matches_filters(const engine::ContainerInfo& ci, const std::vector<std::string>& filters) {
  for (const auto& f : filters) {
    auto eq = f.find('=');
    std::string key = f.substr(0, eq), value = eq == std::string::npos ? "" : f.substr(eq + 1);
    if (key == "status" && ci.status != value) return false;
    if (key == "name" && ci.config.name.find(value) == std::string::npos) return false;
    if (key == "id" && !ci.config.id.starts_with(value)) return false;
    if (key == "exited" && (ci.status != "exited" || std::to_string(ci.state.exit_code) != value)) return false;
    if (key == "ancestor" && ci.config.image != value && !ci.config.image_id.starts_with(value) &&
        ci.config.image + ":latest" != value)
      return false;
    if (key == "label") {
      auto e = value.find('=');
      std::string k = value.substr(0, e);
      auto it = ci.config.labels.find(k);
      if (it == ci.config.labels.end()) return false;
      if (e != std::string::npos && it->second != value.substr(e + 1)) return false;
    }
    if (key == "health" && ci.state.health.status != value) return false;
  }
  return true;
}

Result<int> ps(Context& ctx, const ParsedFlags& p) {
  for (const auto& f : p.list("filter")) {
    std::string key = f.substr(0, f.find('='));
    static const char* known[] = {"status", "name", "id", "exited", "ancestor", "label", "health"};
    if (std::find(std::begin(known), std::end(known), key) == std::end(known))
      return fail(ErrorKind::InvalidArgument, "invalid filter '{}'", key);
  }
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto all, eng->list());
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.config.created > b.config.created; });
  bool show_all = p.boolean("all") || p.set("last") || p.boolean("latest") || !p.list("filter").empty();
  long long last = p.boolean("latest") ? 1 : p.set("last") ? p.integer("last").value_or(-1) : -1;
  bool no_trunc = p.boolean("no-trunc");
  std::vector<Json> rows;
  for (const auto& ci : all) {
    if (!show_all && !ci.active()) continue;
    if (!matches_filters(ci, p.list("filter"))) continue;
    if (last >= 0 && static_cast<long long>(rows.size()) >= last) break;
    std::string labels;
    for (const auto& [k, v] : ci.config.labels) labels += (labels.empty() ? "" : ",") + k + "=" + v;
    auto created = parse_rfc3339(ci.config.created).value_or(0);
    rows.push_back({{"ID", no_trunc ? ci.config.id : ci.config.id.substr(0, 12)},
                    {"Image", ci.config.image},
                    {"Command", quoted_command(ci.config.args, no_trunc)},
                    {"CreatedAt", rfc3339(created)},
                    {"RunningFor", time_ago(created)},
                    {"Status", status_text(ci)},
                    {"State", ci.status},
                    {"Ports", container_ports_text(ci)},
                    {"Names", ci.config.name},
                    {"Labels", labels},
                    {"Mounts", ""},
                    {"Networks", networks_text(ci)},
                    {"Size", p.boolean("size") ? size_text(*eng, ci) : "N/A"}});
  }
  std::string format = p.boolean("quiet") ? "{{.ID}}" : p.str("format");
  std::string table = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
  if (p.boolean("size")) table += "\t{{.Size}}";
  static const std::map<std::string, std::string> headers = {
      {"ID", "CONTAINER ID"}, {"Image", "IMAGE"},   {"Command", "COMMAND"},   {"CreatedAt", "CREATED AT"},
      {"RunningFor", "CREATED"}, {"Status", "STATUS"}, {"State", "STATE"},    {"Ports", "PORTS"},
      {"Names", "NAMES"},     {"Labels", "LABELS"}, {"Mounts", "MOUNTS"},     {"Networks", "NETWORKS"},
      {"Size", "SIZE"}};
  TRY_ASSIGN(auto out, format::render_listing(format, table, rows, headers));
  std::fputs(out.c_str(), stdout);
  return 0;
}

Json container_json(engine::Engine& eng, const engine::ContainerInfo& ci) {
  const auto& s = ci.state;
  const auto& c = ci.config;
  Json state = {{"Status", ci.status},
                {"Running", ci.status == "running" || ci.status == "paused"},
                {"Paused", ci.status == "paused"},
                {"Restarting", ci.status == "restarting"},
                {"OOMKilled", s.oom_killed},
                {"Dead", ci.status == "dead"},
                {"Pid", ci.status == "running" || ci.status == "paused" ? s.pid : 0},
                {"ExitCode", s.exit_code},
                {"Error", s.error},
                {"StartedAt", s.started_at},
                {"FinishedAt", s.finished_at}};
  if (!s.health.status.empty())
    state["Health"] = {{"Status", s.health.status}, {"FailingStreak", s.health.failing_streak}, {"Log", s.health.log}};
  auto f = eng.files(c.id);
  Json config = c.run_options.value("Config", Json::object());
  config["Image"] = c.image;
  config["Tty"] = c.tty;
  config["OpenStdin"] = c.open_stdin;
  config["Labels"] = c.labels;
  config["StopSignal"] = c.stop_signal;
  Json host = {{"RestartPolicy", {{"Name", c.restart.name}, {"MaximumRetryCount", c.restart.max_retries}}},
               {"AutoRemove", c.auto_remove},
               {"LogConfig", {{"Type", c.log_driver}, {"Config", Json::object()}}}};
  // Bound first: items() of a temporary would outlive it in a range-for.
  const Json resources = engine::current_host_resources(f, c).to_json();  // Memory, NanoCpus, ...
  for (auto& [k, v] : resources.items()) host[k] = v;
  // Docker's network fields, from the request made at create.
  const Json net = c.run_options.value("net", Json::object());
  if (!net.empty()) {
    std::string mode = net.value("mode", "");
    if (mode == "container") mode = "container:" + net.value("container", "");
    else if (mode == "bridge") mode = net.value("networks", Json::array()).empty()
                                          ? "bridge"
                                          : net["networks"][0].value("name", "bridge");
    host["NetworkMode"] = mode;
    Json bindings = Json::object();
    for (const auto& p : net.value("publish", Json::array())) {
      std::string port = p.value("host_first", 0) ? std::to_string(p.value("host_first", 0)) : "";
      if (p.value("host_last", 0) > p.value("host_first", 0)) port += "-" + std::to_string(p.value("host_last", 0));
      bindings[fmt::format("{}/{}", p.value("container_port", 0), p.value("proto", "tcp"))].push_back(
          {{"HostIp", p.value("host_ip", "")}, {"HostPort", port}});
    }
    host["PortBindings"] = bindings;
    host["PublishAllPorts"] = net.value("publish_all", false);
    host["Dns"] = net.value("dns", Json::array());
    host["DnsSearch"] = net.value("dns_search", Json::array());
    host["DnsOptions"] = net.value("dns_options", Json::array());
    host["ExtraHosts"] = net.value("add_hosts", Json::array());
    Json exposed = Json::object();
    for (const auto& e : net.value("exposed", Json::array())) exposed[e.get<std::string>()] = Json::object();
    config["ExposedPorts"] = exposed;
  }
  const Json extra_host = c.run_options.value("HostConfig", Json::object());
  for (auto& [k, v] : extra_host.items()) host[k] = v;
  return {{"Id", c.id},
          {"Created", c.created},
          {"Path", c.args.empty() ? "" : c.args[0]},
          {"Args", c.args.size() > 1 ? Json(std::vector<std::string>(c.args.begin() + 1, c.args.end())) : Json::array()},
          {"State", state},
          {"Image", c.image_id},
          {"LogPath", f.log_path()},
          {"Name", "/" + c.name},
          {"RestartCount", s.restart_count},
          {"Driver", std::string(layer::to_string(eng.images().snapshots().driver()))},
          {"Platform", "linux"},
          {"HostConfig", host},
          {"Mounts", c.run_options.value("Mounts", Json::array())},
          {"Config", config},
          {"NetworkSettings", c.run_options.value("NetworkSettings", Json::object())}};
}

Result<int> inspect(Context& ctx, const ParsedFlags& p) {
  std::string type = p.str("type");
  if (!type.empty() && type != "container" && type != "image")
    return fail(ErrorKind::InvalidArgument, "\"{}\" is not a valid value for --type", type);
  TRY_ASSIGN(auto eng, ctx.engine());
  std::vector<Json> found;
  int rc = 0;
  for (const auto& name : p.args()) {
    if (type != "image") {
      if (auto id = eng->resolve(name)) {
        TRY_ASSIGN(auto ci, eng->info(*id));
        found.push_back(container_json(*eng, ci));
        continue;
      }
    }
    if (type != "container") {
      if (auto im = eng->images().find(name)) {
        TRY_ASSIGN(auto j, image::inspect_json(eng->images(), *im));
        found.push_back(std::move(j));
        continue;
      }
    }
    std::fprintf(stderr, "Error: No such %s: %s\n", type.empty() ? "object" : type.c_str(), name.c_str());
    rc = 1;
  }
  TRY(print_inspected(found, p.str("format"), p.set("format")));
  return rc;
}

}  // namespace

std::vector<Command> container_commands() {
  Flag time_flag{"time", 't', Flag::Int, "", "Seconds to wait before killing the container"};
  Flag timeout_flag{"timeout", 0, Flag::Int, "", "Seconds to wait before killing the container"};
  std::vector<Command> v = {
      run_command(),
      create_command(),
      {"start", {"container start"}, "[OPTIONS] CONTAINER [CONTAINER...]", "Start one or more stopped containers",
       {{"attach", 'a', Flag::Bool, "", "Attach STDOUT/STDERR and forward signals"},
        {"interactive", 'i', Flag::Bool, "", "Attach container's STDIN"},
        {"detach-keys", 0, Flag::String, "", "Override the key sequence for detaching a container"}},
       start, 1},
      {"stop", {"container stop"}, "[OPTIONS] CONTAINER [CONTAINER...]", "Stop one or more running containers",
       {time_flag, timeout_flag}, stop, 1},
      {"restart", {"container restart"}, "[OPTIONS] CONTAINER [CONTAINER...]", "Restart one or more containers",
       {time_flag, timeout_flag}, restart, 1},
      {"kill", {"container kill"}, "[OPTIONS] CONTAINER [CONTAINER...]", "Kill one or more running containers",
       {{"signal", 's', Flag::String, "KILL", "Signal to send to the container"}}, kill_cmd, 1},
      {"rm", {"container rm", "container remove"}, "[OPTIONS] CONTAINER [CONTAINER...]",
       "Remove one or more containers",
       {{"force", 'f', Flag::Bool, "", "Force the removal of a running container (uses SIGKILL)"},
        {"volumes", 'v', Flag::Bool, "", "Remove anonymous volumes associated with the container"},
        {"link", 'l', Flag::Bool, "", "Remove the specified link"}},
       rm, 1},
      {"ps", {"container ls", "container list", "container ps"}, "[OPTIONS]", "List containers",
       {{"all", 'a', Flag::Bool, "", "Show all containers (default shows just running)"},
        {"filter", 'f', Flag::List, "", "Filter output based on conditions provided"},
        {"format", 0, Flag::String, "", "Format output using a custom template"},
        {"last", 'n', Flag::Int, "", "Show n last created containers (includes all states)"},
        {"latest", 'l', Flag::Bool, "", "Show the latest created container (includes all states)"},
        {"no-trunc", 0, Flag::Bool, "", "Don't truncate output"},
        {"quiet", 'q', Flag::Bool, "", "Only display container IDs"},
        {"size", 's', Flag::Bool, "", "Display total file sizes"}},
       ps, 0, 0},
      {"wait", {"container wait"}, "CONTAINER [CONTAINER...]",
       "Block until one or more containers stop, then print their exit codes", {}, wait_cmd, 1},
      {"pause", {"container pause"}, "CONTAINER [CONTAINER...]", "Pause all processes within one or more containers",
       {}, pause, 1},
      {"unpause", {"container unpause"}, "CONTAINER [CONTAINER...]",
       "Unpause all processes within one or more containers", {}, unpause, 1},
      {"inspect", {"container inspect"}, "[OPTIONS] NAME|ID [NAME|ID...]",
       "Return low-level information on Docker objects",
       {{"format", 'f', Flag::String, "", "Format output using a custom template"},
        {"size", 's', Flag::Bool, "", "Display total file sizes if the type is container"},
        {"type", 0, Flag::String, "", "Return JSON for specified type"}},
       inspect, 1},
      logs_command(),
      export_command(),
      commit_command(),
      exec_command(),
      rename_command(),
      attach_command(),
      port_command(),
  };
  return v;
}

}  // namespace hako::cli
