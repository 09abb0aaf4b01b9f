// parse_run_options: docker/cli's flag values and parse(), then the checks
// the daemon makes on the config before it touches the host, in that order,
// so the first error is the one Docker would print.
#include "engine/spec/run_options.h"

#include "network/address.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "base/files.h"
#include "base/json.h"
#include "base/strings.h"
#include "engine/spec/tmpfs.h"
#include "engine/spec/values.h"

namespace hako::engine {

namespace {

constexpr int64_t kMinMemory = 6 * 1024 * 1024;
constexpr int64_t kMinHealthDuration = 1000000;  // 1ms

class Flags {
 public:
  Flags(const FlagValues& values, const std::vector<FlagSpec>& specs) : values_(values), specs_(specs) {}

  Result<> check_known() const {
    for (const auto& [name, _] : values_)
      if (!spec(name)) return fail(ErrorKind::InvalidArgument, "unknown flag: --{}", name);
    return {};
  }
  bool given(const std::string& name) const { return values_.contains(name); }
  std::optional<std::string> last(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
  }
  std::string str(const std::string& name) const { return last(name).value_or(""); }
  std::vector<std::string> all(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
  }

  // pflag's wrapping of a value error: invalid argument "v" for "-m, --memory" flag: ...
  Error invalid(const std::string& name, const std::string& value, const Error& inner) const {
    const FlagSpec* f = spec(name);
    std::string label = f && f->shorthand ? fmt::format("-{}, --{}", f->shorthand, name) : "--" + name;
    return Error(ErrorKind::InvalidArgument,
                 fmt::format("invalid argument \"{}\" for \"{}\" flag: {}", value, label, inner.message()));
  }

  Result<bool> boolean(const std::string& name, bool def = false) const {
    auto v = last(name);
    if (!v) return def;
    if (v->empty()) return true;
    auto b = parse_go_bool(*v);
    if (!b) return std::unexpected(invalid(name, *v, b.error()));
    return *b;
  }
  // Parses the last value with `parse`, wrapping its error; `def` when absent.
  template <typename T, typename F>
  Result<T> value(const std::string& name, T def, F parse) const {
    auto v = last(name);
    if (!v) return def;
    auto r = parse(*v);
    if (!r) return std::unexpected(invalid(name, *v, r.error()));
    return static_cast<T>(*r);
  }
  // Validates every value with `check` (a list flag's Set), wrapping errors.
  template <typename F>
  Result<std::vector<std::string>> each(const std::string& name, F check) const {
    std::vector<std::string> out;
    for (const auto& v : all(name)) {
      auto r = check(v);
      if (!r) return std::unexpected(invalid(name, v, r.error()));
      out.push_back(std::move(*r));
    }
    return out;
  }

 private:
  const FlagSpec* spec(const std::string& name) const {
    for (const auto& f : specs_)
      if (f.name == name) return &f;
    return nullptr;
  }
  const FlagValues& values_;
  const std::vector<FlagSpec>& specs_;
};

Result<int64_t> parse_swap_bytes(std::string_view s) {
  if (s == "-1") return -1;
  return parse_ram_bytes(s);
}

Result<int64_t> parse_go_int32(std::string_view s) {
  TRY_ASSIGN(int64_t v, parse_go_int(s));
  if (v > INT32_MAX || v < INT32_MIN)
    return fail(ErrorKind::InvalidArgument, "strconv.ParseInt: parsing \"{}\": value out of range", s);
  return v;
}

// opts.ValidateLabel.
Result<std::string> validate_label(const std::string& value) {
  std::string key = value.substr(0, value.find('='));
  key.erase(0, key.find_first_not_of(" \t"));
  if (key.empty()) return fail(ErrorKind::InvalidArgument, "invalid label '{}': empty name", value);
  if (key.find_first_of(" \t") != std::string::npos)
    return fail(ErrorKind::InvalidArgument, "label '{}' contains whitespaces", key);
  return value;
}

// opts.ValidateSysctl: the namespaced sysctls Docker allows.
Result<std::string> validate_sysctl(const std::string& value) {
  static const std::set<std::string> allowed = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
                                                "kernel.sem",    "kernel.shmall", "kernel.shmmax",
                                                "kernel.shmmni", "kernel.shm_rmid_forced"};
  size_t eq = value.find('=');
  std::string key = value.substr(0, eq);
  if (eq == std::string::npos || key.empty() ||
      !(allowed.contains(key) || key.starts_with("net.") || key.starts_with("fs.mqueue.")))
    return fail(ErrorKind::InvalidArgument, "sysctl '{}' is not allowed", value);
  return value;
}

Result<std::string> validate_attach(const std::string& value) {
  std::string s;
  for (char c : value) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "stdin" || s == "stdout" || s == "stderr") return s;
  return fail(ErrorKind::InvalidArgument, "valid streams are STDIN, STDOUT and STDERR");
}

