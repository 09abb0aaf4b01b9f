// The subcommands that show a project: `compose logs` (and show_logs, the
// log printer `up` attaches with), `ps`, `ls` and `config`.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "base/clock.h"
#include "base/strings.h"
#include "cli/commands/compose/compose_internal.h"
#include "cli/commands/container_commands.h"
#include "cli/units.h"
#include "engine/logs/log_reader.h"

namespace hako::cli::compose_cli {

// ---------------------------------------------------------------------------
// Logs

namespace {

// Compose's colours for container prefixes, in the order it hands them out.
constexpr const char* kPalette[] = {"36", "33", "32", "35", "34", "1;36", "1;33", "1;32", "1;35", "1;34"};

struct Printer {
  std::mutex mu;
  size_t width = 0;
  LogStyle style;
  // Compose prints both streams on stdout.
  void line(const std::string& prefix, const char* color, std::string_view text) {
    std::lock_guard<std::mutex> g(mu);
    std::string p = prefix;
    p.resize(std::max(width, prefix.size()), ' ');
    std::string head;
    if (style.prefix) head = style.color ? fmt::format("\033[{}m{} |\033[0m ", color, p) : p + " | ";
    std::string_view t = text;
    while (!t.empty()) {
      size_t nl = t.find('\n');
      std::string_view one = t.substr(0, nl);
      std::fprintf(stdout, "%s%.*s\n", head.c_str(), static_cast<int>(one.size()), one.data());
      if (nl == std::string_view::npos) break;
      t = t.substr(nl + 1);
    }
    std::fflush(stdout);
  }
};

std::string log_prefix(const Member& m) { return m.info.config.name; }

}  // namespace

std::atomic<bool> g_interrupted{false};
void on_sigint(int) { g_interrupted = true; }

LogStyle log_style(const ParsedFlags& g, const ParsedFlags& p) {
  LogStyle s;
  std::string ansi = g.str("ansi");
  s.color = ansi == "always" || ((ansi.empty() || ansi == "auto") && ::isatty(1));
  if (p.boolean("no-color")) s.color = false;
  if (p.boolean("no-log-prefix")) s.prefix = false;
  return s;
}

Result<> show_logs(engine::Engine& eng, const std::vector<Member>& ms, const engine::logs::ReadOptions& ro,
                   bool stop_on_interrupt, const LogStyle& style, const std::function<bool()>& keep_following) {
  Printer pr;
  pr.style = style;
  for (const auto& m : ms) pr.width = std::max(pr.width, log_prefix(m).size());
  std::vector<std::thread> threads;
  std::mutex err_mu;
  std::optional<Error> first_error;
  for (size_t i = 0; i < ms.size(); ++i) {
    const Member& m = ms[i];
    const char* color = kPalette[i % std::size(kPalette)];
    threads.emplace_back([&, m, color] {
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
        pr.line(prefix, color, e.text);
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

static std::vector<std::string> sorted_keys(const Json& j) {
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

static std::string status_text(const engine::ContainerInfo& ci) {
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
                     {"CreatedAt", m->info.config.created},
                     {"Publishers", container_ports_text(m->info)}});
    std::printf("%s\n", arr.dump().c_str());
    return 0;
  }
  std::vector<std::vector<std::string>> table = {
      {"NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"}};
  for (const auto* m : rows) {
    std::string cmd = join(m->info.config.args, " ");
    if (cmd.size() > 20) cmd = cmd.substr(0, 19) + "…";
    std::string created = time_ago(parse_rfc3339(m->info.config.created).value_or(0));
    table.push_back({m->info.config.name, m->info.config.image, "\"" + cmd + "\"", m->service, created,
                     status_text(m->info), container_ports_text(m->info)});
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
  TRY(show_logs(*eng, ms, ro, true, log_style(g, p)));
  return 0;
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

}  // namespace hako::cli::compose_cli
