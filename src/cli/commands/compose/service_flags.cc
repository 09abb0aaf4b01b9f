// What a service maps to: the `hako create`/`run` arguments for its
// settings (run_args), the Compose labels its containers carry, and the
// image it runs (built with `hako build` when it has build:).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "base/strings.h"
#include "cli/commands/compose/compose_internal.h"

namespace hako::cli::compose_cli {

// ---------------------------------------------------------------------------
// Service → `hako create` arguments

static std::string duration_flag(const Json& j) { return scalar(j); }

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
  // deploy: resources (limits: memory, cpus, pids; reservations: memory) and
  // restart_policy, as Compose maps them onto one engine. The service's own
  // keys (mem_limit, cpus, pids_limit, mem_reservation, restart) win.
  if (svc.contains("deploy") && svc["deploy"].is_object()) {
    const Json& d = svc["deploy"];
    const Json res = d.value("resources", Json::object());
    const Json lim = res.value("limits", Json::object());
    const Json rsv = res.value("reservations", Json::object());
    auto from = [&](const Json& obj, const char* key, const char* own, const char* flag) {
      if (obj.contains(key) && !obj[key].is_null() && !svc.contains(own)) add(flag, scalar(obj[key]));
    };
    from(lim, "memory", "mem_limit", "--memory");
    from(lim, "cpus", "cpus", "--cpus");
    from(lim, "pids", "pids_limit", "--pids-limit");
    from(rsv, "memory", "mem_reservation", "--memory-reservation");
    if (d.contains("restart_policy") && d["restart_policy"].is_object() && !svc.contains("restart")) {
      const Json& rp = d["restart_policy"];
      std::string cond = rp.contains("condition") ? scalar(rp["condition"]) : "any";
      if (cond == "none") {
        add("--restart", "no");
      } else if (cond == "on-failure") {
        add("--restart", rp.contains("max_attempts") ? "on-failure:" + scalar(rp["max_attempts"]) : "on-failure");
      } else {
        add("--restart", "always");
      }
    }
  }
  // secrets and configs from files: bind-mounted read-only, secrets at
  // /run/secrets/TARGET (default: the secret's name), configs at /TARGET.
  for (const char* kind : {"secrets", "configs"}) {
    if (!svc.contains(kind) || !svc[kind].is_array()) continue;
    const Json defs = l.project.model.value(kind, Json::object());
    bool secret = std::string_view(kind) == "secrets";
    for (const auto& item : svc[kind]) {
      std::string source = item.is_object() ? scalar(item.value("source", Json(""))) : scalar(item);
      if (!defs.contains(source)) {
        return fail(ErrorKind::InvalidArgument, "service \"{}\" refers to undefined {} {}", service,
                    secret ? "secret" : "config", source);
      }
      const Json& def = defs[source];
      if (!def.contains("file")) {
        return fail(ErrorKind::NotSupported, "{} \"{}\": only file-based {} are supported", secret ? "secret" : "config",
                    source, kind);
      }
      std::string target = item.is_object() && item.contains("target") ? scalar(item["target"]) : source;
      if (!target.starts_with("/")) target = (secret ? "/run/secrets/" : "/") + target;
      add("--mount", "type=bind,source=" + scalar(def["file"]) + ",target=" + target + ",readonly");
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

}  // namespace hako::cli::compose_cli