// ConvertKVStringsToMap: KEY alone maps to "".
std::map<std::string, std::string> kv_map(const std::vector<std::string>& values) {
  std::map<std::string, std::string> out;
  for (const auto& v : values) {
    size_t eq = v.find('=');
    out[v.substr(0, eq)] = eq == std::string::npos ? "" : v.substr(eq + 1);
  }
  return out;
}

// Syntax of a cpuset list: "0-3,5,7-8".
Result<> validate_cpuset(const std::string& value) {
  if (value.empty()) return {};
  for (const auto& part : split(value, ',')) {
    auto range = split(part, '-');
    bool ok = range.size() <= 2;
    for (const auto& n : range) ok = ok && !n.empty() && n.find_first_not_of("0123456789") == std::string::npos;
    if (ok && range.size() == 2) ok = *parse_int(range[0]) <= *parse_int(range[1]);
    if (!ok)
      return fail(ErrorKind::InvalidArgument, "Invalid value {} for cpuset cpus: invalid format: {}", value, value);
  }
  return {};
}

// docker/cli parseSecurityOpts (reads seccomp profiles, handles
// systempaths=unconfined) followed by the daemon's parseSecurityOpt.
Result<> parse_security_opts(const std::vector<std::string>& opts, RunOptions& o) {
  auto quoted = [](const std::string& s) { return "\"" + s + "\""; };
  for (const auto& opt : opts) {
    if (opt == "systempaths=unconfined") {
      o.security.system_paths_unconfined = true;
      continue;
    }
    size_t cut = opt.find('=');
    if (cut == std::string::npos && opt != "no-new-privileges") cut = opt.find(':');
    std::string k = opt.substr(0, cut);
    std::string v = cut == std::string::npos ? "" : opt.substr(cut + 1);
    if ((cut == std::string::npos || v.empty()) && k != "no-new-privileges")
      return fail(ErrorKind::InvalidArgument, "invalid --security-opt: {}", quoted(opt));
    if (opt == "no-new-privileges") {
      o.security.no_new_privileges = true;
      continue;
    }
    if (k == "seccomp") {
      if (v == "builtin") {
        o.security.seccomp = SeccompMode::Default;
      } else if (v == "unconfined") {
        o.security.seccomp = SeccompMode::Unconfined;
      } else {
        auto text = read_file_go(v);
        if (!text)
          return fail(ErrorKind::InvalidArgument, "opening seccomp profile ({}) failed: {}", v,
                      text.error().message());
        auto doc = parse_json(*text, v);
        if (!doc)
          return fail(ErrorKind::InvalidArgument, "compacting json for seccomp profile ({}) failed: {}", v,
                      doc.error().message());
        o.security.seccomp = SeccompMode::Custom;
        o.security.seccomp_profile = std::move(*text);
        o.security.seccomp_profile_path = v;
      }
    } else if (k == "no-new-privileges") {
      auto b = parse_go_bool(v);
      if (!b) return fail(ErrorKind::InvalidArgument, "invalid --security-opt 2: {}", quoted(opt));
      o.security.no_new_privileges = *b;
    } else if (k == "label" || k == "apparmor") {
      o.notes.push_back(fmt::format("--security-opt {}: ignored, hako does not use {}", opt,
                                    k == "label" ? "SELinux" : "AppArmor"));
    } else {
      return fail(ErrorKind::InvalidArgument, "invalid --security-opt 2: {}", quoted(opt));
    }
  }
  return {};
}

