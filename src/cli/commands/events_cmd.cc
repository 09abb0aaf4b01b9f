// `hako events`: the engine's event log (engine/events.h), printed the way
// `docker events` prints it, past events by --since and new ones as they
// are appended until --until passes (or forever, as Docker's stream does).
#include <signal.h>
#include <time.h>

#include <cstdio>
#include <map>
#include <set>

#include "base/files.h"
#include "cli/commands/container_commands.h"
#include "cli/format/template.h"
#include "engine/events.h"
#include "engine/logs/log_format.h"
#include "engine/logs/log_options.h"
#include "engine/logs/log_watch.h"

namespace hako::cli {
namespace {

// --filter key=value: values of one key are alternatives, keys must all match.
using Filters = std::map<std::string, std::set<std::string>>;

Result<Filters> parse_filters(const std::vector<std::string>& given) {
  static const std::set<std::string> known = {"container", "event", "image", "label", "type", "network", "volume",
                                              "scope"};
  Filters out;
  for (const auto& f : given) {
    auto eq = f.find('=');
    if (eq == std::string::npos) return fail(ErrorKind::InvalidArgument, "bad format of filter (expected name=value)");
    std::string key = f.substr(0, eq);
    if (!known.contains(key)) return fail(ErrorKind::InvalidArgument, "invalid filter '{}'", key);
    out[key].insert(f.substr(eq + 1));
  }
  return out;
}

bool matches(const engine::Event& e, const Filters& filters) {
  auto attr = [&](const char* k) {
    auto it = e.attributes.find(k);
    return it == e.attributes.end() ? std::string() : it->second;
  };
  for (const auto& [key, values] : filters) {
    bool any = false;
    for (const auto& v : values) {
      if (key == "type") any = any || e.type == v;
      // "exec_start: sh -c x" is an exec_start event.
      else if (key == "event") any = any || e.action.substr(0, e.action.find(':')) == v;
      else if (key == "container")
        any = any || (e.type == "container" && (e.id.starts_with(v) || attr("name") == v));
      else if (key == "image")
        any = any || attr("image") == v || attr("image") == v + ":latest" || (e.type == "image" && (e.id == v || attr("name") == v));
      else if (key == "label") {
        auto eq = v.find('=');
        auto it = e.attributes.find(v.substr(0, eq));
        any = any || (it != e.attributes.end() && (eq == std::string::npos || it->second == v.substr(eq + 1)));
      } else if (key == "network" || key == "volume")
        any = any || (e.type == key && (e.id == v || attr("name") == v));
      else if (key == "scope") any = any || v == "local";
    }
    if (!any) return false;
  }
  return true;
}

// Docker's text form: time (RFC 3339 with nanoseconds, local zone), type,
// action, actor id, and the attributes sorted by key.
std::string text_line(const engine::Event& e) {
  time_t secs = static_cast<time_t>(e.time_nano / 1'000'000'000);
  struct tm tm;
  localtime_r(&secs, &tm);
  char date[64];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  long off = tm.tm_gmtoff;
  std::string zone = off == 0 ? "Z"
                              : fmt::format("{}{:02}:{:02}", off < 0 ? '-' : '+', std::abs(off) / 3600,
                                            std::abs(off) % 3600 / 60);
  std::string line = fmt::format("{}.{:09}{} {} {} {}", date, e.time_nano % 1'000'000'000, zone, e.type, e.action, e.id);
  if (!e.attributes.empty()) {
    line += " (";
    bool first = true;
    for (const auto& [k, v] : e.attributes) {
      line += (first ? "" : ", ") + k + "=" + v;
      first = false;
    }
    line += ")";
  }
  return line;
}

// What a --format template sees: the Go struct's field names.
Json template_data(const engine::Event& e) {
  Json j = e.to_json();
  return {{"Status", j.value("status", "")},
          {"ID", j.value("id", "")},
          {"From", j.value("from", "")},
          {"Type", e.type},
          {"Action", e.action},
          {"Actor", {{"ID", e.id}, {"Attributes", e.attributes}}},
          {"Scope", "local"},
          {"Time", e.time_nano / 1'000'000'000},
          {"TimeNano", e.time_nano}};
}

volatile sig_atomic_t interrupted = 0;

Result<int> events(Context& ctx, const ParsedFlags& p) {
  int64_t now = engine::logs::now_unix_nanos();
  std::optional<int64_t> since, until;
  if (p.set("since")) {
    TRY_ASSIGN(since, engine::logs::parse_log_time(p.str("since"), "since", now));
  }
  if (p.set("until")) {
    TRY_ASSIGN(until, engine::logs::parse_log_time(p.str("until"), "until", now));
  }
  TRY_ASSIGN(auto filters, parse_filters(p.list("filter")));
  std::string format = p.str("format");
  bool json = format == "json" || format == "{{json .}}";
  std::optional<format::Template> tmpl;
  if (!format.empty() && !json) {
    auto t = format::parse_template(format);
    if (!t) return fail(ErrorKind::InvalidArgument, "template parsing error: {}", t.error().message());
    tmpl = std::move(*t);
  }
  std::string root = ctx.globals.root;
  // Without --since only what happens from now on is shown.
  int64_t from = since.value_or(now);
  bool print_failed = false;
  auto sink = [&](const engine::Event& e) {
    if (e.time_nano < from || (until && e.time_nano > *until) || !matches(e, filters)) return;
    std::string line;
    if (json) line = e.to_json().dump();
    else if (tmpl) {
      auto r = tmpl->execute(template_data(e));
      if (!r) {
        std::fprintf(stderr, "Error: template: %s\n", r.error().message().c_str());
        print_failed = true;
        return;
      }
      line = *r;
    } else {
      line = text_line(e);
    }
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  TRY(make_dirs(engine::events_dir(root), 0700));
  TRY_ASSIGN(auto watch, engine::logs::DirWatch::open(engine::events_dir(root)));
  struct sigaction sa {};
  sa.sa_handler = [](int) { interrupted = 1; };
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  engine::EventCursor cursor;
  while (!interrupted && !print_failed) {
    TRY(engine::read_events(root, cursor, sink));
    int64_t t = engine::logs::now_unix_nanos();
    if (until && t > *until) break;
    int wait_ms = 1000;
    if (until) wait_ms = static_cast<int>(std::min<int64_t>(wait_ms, (*until - t) / 1'000'000 + 1));
    watch.wait(wait_ms);
  }
  return print_failed ? 1 : 0;
}

}  // namespace

Command events_command() {
  return {"events",
          {"system events"},
          "[OPTIONS]",
          "Get real time events from the server",
          {{"filter", 'f', Flag::List, "", "Filter output based on conditions provided"},
           {"format", 0, Flag::String, "", "Format output using a custom template"},
           {"since", 0, Flag::String, "", "Show all events created since timestamp"},
           {"until", 0, Flag::String, "", "Stream events until this timestamp"}},
          events,
          0,
          0};
}

}  // namespace hako::cli
