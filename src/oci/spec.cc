#include "oci/spec.h"

#include <sched.h>

#include <set>

#include "base/files.h"

namespace hako::oci {

std::string_view to_string(NamespaceType t) {
  switch (t) {
    case NamespaceType::Pid: return "pid";
    case NamespaceType::Network: return "network";
    case NamespaceType::Mount: return "mount";
    case NamespaceType::Ipc: return "ipc";
    case NamespaceType::Uts: return "uts";
    case NamespaceType::User: return "user";
    case NamespaceType::Cgroup: return "cgroup";
    case NamespaceType::Time: return "time";
  }
  return "?";
}

std::optional<NamespaceType> namespace_type_from(std::string_view s) {
  for (auto t : {NamespaceType::Pid, NamespaceType::Network, NamespaceType::Mount, NamespaceType::Ipc,
                 NamespaceType::Uts, NamespaceType::User, NamespaceType::Cgroup, NamespaceType::Time})
    if (to_string(t) == s) return t;
  return std::nullopt;
}

int clone_flag(NamespaceType t) {
  switch (t) {
    case NamespaceType::Pid: return CLONE_NEWPID;
    case NamespaceType::Network: return CLONE_NEWNET;
    case NamespaceType::Mount: return CLONE_NEWNS;
    case NamespaceType::Ipc: return CLONE_NEWIPC;
    case NamespaceType::Uts: return CLONE_NEWUTS;
    case NamespaceType::User: return CLONE_NEWUSER;
    case NamespaceType::Cgroup: return CLONE_NEWCGROUP;
    case NamespaceType::Time: return CLONE_NEWTIME;
  }
  return 0;
}

std::string_view proc_ns_name(NamespaceType t) {
  switch (t) {
    case NamespaceType::Pid: return "pid";
    case NamespaceType::Network: return "net";
    case NamespaceType::Mount: return "mnt";
    case NamespaceType::Ipc: return "ipc";
    case NamespaceType::Uts: return "uts";
    case NamespaceType::User: return "user";
    case NamespaceType::Cgroup: return "cgroup";
    case NamespaceType::Time: return "time";
  }
  return "?";
}

const Namespace* Spec::find_namespace(NamespaceType t) const {
  if (!linux) return nullptr;
  for (const auto& ns : linux->namespaces)
    if (ns.type == t) return &ns;
  return nullptr;
}

namespace {

template <typename T>
Result<T> narrow_uint(std::optional<uint64_t> v, const std::string& path, uint64_t max) {
  if (v && *v > max) return fail(ErrorKind::InvalidArgument, "{}: {} is out of range", path, *v);
  return static_cast<T>(v.value_or(0));
}

Result<std::vector<IdMapping>> parse_id_mappings(const JsonObject& o, const char* key) {
  std::vector<IdMapping> out;
  TRY_ASSIGN(auto items, o.objects(key));
  for (const auto& m : items) {
    IdMapping map;
    for (auto [field, dest] : {std::pair{"containerID", &map.container_id}, std::pair{"hostID", &map.host_id},
                               std::pair{"size", &map.size}}) {
      TRY_ASSIGN(auto v, m.opt_uint(field));
      if (!v) return fail(ErrorKind::InvalidArgument, "{}: required field is missing", m.child_path(field));
      TRY_ASSIGN(*dest, narrow_uint<uint32_t>(v, m.child_path(field), UINT32_MAX));
    }
    out.push_back(map);
  }
  return out;
}

Result<std::vector<Hook>> parse_hooks(const JsonObject& o, const char* key) {
  std::vector<Hook> out;
  TRY_ASSIGN(auto items, o.objects(key));
  for (const auto& h : items) {
    Hook hook;
    TRY_ASSIGN(hook.path, h.string("path"));
    TRY_ASSIGN(hook.args, h.strings("args"));
    TRY_ASSIGN(hook.env, h.strings("env"));
    TRY_ASSIGN(auto timeout, h.opt_int("timeout"));
    if (timeout) {
      if (*timeout <= 0) return fail(ErrorKind::InvalidArgument, "{}: must be greater than zero", h.child_path("timeout"));
      hook.timeout = static_cast<int>(*timeout);
    }
    out.push_back(std::move(hook));
  }
  return out;
}

Result<Capabilities> parse_capabilities(const JsonObject& o) {
  Capabilities c;
  TRY_ASSIGN(c.bounding, o.strings("bounding"));
  TRY_ASSIGN(c.effective, o.strings("effective"));
  TRY_ASSIGN(c.inheritable, o.strings("inheritable"));
  TRY_ASSIGN(c.permitted, o.strings("permitted"));
  TRY_ASSIGN(c.ambient, o.strings("ambient"));
  return c;
}

Result<Mount> parse_mount(const JsonObject& o) {
  Mount m;
  TRY_ASSIGN(m.destination, o.string("destination"));
  TRY_ASSIGN(auto type, o.opt_string("type"));
  m.type = type.value_or("");
  TRY_ASSIGN(auto source, o.opt_string("source"));
  m.source = source.value_or("");
  TRY_ASSIGN(m.options, o.strings("options"));
  TRY_ASSIGN(m.uid_mappings, parse_id_mappings(o, "uidMappings"));
  TRY_ASSIGN(m.gid_mappings, parse_id_mappings(o, "gidMappings"));
  return m;
}

Result<Linux> parse_linux(const JsonObject& o) {
  Linux l;
  TRY_ASSIGN(auto namespaces, o.objects("namespaces"));
  for (const auto& n : namespaces) {
    TRY_ASSIGN(auto type, n.string("type"));
    auto t = namespace_type_from(type);
    if (!t) return fail(ErrorKind::InvalidArgument, "{}: unknown namespace type \"{}\"", n.child_path("type"), type);
    TRY_ASSIGN(auto path, n.opt_string("path"));
    l.namespaces.push_back({*t, path.value_or("")});
  }
  TRY_ASSIGN(l.uid_mappings, parse_id_mappings(o, "uidMappings"));
  TRY_ASSIGN(l.gid_mappings, parse_id_mappings(o, "gidMappings"));
  TRY_ASSIGN(auto offsets, o.opt_object("timeOffsets"));
  if (offsets) {
    for (auto [clock, dest] : {std::pair{"monotonic", &l.monotonic_offset}, std::pair{"boottime", &l.boottime_offset}}) {
      TRY_ASSIGN(auto off, offsets->opt_object(clock));
      if (!off) continue;
      TRY_ASSIGN(auto secs, off->opt_int("secs"));
      TRY_ASSIGN(auto nsecs, off->opt_uint("nanosecs"));
      TRY_ASSIGN(auto ns, narrow_uint<uint32_t>(nsecs, off->child_path("nanosecs"), 999999999));
      *dest = TimeOffset{secs.value_or(0), ns};
    }
  }
  TRY_ASSIGN(auto devices, o.objects("devices"));
  for (const auto& d : devices) {
    Device dev;
    TRY_ASSIGN(auto type, d.string("type"));
    if (type.size() != 1 || std::string_view("cbup").find(type[0]) == std::string_view::npos)
      return fail(ErrorKind::InvalidArgument, "{}: unknown device type \"{}\"", d.child_path("type"), type);
    dev.type = type[0];
    TRY_ASSIGN(dev.path, d.string("path"));
    TRY_ASSIGN(auto major, d.opt_int("major"));
    TRY_ASSIGN(auto minor, d.opt_int("minor"));
    if (dev.type != 'p' && (!major || !minor))
      return fail(ErrorKind::InvalidArgument, "{}: major and minor are required for device type {}", d.path(), type);
    dev.major = major.value_or(0);
    dev.minor = minor.value_or(0);
    TRY_ASSIGN(auto mode, d.opt_uint("fileMode"));
    if (mode) dev.file_mode = static_cast<uint32_t>(*mode);
    TRY_ASSIGN(auto uid, d.opt_uint("uid"));
    if (uid) dev.uid = static_cast<uint32_t>(*uid);
    TRY_ASSIGN(auto gid, d.opt_uint("gid"));
    if (gid) dev.gid = static_cast<uint32_t>(*gid);
    l.devices.push_back(std::move(dev));
  }
  TRY_ASSIGN(auto cgroups_path, o.opt_string("cgroupsPath"));
  l.cgroups_path = cgroups_path.value_or("");
  if (const Json* r = o.raw("resources")) {
    TRY(JsonObject::of(*r, o.child_path("resources")));
    l.resources = *r;
  }
  TRY_ASSIGN(auto prop, o.opt_string("rootfsPropagation"));
  l.rootfs_propagation = prop.value_or("");
  if (const Json* s = o.raw("seccomp")) {
    TRY(JsonObject::of(*s, o.child_path("seccomp")));
    l.seccomp = *s;
  }
  TRY_ASSIGN(l.sysctl, o.string_map("sysctl"));
  TRY_ASSIGN(l.masked_paths, o.strings("maskedPaths"));
  TRY_ASSIGN(l.readonly_paths, o.strings("readonlyPaths"));
  TRY_ASSIGN(auto label, o.opt_string("mountLabel"));
  l.mount_label = label.value_or("");
  TRY_ASSIGN(auto personality, o.opt_object("personality"));
  if (personality) {
    TRY_ASSIGN(auto domain, personality->string("domain"));
    l.personality_domain = domain;
  }
  return l;
}

}  // namespace

Result<Process> parse_process(const JsonObject& o) {
  Process p;
  TRY_ASSIGN(auto terminal, o.opt_bool("terminal"));
  p.terminal = terminal.value_or(false);
  TRY_ASSIGN(auto console, o.opt_object("consoleSize"));
  if (console) {
    TRY_ASSIGN(auto h, console->opt_uint("height"));
    TRY_ASSIGN(auto w, console->opt_uint("width"));
    p.console_height = static_cast<unsigned>(h.value_or(0));
    p.console_width = static_cast<unsigned>(w.value_or(0));
  }
  TRY_ASSIGN(p.cwd, o.string("cwd"));
  TRY_ASSIGN(p.env, o.strings("env"));
  TRY_ASSIGN(p.args, o.strings("args"));
  TRY_ASSIGN(auto user, o.opt_object("user"));
  if (!user) return fail(ErrorKind::InvalidArgument, "{}: required field is missing", o.child_path("user"));
  TRY_ASSIGN(auto uid, user->opt_uint("uid"));
  TRY_ASSIGN(p.user.uid, narrow_uint<uint32_t>(uid, user->child_path("uid"), UINT32_MAX));
  TRY_ASSIGN(auto gid, user->opt_uint("gid"));
  TRY_ASSIGN(p.user.gid, narrow_uint<uint32_t>(gid, user->child_path("gid"), UINT32_MAX));
  TRY_ASSIGN(auto umask, user->opt_uint("umask"));
  if (umask) p.user.umask = static_cast<uint32_t>(*umask & 07777);
  if (const Json* g = user->raw("additionalGids")) {
    if (!g->is_array()) return fail(ErrorKind::InvalidArgument, "{}: expected an array", user->child_path("additionalGids"));
    for (const auto& e : *g) {
      if (!e.is_number_unsigned() || e.get<uint64_t>() > UINT32_MAX)
        return fail(ErrorKind::InvalidArgument, "{}: expected group ids", user->child_path("additionalGids"));
      p.user.additional_gids.push_back(e.get<uint32_t>());
    }
  }
  TRY_ASSIGN(auto username, user->opt_string("username"));
  p.user.username = username.value_or("");
  TRY_ASSIGN(auto caps, o.opt_object("capabilities"));
  if (caps) {
    TRY_ASSIGN(auto c, parse_capabilities(*caps));
    p.capabilities = std::move(c);
  }
  TRY_ASSIGN(auto rlimits, o.objects("rlimits"));
  for (const auto& r : rlimits) {
    Rlimit rl;
    TRY_ASSIGN(rl.type, r.string("type"));
    TRY_ASSIGN(auto soft, r.opt_uint("soft"));
    TRY_ASSIGN(auto hard, r.opt_uint("hard"));
    if (!soft || !hard) return fail(ErrorKind::InvalidArgument, "{}: soft and hard are required", r.path());
    rl.soft = *soft;
    rl.hard = *hard;
    p.rlimits.push_back(std::move(rl));
  }
  TRY_ASSIGN(auto nnp, o.opt_bool("noNewPrivileges"));
  p.no_new_privileges = nnp.value_or(false);
  TRY_ASSIGN(auto oom, o.opt_int("oomScoreAdj"));
  if (oom) p.oom_score_adj = static_cast<int>(*oom);
  TRY_ASSIGN(auto apparmor, o.opt_string("apparmorProfile"));
  p.apparmor_profile = apparmor.value_or("");
  TRY_ASSIGN(auto selinux, o.opt_string("selinuxLabel"));
  p.selinux_label = selinux.value_or("");
  return p;
}

Result<Spec> parse_spec(const Json& doc) {
  TRY_ASSIGN(auto o, JsonObject::of(doc, ""));
  Spec s;
  TRY_ASSIGN(s.oci_version, o.string("ociVersion"));
  TRY_ASSIGN(auto root, o.opt_object("root"));
  if (root) {
    TRY_ASSIGN(s.root_path, root->string("path"));
    TRY_ASSIGN(auto ro, root->opt_bool("readonly"));
    s.root_readonly = ro.value_or(false);
  }
  TRY_ASSIGN(auto process, o.opt_object("process"));
  if (process) {
    TRY_ASSIGN(auto p, parse_process(*process));
    s.process = std::move(p);
  }
  TRY_ASSIGN(auto hostname, o.opt_string("hostname"));
  s.hostname = hostname.value_or("");
  TRY_ASSIGN(auto domainname, o.opt_string("domainname"));
  s.domainname = domainname.value_or("");
  TRY_ASSIGN(auto mounts, o.objects("mounts"));
  for (const auto& m : mounts) {
    TRY_ASSIGN(auto mount, parse_mount(m));
    s.mounts.push_back(std::move(mount));
  }
  TRY_ASSIGN(auto hooks, o.opt_object("hooks"));
  if (hooks) {
    TRY_ASSIGN(s.hooks.prestart, parse_hooks(*hooks, "prestart"));
    TRY_ASSIGN(s.hooks.create_runtime, parse_hooks(*hooks, "createRuntime"));
    TRY_ASSIGN(s.hooks.create_container, parse_hooks(*hooks, "createContainer"));
    TRY_ASSIGN(s.hooks.start_container, parse_hooks(*hooks, "startContainer"));
    TRY_ASSIGN(s.hooks.poststart, parse_hooks(*hooks, "poststart"));
    TRY_ASSIGN(s.hooks.poststop, parse_hooks(*hooks, "poststop"));
  }
  TRY_ASSIGN(s.annotations, o.string_map("annotations"));
  TRY_ASSIGN(auto linux, o.opt_object("linux"));
  if (linux) {
    TRY_ASSIGN(auto l, parse_linux(*linux));
    s.linux = std::move(l);
  }
  return s;
}

Result<Spec> load_spec(const std::string& config_path) {
  TRY_ASSIGN(auto text, read_file(config_path));
  TRY_ASSIGN(auto doc, parse_json(text, config_path));
  auto spec = parse_spec(doc);
  if (!spec) return std::unexpected(spec.error().context(config_path));
  return spec;
}

Result<> validate_spec(const Spec& s) {
  auto bad = [](std::string m) { return fail(ErrorKind::InvalidArgument, "{}", m); };
  if (!s.oci_version.starts_with("1."))
    return bad(fmt::format("ociVersion: unsupported version \"{}\" (hako supports 1.x)", s.oci_version));
  if (s.root_path.empty()) return bad("root.path: required field is missing");
  if (s.process) {
    if (s.process->cwd.empty() || s.process->cwd[0] != '/')
      return bad(fmt::format("process.cwd: must be an absolute path, got \"{}\"", s.process->cwd));
    std::set<std::string> rlimit_types;
    for (const auto& r : s.process->rlimits)
      if (!rlimit_types.insert(r.type).second)
        return bad(fmt::format("process.rlimits: {} is listed twice", r.type));
  }
  if (s.linux) {
    std::set<NamespaceType> seen;
    for (const auto& ns : s.linux->namespaces) {
      if (!seen.insert(ns.type).second)
        return bad(fmt::format("linux.namespaces: namespace \"{}\" is listed twice", to_string(ns.type)));
    }
    bool userns = seen.contains(NamespaceType::User);
    if (!userns && (!s.linux->uid_mappings.empty() || !s.linux->gid_mappings.empty()))
      return bad("linux.uidMappings: mappings are given but there is no user namespace");
    if (userns && !s.find_namespace(NamespaceType::User)->path.empty() && !s.linux->uid_mappings.empty())
      return bad("linux.uidMappings: mappings cannot be set when joining an existing user namespace");
    if ((s.linux->monotonic_offset || s.linux->boottime_offset) && !seen.contains(NamespaceType::Time))
      return bad("linux.timeOffsets: offsets are given but there is no time namespace");
    if (!s.hostname.empty() && !seen.contains(NamespaceType::Uts))
      return bad("hostname: setting a hostname requires a new uts namespace");
    static const std::set<std::string> propagations = {"", "shared", "slave", "private", "unbindable",
                                                       "rshared", "rslave", "rprivate", "runbindable"};
    if (!propagations.contains(s.linux->rootfs_propagation))
      return bad(fmt::format("linux.rootfsPropagation: unknown propagation \"{}\"", s.linux->rootfs_propagation));
    for (const auto& d : s.linux->devices)
      if (d.path.empty() || d.path[0] != '/')
        return bad(fmt::format("linux.devices: path must be absolute, got \"{}\"", d.path));
  } else if (!s.hostname.empty()) {
    return bad("hostname: setting a hostname requires a new uts namespace");
  }
  return {};
}

}  // namespace hako::oci