Result<> parse_health(const Flags& f, RunOptions& o) {
  HealthFlags& h = o.health;
  h.cmd = f.str("health-cmd");
  TRY_ASSIGN(h.interval, f.value("health-interval", int64_t{0}, parse_go_duration));
  TRY_ASSIGN(h.timeout, f.value("health-timeout", int64_t{0}, parse_go_duration));
  TRY_ASSIGN(h.start_period, f.value("health-start-period", int64_t{0}, parse_go_duration));
  TRY_ASSIGN(h.start_interval, f.value("health-start-interval", int64_t{0}, parse_go_duration));
  TRY_ASSIGN(h.retries, f.value("health-retries", 0, parse_go_int32));
  TRY_ASSIGN(h.disabled, f.boolean("no-healthcheck"));
  if (h.disabled) {
    if (h.any()) return fail(ErrorKind::InvalidArgument, "--no-healthcheck conflicts with --health-* options");
    return {};
  }
  if (!h.any()) return {};
  for (auto [value, name] : {std::pair{h.interval, "interval"}, std::pair{h.timeout, "timeout"},
                             std::pair{static_cast<int64_t>(h.retries), "retries"},
                             std::pair{h.start_period, "start-period"}, std::pair{h.start_interval, "start-interval"}})
    if (value < 0) return fail(ErrorKind::InvalidArgument, "--health-{} cannot be negative", name);
  // The daemon's validateHealthCheck.
  for (auto [value, name] : {std::pair{h.interval, "Interval"}, std::pair{h.timeout, "Timeout"},
                             std::pair{h.start_period, "StartPeriod"}, std::pair{h.start_interval, "StartInterval"}})
    if (value != 0 && value < kMinHealthDuration)
      return fail(ErrorKind::InvalidArgument, "{} in Healthcheck cannot be less than 1ms", name);
  return {};
}

Result<> parse_resources(const Flags& f, RunOptions& o) {
  TRY_ASSIGN(o.memory, f.value("memory", int64_t{0}, parse_ram_bytes));
  TRY_ASSIGN(o.memory_reservation, f.value("memory-reservation", int64_t{0}, parse_ram_bytes));
  TRY_ASSIGN(o.memory_swap, f.value("memory-swap", int64_t{0}, parse_swap_bytes));
  TRY_ASSIGN(o.shm_size, f.value("shm-size", int64_t{0}, parse_ram_bytes));
  TRY_ASSIGN(o.nano_cpus, f.value("cpus", int64_t{0}, parse_nano_cpus));
  TRY_ASSIGN(o.cpu_shares, f.value("cpu-shares", int64_t{0}, parse_go_int));
  TRY_ASSIGN(o.pids_limit, f.value("pids-limit", int64_t{0}, parse_go_int));
  TRY_ASSIGN(o.oom_score_adj, f.value("oom-score-adj", 0, parse_go_int32));
  o.cpuset_cpus = f.str("cpuset-cpus");
  std::map<std::string, Ulimit> ulimits;
  for (const auto& v : f.all("ulimit")) {
    auto u = parse_ulimit(v);
    if (!u) return std::unexpected(f.invalid("ulimit", v, u.error()));
    ulimits[u->name] = *u;
  }
  for (auto& [_, u] : ulimits) o.ulimits.push_back(u);
  return {};
}

// The daemon's verifyPlatformContainerResources checks that need no host
// facts, then the other host-config range checks.
Result<> verify_resources(const RunOptions& o) {
  auto bad = [](const char* m) { return fail(ErrorKind::InvalidArgument, "{}", m); };
  if (o.memory != 0 && o.memory < kMinMemory) return bad("Minimum memory limit allowed is 6MB");
  if (o.memory > 0 && o.memory_swap > 0 && o.memory_swap < o.memory)
    return bad("Minimum memoryswap limit should be larger than memory limit, see usage");
  if (o.memory == 0 && o.memory_swap > 0)
    return bad("You should always set the Memory limit when using Memoryswap limit, see usage");
  if (o.memory_reservation > 0 && o.memory_reservation < kMinMemory)
    return bad("Minimum memory reservation allowed is 6MB");
  if (o.memory > 0 && o.memory_reservation > 0 && o.memory < o.memory_reservation)
    return bad("Minimum memory limit can not be less than memory reservation limit, see usage");
  if (o.nano_cpus != 0) {
    int64_t n = host_cpu_count();
    if (o.nano_cpus < 0 || o.nano_cpus > n * 1000000000)
      return fail(ErrorKind::InvalidArgument, "range of CPUs is from 0.01 to {}.00, as there are only {} CPUs available",
                  n, n);
  }
  if (o.cpu_shares < 0)
    return fail(ErrorKind::InvalidArgument, "invalid CPU shares ({}): value must be a positive integer", o.cpu_shares);
  TRY(validate_cpuset(o.cpuset_cpus));
  if (o.shm_size < 0) return bad("SHM size can not be less than 0");
  if (o.oom_score_adj < -1000 || o.oom_score_adj > 1000)
    return fail(ErrorKind::InvalidArgument, "Invalid value {}, range for oom score adj is [-1000, 1000]",
                o.oom_score_adj);
  return {};
}

Result<> parse_logging(const Flags& f, RunOptions& o) {
  std::string driver = f.str("log-driver");
  auto opts = f.all("log-opt");
  if (driver == "none" && !opts.empty())
    return fail(ErrorKind::InvalidArgument, "invalid logging opts for driver {}", driver);
  o.log_opts = kv_map(opts);
  if (!driver.empty() && driver != "json-file" && driver != "none")
    return fail(ErrorKind::NotSupported, "logger: no log driver named '{}' is registered", driver);
  if (!driver.empty()) o.log_driver = driver;
  if (o.log_driver == "json-file") {
    static const std::set<std::string> known = {"max-file", "max-size", "compress", "env",
                                                "env-regex", "labels",  "labels-regex", "tag"};
    for (const auto& [k, _] : o.log_opts)
      if (!known.contains(k)) return fail(ErrorKind::InvalidArgument, "unknown log opt '{}' for json-file log driver", k);
  }
  return {};
}

// The network flags, with the CLI's and the daemon's messages.
Result<> parse_network_flags(const Flags& f, RunOptions& o) {
  for (const auto& v : f.all("publish")) {
    auto specs = network::parse_publish(v);
    if (!specs) return std::unexpected(f.invalid("publish", v, specs.error()));
    o.publish.insert(o.publish.end(), specs->begin(), specs->end());
  }
  TRY_ASSIGN(o.publish_all, f.boolean("publish-all"));
  for (const auto& v : f.all("expose")) {
    auto ports = network::parse_expose(v);
    if (!ports) return fail(ErrorKind::InvalidArgument, "invalid range format for --expose: {}", v);
    o.expose.insert(o.expose.end(), ports->begin(), ports->end());
  }
  if (auto ip = f.str("ip"); !ip.empty()) {
    if (!network::Ipv4::parse(ip)) return fail(ErrorKind::InvalidArgument, "{} is not an ip address", ip);
    o.ip = ip;
  }
  if (auto mac = f.str("mac-address"); !mac.empty()) {
    if (!network::Mac::parse(mac)) return fail(ErrorKind::InvalidArgument, "{} is not a valid mac address", mac);
    o.mac_address = mac;
  }
  TRY_ASSIGN(o.dns, f.each("dns", [](const std::string& v) -> Result<std::string> {
    if (!network::Ipv4::parse(v)) return fail(ErrorKind::InvalidArgument, "{} is not an ip address", v);
    return v;
  }));
  o.dns_search = f.all("dns-search");
  o.dns_options = f.all("dns-option");
  TRY_ASSIGN(o.add_hosts, f.each("add-host", [](const std::string& v) -> Result<std::string> {
    // host:ip, and Docker's newer host=ip; the address may be host-gateway.
    size_t sep = v.find_first_of(":=");
    if (sep == std::string::npos || sep == 0 || sep + 1 == v.size())
      return fail(ErrorKind::InvalidArgument, "bad format for add-host: \"{}\"", v);
    std::string ip = v.substr(sep + 1);
    if (ip != "host-gateway" && !network::Ipv4::parse(ip))
      return fail(ErrorKind::InvalidArgument, "invalid IP address in add-host: \"{}\"", ip);
    return v.substr(0, sep) + ":" + ip;
  }));
  o.network_aliases = f.all("network-alias");
  const std::string& n = o.network;
  bool user_network = !n.empty() && n != "bridge" && n != "default" && n != "host" && n != "none" &&
                      !n.starts_with("container:");
  if (!user_network && !o.network_aliases.empty())
    return fail(ErrorKind::InvalidArgument, "network-scoped alias is supported only for containers in user defined networks");
  if (!user_network && !o.ip.empty())
    return fail(ErrorKind::InvalidArgument, "user specified IP address is supported on user defined networks only");
  if (n.starts_with("container:")) {
    if (n.size() == 10) return fail(ErrorKind::InvalidArgument, "invalid container format container:<name|id>");
    if (!o.publish.empty() || o.publish_all)
      return fail(ErrorKind::InvalidArgument, "conflicting options: port publishing and the container type network mode");
    if (!o.hostname.empty())
      return fail(ErrorKind::InvalidArgument, "conflicting options: hostname and the network mode");
    if (!o.dns.empty() || !o.dns_search.empty() || !o.dns_options.empty())
      return fail(ErrorKind::InvalidArgument, "conflicting options: dns and the network mode");
    if (!o.add_hosts.empty())
      return fail(ErrorKind::InvalidArgument, "conflicting options: custom host-to-IP mapping and the network mode");
    if (!o.mac_address.empty())
      return fail(ErrorKind::InvalidArgument, "conflicting options: mac-address and the network mode");
  }
  return {};
}

}  // namespace

Result<RunOptions> parse_run_options(const FlagValues& values, const std::vector<std::string>& args,
                                     const EnvLookup& lookup) {
  Flags f(values, run_flag_specs(true));
  TRY(f.check_known());
  RunOptions o;
  if (args.empty()) return fail(ErrorKind::InvalidArgument, "requires at least 1 argument");
  o.image = args[0];
  o.command.assign(args.begin() + 1, args.end());

  // Flag values (pflag's Set, in the order Docker's parse reads them).
  TRY_ASSIGN(o.detach, f.boolean("detach"));
  TRY_ASSIGN(o.interactive, f.boolean("interactive"));
  TRY_ASSIGN(o.tty, f.boolean("tty"));
  TRY_ASSIGN(o.rm, f.boolean("rm"));
  TRY_ASSIGN(o.init, f.boolean("init"));
  TRY_ASSIGN(o.read_only, f.boolean("read-only"));
  TRY_ASSIGN(o.privileged, f.boolean("privileged"));
  TRY_ASSIGN(o.sig_proxy, f.boolean("sig-proxy", true));
  TRY_ASSIGN(o.quiet, f.boolean("quiet"));
  TRY_ASSIGN(auto attach, f.each("attach", validate_attach));
  TRY_ASSIGN(auto env_flags, f.each("env", [&](const std::string& v) { return expand_env_flag(v, lookup); }));
  TRY_ASSIGN(auto label_flags, f.each("label", validate_label));
  TRY_ASSIGN(auto sysctls, f.each("sysctl", validate_sysctl));
  TRY_ASSIGN(o.stop_timeout, f.value("stop-timeout", std::optional<int>{}, parse_go_int32));
  TRY(parse_resources(f, o));
  TRY(parse_health(f, o));

  // pull and detach keys are checked by `run` before anything else is parsed.
  o.pull = f.last("pull").value_or("missing");
  if (o.pull != "always" && o.pull != "missing" && o.pull != "never")
    return fail(ErrorKind::InvalidArgument,
                "invalid pull option: '{}': must be one of \"always\", \"missing\" or \"never\"", o.pull);
  if (auto keys = f.last("detach-keys"); keys && !keys->empty()) {
    auto bytes = parse_key_sequence(*keys);
    if (!bytes) return fail(ErrorKind::InvalidArgument, "invalid detach keys ({}): {}", *keys, bytes.error().message());
    o.detach_keys = *keys;
    o.detach_key_bytes = *bytes;
  }

  // docker/cli parse().
  if (o.interactive) o.attach_stdin = true;
  if (!attach.empty()) {
    o.attach_stdin = o.attach_stdin || std::count(attach.begin(), attach.end(), "stdin");
    o.attach_stdout = std::count(attach.begin(), attach.end(), "stdout") > 0;
    o.attach_stderr = std::count(attach.begin(), attach.end(), "stderr") > 0;
  }
  o.volumes = f.all("volume");
  o.volumes_from = f.all("volumes-from");
  o.mounts = f.all("mount");
  std::map<std::string, std::string> tmpfs;
  for (const auto& t : f.all("tmpfs")) {
    size_t colon = t.find(':');
    tmpfs[t.substr(0, colon)] = colon == std::string::npos ? "" : t.substr(colon + 1);
  }
  for (auto& [dest, opts] : tmpfs) o.tmpfs.push_back({dest, opts});
  if (auto ep = f.last("entrypoint")) o.entrypoint = *ep;
  for (const auto& d : f.all("device")) {
    TRY_ASSIGN(auto dev, parse_device(d));
    o.devices.push_back(std::move(dev));
  }
  for (const auto& file : f.all("env-file")) {
    auto lines = parse_kv_file(file, lookup);
    if (!lines) return std::unexpected(lines.error().context("--env-file"));
    o.env.insert(o.env.end(), lines->begin(), lines->end());
  }
  o.env.insert(o.env.end(), env_flags.begin(), env_flags.end());
  std::vector<std::string> labels;
  for (const auto& file : f.all("label-file")) {
    auto lines = parse_kv_file(file, nullptr);
    if (!lines) return std::unexpected(lines.error().context("--label-file"));
    labels.insert(labels.end(), lines->begin(), lines->end());
  }
  labels.insert(labels.end(), label_flags.begin(), label_flags.end());
  o.labels = kv_map(labels);
  TRY_ASSIGN(o.restart, parse_restart_policy(f.str("restart")));
  TRY(parse_logging(f, o));
  TRY(parse_security_opts(f.all("security-opt"), o));
  o.sysctls = kv_map(sysctls);
  o.annotations = kv_map(f.all("annotation"));
  if (o.rm && !o.restart.none())
    return fail(ErrorKind::InvalidArgument, "conflicting options: cannot specify both --restart and --rm");
  if (o.detach) {
    if (!attach.empty())
      return fail(ErrorKind::InvalidArgument, "conflicting options: cannot specify both --attach and --detach");
    o.attach_stdin = o.attach_stdout = o.attach_stderr = false;
  }
  o.hostname = f.str("hostname");
  o.user = f.str("user");
  o.network = f.str("network");
  TRY(parse_network_flags(f, o));
  o.platform = f.str("platform");
  o.cidfile = f.str("cidfile");
  o.stop_signal = f.str("stop-signal");

  // The daemon: name, container config, host config, resources.
  if (auto name = f.last("name"); name && !name->empty()) {
    TRY_ASSIGN(o.name, validate_container_name(*name));
  }
  if (auto wd = f.str("workdir"); !wd.empty()) {
    if (wd[0] != '/')
      return fail(ErrorKind::InvalidArgument, "the working directory '{}' is invalid, it needs to be an absolute path",
                  wd);
    o.workdir = clean_path(wd);
  }
  if (!o.stop_signal.empty()) TRY(parse_signal_name(o.stop_signal));
  for (const char* which : {"cap-add", "cap-drop"}) {
    for (const auto& c : f.all(which)) {
      auto n = normalize_capability(c);
      if (!n) return std::unexpected(n.error().context(std::string_view(which) == "cap-add" ? "invalid CapAdd"
                                                                                            : "invalid CapDrop"));
      (std::string_view(which) == "cap-add" ? o.cap_add : o.cap_drop).push_back(*n);
    }
  }
  for (const auto& [k, _] : o.annotations)
    if (k.empty())
      return fail(ErrorKind::InvalidArgument, "invalid Annotations: the empty string is not permitted as an annotation key");
  TRY(verify_resources(o));
  for (const auto& t : o.tmpfs) {
    TRY(validate_tmpfs_destination(t.destination));
    TRY(tmpfs_mount_options(t.options));
  }
  return o;
}

}  // namespace hako::engine
