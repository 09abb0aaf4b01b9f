#include "compose/project.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "base/files.h"
#include "base/strings.h"
#include "compose/interpolate.h"
#include "compose/schema.h"
#include "compose/yaml.h"

namespace fs = std::filesystem;

namespace hako::compose {

namespace {

constexpr const char* kResources[] = {"networks", "volumes", "secrets", "configs"};

std::string dir_of(const std::string& p) {
  std::string d = fs::path(p).parent_path().string();
  return d.empty() ? "." : d;
}

std::string clean(const fs::path& p) {
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

std::string absolute_from(const std::string& base, const std::string& p, const Lookup& lookup = nullptr) {
  if (p.empty()) return base;
  if (p[0] == '~' && (p.size() == 1 || p[1] == '/')) {
    std::optional<std::string> home = lookup ? lookup("HOME") : std::nullopt;
    if (!home) {
      const char* h = getenv("HOME");
      if (h) home = h;
    }
    return clean(fs::path(home.value_or("/")) / p.substr(p.size() > 1 ? 2 : 1));
  }
  if (p[0] == '/') return clean(p);
  return clean(fs::path(base) / p);
}

std::string abs_path(const std::string& p) {
  std::error_code ec;
  return clean(fs::absolute(p, ec));
}

std::string scalar_string(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_float()) {
    std::string s = v.dump();
    return s;
  }
  if (v.is_number()) return v.dump();
  return "";
}

// --- interpolation and validation of one file --------------------------

int line_for(const YamlDoc& doc, std::string path) {
  while (true) {
    if (auto it = doc.lines.find(path); it != doc.lines.end()) return it->second;
    if (path.empty()) return 1;
    size_t cut = path.find_last_of(".[");
    path = cut == std::string::npos ? "" : path.substr(0, cut);
  }
}

Result<> interpolate_tree(Json& v, const std::string& path, const YamlDoc& doc, const std::string& what,
                          const Lookup& lookup, std::vector<std::string>& warnings) {
  if (v.is_string()) {
    auto r = interpolate(v.get<std::string>(), lookup, &warnings);
    if (!r) return fail(ErrorKind::InvalidArgument, "{}:{}: {}: {}", what, line_for(doc, path), path, r.error().message());
    v = *r;
  } else if (v.is_object()) {
    for (auto& [k, child] : v.items()) TRY(interpolate_tree(child, path_key(path, k), doc, what, lookup, warnings));
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) TRY(interpolate_tree(v[i], path_index(path, i), doc, what, lookup, warnings));
  }
  return {};
}

// --- short syntax -> long syntax ----------------------------------------

Json list_to_map(const Json& v, bool values_nullable) {
  if (!v.is_array()) return v;
  Json m = Json::object();
  for (auto& e : v) {
    std::string s = scalar_string(e);
    auto eq = s.find('=');
    if (eq == std::string::npos) m[s] = values_nullable ? Json(nullptr) : Json("");
    else m[s.substr(0, eq)] = s.substr(eq + 1);
  }
  return m;
}

bool is_path_source(const std::string& s) {
  return !s.empty() && (s[0] == '.' || s[0] == '/' || s[0] == '~');
}

std::optional<bool> as_bool(const Json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    std::transform(s.begin(), s.end(), s.begin(), ::tolower);
    if (s == "true" || s == "yes" || s == "1" || s == "y" || s == "on") return true;
    if (s == "false" || s == "no" || s == "0" || s == "n" || s == "off" || s.empty()) return false;
  }
  return std::nullopt;
}

void cast_bool(Json& obj, const char* key) {
  if (obj.is_object() && obj.contains(key))
    if (auto b = as_bool(obj[key])) obj[key] = *b;
}

Result<std::pair<long, long>> port_range(const std::string& s, const std::string& spec) {
  auto dash = s.find('-');
  auto a = parse_int(s.substr(0, dash));
  auto b = dash == std::string::npos ? a : parse_int(s.substr(dash + 1));
  if (!a || !b || *a < 0 || *b < *a || *b > 65535)
    return fail(ErrorKind::InvalidArgument, "invalid port \"{}\"", spec);
  return std::pair<long, long>(*a, *b);
}

Result<Json> volume_long(const Json& v, const std::string& base_dir, const Lookup& lookup) {
  Json out = v;
  std::string type = out.value("type", "");
  if (type == "bind" && out.contains("source") && out["source"].is_string())
    out["source"] = absolute_from(base_dir, out["source"].get<std::string>(), lookup);
  cast_bool(out, "read_only");
  if (out.contains("bind")) cast_bool(out["bind"], "create_host_path");
  if (out.contains("volume")) cast_bool(out["volume"], "nocopy");
  return out;
}

Result<Json> transform_service(const Json& svc_in, const std::string& base_dir, const Lookup& lookup) {
  Json s = svc_in.is_null() ? Json::object() : svc_in;
  if (s.contains("build")) {
    Json& b = s["build"];
    if (b.is_string()) b = Json{{"context", b}};
    if (b.is_object()) {
      std::string ctx = b.value("context", ".");
      bool remote = ctx.find("://") != std::string::npos || ctx.rfind("git@", 0) == 0 ||
                    ctx.rfind("github.com/", 0) == 0;
      if (!remote) b["context"] = absolute_from(base_dir, ctx, lookup);
      for (const char* k : {"args", "labels", "additional_contexts"})
        if (b.contains(k)) b[k] = list_to_map(b[k], std::string(k) == "args");
    }
  }
  for (const char* k : {"environment"})
    if (s.contains(k)) s[k] = list_to_map(s[k], true);
  for (const char* k : {"labels", "annotations", "sysctls", "storage_opt"})
    if (s.contains(k)) s[k] = list_to_map(s[k], false);
  if (s.contains("env_file")) {
    Json files = Json::array();
    Json in = s["env_file"].is_array() ? s["env_file"] : Json::array({s["env_file"]});
    for (auto& e : in) {
      Json f = e.is_string() ? Json{{"path", e}} : e;
      f["path"] = absolute_from(base_dir, f.value("path", ""), lookup);
      if (!f.contains("required")) f["required"] = true;
      cast_bool(f, "required");
      files.push_back(f);
    }
    s["env_file"] = files;
  }
  if (s.contains("ports")) {
    Json ports = Json::array();
    for (auto& p : s["ports"]) {
      TRY_ASSIGN(Json ps, parse_port(p));
      for (auto& x : ps) ports.push_back(x);
    }
    s["ports"] = ports;
  }
  if (s.contains("expose")) {
    Json ex = Json::array();
    for (auto& e : s["expose"]) ex.push_back(scalar_string(e));
    s["expose"] = ex;
  }
  if (s.contains("volumes")) {
    Json vols = Json::array();
    for (auto& v : s["volumes"]) {
      if (v.is_string()) {
        TRY_ASSIGN(Json lv, parse_volume(v.get<std::string>(), base_dir));
        vols.push_back(lv);
      } else {
        TRY_ASSIGN(Json lv, volume_long(v, base_dir, lookup));
        vols.push_back(lv);
      }
    }
    s["volumes"] = vols;
  }
  if (s.contains("depends_on")) {
    Json& d = s["depends_on"];
    if (d.is_array()) {
      Json m = Json::object();
      for (auto& n : d) m[n.get<std::string>()] = Json{{"condition", "service_started"}, {"required", true}};
      d = m;
    } else if (d.is_object()) {
      for (auto& [k, v] : d.items()) {
        if (v.is_null()) v = Json::object();
        if (!v.contains("condition")) v["condition"] = "service_started";
        if (!v.contains("required")) v["required"] = true;
        cast_bool(v, "restart");
        if (v.contains("restart") && v["restart"] == false) v.erase("restart");
      }
    }
  }
  if (s.contains("networks") && s["networks"].is_array()) {
    Json m = Json::object();
    for (auto& n : s["networks"]) m[n.get<std::string>()] = nullptr;
    s["networks"] = m;
  }
  for (const char* k : {"command", "entrypoint"}) {
    if (s.contains(k) && s[k].is_string()) {
      TRY_ASSIGN(auto words, split_shell_words(s[k].get<std::string>()));
      s[k] = words;
    }
  }
  if (s.contains("healthcheck") && s["healthcheck"].is_object()) {
    Json& h = s["healthcheck"];
    if (h.contains("test") && h["test"].is_string()) h["test"] = Json::array({"CMD-SHELL", h["test"]});
    cast_bool(h, "disable");
  }
  for (const char* k : {"secrets", "configs"}) {
    if (!s.contains(k)) continue;
    for (auto& e : s[k])
      if (e.is_string()) e = Json{{"source", e}};
  }
  if (s.contains("extends") && s["extends"].is_string()) s["extends"] = Json{{"service", s["extends"]}};
  if (s.contains("extends") && s["extends"].contains("file"))
    s["extends"]["file"] = absolute_from(base_dir, s["extends"]["file"].get<std::string>(), lookup);
  for (const char* k : {"privileged", "read_only", "tty", "stdin_open", "init", "oom_kill_disable"}) cast_bool(s, k);
  return s;
}

Result<Json> transform_model(const Json& in, const std::string& base_dir, const Lookup& lookup) {
  Json m = in;
  if (m.contains("services") && m["services"].is_object())
    for (auto& [name, svc] : m["services"].items()) {
      auto r = transform_service(svc, base_dir, lookup);
      if (!r) return std::unexpected(r.error().context(fmt::format("services.{}", name)));
      svc = *r;
    }
  for (const char* res : kResources) {
    if (!m.contains(res)) continue;
    if (m[res].is_null()) m[res] = Json::object();
    for (auto& [k, v] : m[res].items()) {
      if (v.is_null()) v = Json::object();
      if ((std::string(res) == "secrets" || std::string(res) == "configs") && v.contains("file"))
        v["file"] = absolute_from(base_dir, v["file"].get<std::string>(), lookup);
      if (v.contains("labels")) v["labels"] = list_to_map(v["labels"], false);
      if (v.contains("external") && v["external"].is_object()) {
        // Legacy `external: {name: x}`.
        if (v["external"].contains("name") && !v.contains("name")) v["name"] = v["external"]["name"];
        v["external"] = true;
      }
      cast_bool(v, "external");
    }
  }
  if (m.contains("include")) {
    Json inc = Json::array();
    for (auto& e : m["include"]) {
      Json item = e.is_string() ? Json{{"path", e}} : e;
      Json paths = item["path"].is_array() ? item["path"] : Json::array({item["path"]});
      for (auto& p : paths) p = absolute_from(base_dir, p.get<std::string>(), lookup);
      item["path"] = paths;
      if (item.contains("project_directory"))
        item["project_directory"] = absolute_from(base_dir, item["project_directory"].get<std::string>(), lookup);
      if (item.contains("env_file")) {
        Json ef = item["env_file"].is_array() ? item["env_file"] : Json::array({item["env_file"]});
        for (auto& p : ef) p = absolute_from(base_dir, p.get<std::string>(), lookup);
        item["env_file"] = ef;
      }
      inc.push_back(item);
    }
    m["include"] = inc;
  }
  return m;
}

// --- merge ----------------------------------------------------------------

std::string generic(const std::string& path) {
  // services.NAME.rest -> services.*.rest
  if (path.rfind("services.", 0) != 0) return path;
  auto dot = path.find('.', 9);
  if (dot == std::string::npos) return "services.*";
  return "services.*" + path.substr(dot);
}

Json unique_key(const std::string& g, const Json& e) {
  if (g == "services.*.ports")
    return Json::array({e.value("host_ip", ""), e.value("target", Json(0)), e.value("published", ""),
                        e.value("protocol", "tcp")});
  if (g == "services.*.volumes" || g == "services.*.devices") return e.is_object() ? e.value("target", Json(e.dump())) : e;
  if (g == "services.*.secrets" || g == "services.*.configs")
    return e.is_object() ? (e.contains("target") ? e["target"] : e.value("source", Json(""))) : e;
  return e;
}

struct MergeTags {
  std::set<std::string> reset, override;
};

Json merge_at(const Json& a, const Json& b, const std::string& path, const MergeTags& tags) {
  if (tags.override.contains(path)) return b;
  std::string g = generic(path);
  if (a.is_object() && b.is_object()) {
    Json out = a;
    for (auto& [k, v] : b.items()) {
      std::string cp = path_key(path, k);
      if (out.contains(k)) out[k] = merge_at(out[k], v, cp, tags);
      else out[k] = v;
    }
    for (auto it = out.begin(); it != out.end();) {
      if (tags.reset.contains(path_key(path, it.key()))) it = out.erase(it);
      else ++it;
    }
    return out;
  }
  if (a.is_array() && b.is_array()) {
    static const std::set<std::string> replace = {"services.*.command", "services.*.entrypoint",
                                                  "services.*.healthcheck.test", "services.*.profiles"};
    if (replace.contains(g)) return b;
    Json out = a;
    for (auto& e : b) {
      Json key = unique_key(g, e);
      bool merged = false;
      for (auto& x : out)
        if (unique_key(g, x) == key) {
          bool same_kind = x.is_object() && e.is_object() && x.value("type", "") == e.value("type", "");
          x = same_kind ? merge_at(x, e, path, MergeTags{}) : e;
          merged = true;
          break;
        }
      if (!merged) out.push_back(e);
    }
    return out;
  }
  return b;
}

// --- env ------------------------------------------------------------------

Result<std::map<std::string, std::string>> read_env_files(const std::vector<std::string>& files, const Lookup& environ,
                                                          bool required) {
  std::map<std::string, std::string> env;
  for (auto& f : files) {
    if (!path_exists(f)) {
      if (required) return fail(ErrorKind::NotFound, "couldn't find env file: {}", f);
      continue;
    }
    TRY_ASSIGN(std::string text, read_file(f));
    Lookup lk = [&](const std::string& k) -> std::optional<std::string> {
      if (auto v = environ ? environ(k) : std::nullopt) return v;
      if (auto it = env.find(k); it != env.end()) return it->second;
      return std::nullopt;
    };
    TRY_ASSIGN(EnvList list, parse_env_file(text, f, lk));
    for (auto& [k, v] : list) env[k] = v;
  }
  return env;
}

// --- loading --------------------------------------------------------------

struct Loader {
  std::vector<std::string>* warnings;
  std::set<std::string> include_stack;

  Result<Json> load_file(const std::string& file, const std::string& base_dir, const Lookup& lookup, MergeTags* tags) {
    TRY_ASSIGN(std::string text, read_file(file));
    TRY_ASSIGN(YamlDoc doc, parse_yaml(text, file));
    if (doc.value.is_null()) doc.value = Json::object();
    if (!doc.value.is_object())
      return fail(ErrorKind::InvalidArgument, "{}:1: top-level object must be a mapping", file);
    TRY(interpolate_tree(doc.value, "", doc, file, lookup, *warnings));
    auto errs = validate_schema(compose_schema(), doc.value);
    if (!errs.empty()) {
      std::string msg;
      for (size_t i = 0; i < errs.size() && i < 10; ++i) {
        if (i) msg += "\n";
        msg += fmt::format("{}:{}: {}: {}", file, line_for(doc, errs[i].path),
                           errs[i].path.empty() ? "(root)" : errs[i].path, errs[i].message);
      }
      return fail(ErrorKind::InvalidArgument, msg);
    }
    if (tags) {
      tags->reset = doc.reset_paths;
      tags->override = doc.override_paths;
    }
    return transform_model(doc.value, base_dir, lookup);
  }

  // Files merged, includes applied, extends resolved (not yet defaulted).
  Result<Json> load_model(const std::vector<std::string>& files, const std::string& project_dir, const Lookup& lookup) {
    Json model = Json::object();
    for (size_t i = 0; i < files.size(); ++i) {
      MergeTags tags;
      TRY_ASSIGN(Json m, load_file(files[i], project_dir, lookup, &tags));
      if (m.contains("version")) {
        warnings->push_back(fmt::format("{}: the attribute `version` is obsolete, it will be ignored", files[i]));
        m.erase("version");
      }
      model = i == 0 ? m : merge_at(model, m, "", tags);
    }
    TRY(apply_includes(model, lookup));
    TRY(resolve_all_extends(model, lookup));
    return model;
  }

  Result<> apply_includes(Json& model, const Lookup& lookup) {
    if (!model.contains("include")) return {};
    Json includes = model["include"];
    model.erase("include");
    for (auto& inc : includes) {
      std::vector<std::string> paths;
      for (auto& p : inc["path"]) paths.push_back(p.get<std::string>());
      for (auto& p : paths)
        if (!path_exists(p)) return fail(ErrorKind::NotFound, "include: file not found: {}", p);
      std::string key = join(paths, ",");
      if (include_stack.contains(key)) return fail(ErrorKind::InvalidArgument, "include cycle detected at {}", key);
      std::string pdir = inc.contains("project_directory") ? inc["project_directory"].get<std::string>() : dir_of(paths[0]);
      std::vector<std::string> env_files;
      bool required = inc.contains("env_file");
      if (required) {
        for (auto& e : inc["env_file"]) env_files.push_back(e.get<std::string>());
      } else {
        env_files.push_back(pdir + "/.env");
      }
      TRY_ASSIGN(auto sub_env, read_env_files(env_files, lookup, required));
      Lookup sub_lookup = [lookup, sub_env](const std::string& k) -> std::optional<std::string> {
        if (auto v = lookup(k)) return v;
        if (auto it = sub_env.find(k); it != sub_env.end()) return it->second;
        return std::nullopt;
      };
      include_stack.insert(key);
      auto sub = load_model(paths, pdir, sub_lookup);
      include_stack.erase(key);
      if (!sub) return std::unexpected(sub.error().context(fmt::format("include {}", key)));
      for (const char* res : {"services", "networks", "volumes", "secrets", "configs"}) {
        if (!sub->contains(res)) continue;
        if (!model.contains(res)) model[res] = Json::object();
        for (auto& [k, v] : (*sub)[res].items()) {
          if (model[res].contains(k)) {
            if (model[res][k] != v)
              return fail(ErrorKind::Conflict, "{}.{} conflicts with imported resource from {}", res, k, key);
            continue;
          }
          model[res][k] = v;
        }
      }
    }
    return {};
  }

  Result<Json> resolve_extends(const std::string& name, const Json& services, const Lookup& lookup,
                               std::vector<std::string>& chain) {
    if (std::find(chain.begin(), chain.end(), name) != chain.end()) {
      chain.push_back(name);
      return fail(ErrorKind::InvalidArgument, "extends cycle detected: {}", join(chain, " -> "));
    }
    if (!services.contains(name)) return fail(ErrorKind::NotFound, "cannot extend service \"{}\": service not found", name);
    Json svc = services[name];
    if (!svc.contains("extends")) return svc;
    chain.push_back(name);
    Json ext = svc["extends"];
    svc.erase("extends");
    std::string base_name = ext["service"].get<std::string>();
    Json base;
    if (ext.contains("file")) {
      std::string file = ext["file"].get<std::string>();
      if (!path_exists(file)) return fail(ErrorKind::NotFound, "services.{}.extends: file not found: {}", name, file);
      TRY_ASSIGN(Json other, load_file(file, dir_of(file), lookup, nullptr));
      Json other_services = other.value("services", Json::object());
      if (!other_services.contains(base_name))
        return fail(ErrorKind::NotFound, "cannot extend service \"{}\" from {}: service \"{}\" not found", name, file,
                    base_name);
      std::vector<std::string> sub_chain = {};
      TRY_ASSIGN(base, resolve_extends(base_name, other_services, lookup, sub_chain));
    } else {
      if (!services.contains(base_name))
        return fail(ErrorKind::NotFound, "cannot extend service \"{}\": service \"{}\" not found", name, base_name);
      TRY_ASSIGN(base, resolve_extends(base_name, services, lookup, chain));
    }
    chain.pop_back();
    return merge_at(base, svc, "services." + name, MergeTags{});
  }

  Result<> resolve_all_extends(Json& model, const Lookup& lookup) {
    if (!model.contains("services")) return {};
    Json resolved = Json::object();
    for (auto& [name, svc] : model["services"].items()) {
      std::vector<std::string> chain;
      TRY_ASSIGN(Json s, resolve_extends(name, model["services"], lookup, chain));
      resolved[name] = s;
    }
    model["services"] = resolved;
    return {};
  }
};

// --- normalisation ----------------------------------------------------------

Result<> check_cycles(const Json& services) {
  std::map<std::string, int> state;  // 0 new, 1 visiting, 2 done
  std::vector<std::string> stack;
  std::function<Result<>(const std::string&)> visit = [&](const std::string& n) -> Result<> {
    if (state[n] == 2) return {};
    if (state[n] == 1) {
      auto it = std::find(stack.begin(), stack.end(), n);
      std::vector<std::string> cyc(it, stack.end());
      cyc.push_back(n);
      return fail(ErrorKind::InvalidArgument, "dependency cycle detected: {}", join(cyc, " -> "));
    }
    state[n] = 1;
    stack.push_back(n);
    const Json& s = services[n];
    if (s.contains("depends_on"))
      for (auto& [dep, _] : s["depends_on"].items())
        if (services.contains(dep)) TRY(visit(dep));
    stack.pop_back();
    state[n] = 2;
    return {};
  };
  for (auto& [n, _] : services.items()) TRY(visit(n));
  return {};
}

Result<> normalize(Json& model, const std::string& name, const Lookup& lookup) {
  if (!model.contains("services")) model["services"] = Json::object();
  Json& services = model["services"];
  bool uses_default = false;
  std::map<std::string, std::string> container_names;
  for (auto& [sname, s] : services.items()) {
    if (s.contains("build")) {
      Json& b = s["build"];
      if (!b.contains("context")) b["context"] = ".";
      if (!b.contains("dockerfile") && !b.contains("dockerfile_inline")) b["dockerfile"] = "Dockerfile";
    }
    // env_file read into environment (explicit environment wins).
    if (s.contains("env_file")) {
      Json env = Json::object();
      for (auto& f : s["env_file"]) {
        std::string path = f["path"].get<std::string>();
        if (!path_exists(path)) {
          if (f.value("required", true))
            return fail(ErrorKind::NotFound, "env file {} not found: stat {}: no such file or directory", path, path);
          continue;
        }
        TRY_ASSIGN(std::string text, read_file(path));
        TRY_ASSIGN(EnvList list, parse_env_file(text, path, lookup));
        for (auto& [k, v] : list) env[k] = v;
      }
      if (s.contains("environment"))
        for (auto& [k, v] : s["environment"].items()) env[k] = v;
      s["environment"] = env;
      s.erase("env_file");
    }
    if (s.contains("environment")) {
      for (auto& [k, v] : s["environment"].items()) {
        if (v.is_null()) {
          if (auto val = lookup(k)) v = *val;
        } else if (!v.is_string()) {
          v = scalar_string(v);
        }
      }
    }
    for (const char* k : {"labels", "annotations", "sysctls"})
      if (s.contains(k))
        for (auto& [lk, lv] : s[k].items())
          if (!lv.is_string()) lv = lv.is_null() ? "" : scalar_string(lv);
    if (s.contains("ports"))
      for (auto& p : s["ports"]) {
        if (!p.contains("mode")) p["mode"] = "ingress";
        if (!p.contains("protocol")) p["protocol"] = "tcp";
        if (p.contains("published") && !p["published"].is_string()) p["published"] = scalar_string(p["published"]);
        if (p.contains("target") && p["target"].is_string())
          if (auto t = parse_int(p["target"].get<std::string>())) p["target"] = *t;
      }
    if (!s.contains("networks") && !s.contains("network_mode")) s["networks"] = Json{{"default", nullptr}};
    if (s.contains("networks") && s["networks"].contains("default")) uses_default = true;
    for (const char* k : {"command", "entrypoint"})
      if (!s.contains(k)) s[k] = nullptr;
    if (s.contains("container_name")) {
      std::string cn = s["container_name"].get<std::string>();
      if (auto it = container_names.find(cn); it != container_names.end())
        return fail(ErrorKind::InvalidArgument, "services.{}: container name \"{}\" is already in use by service \"{}\"",
                    sname, cn, it->second);
      container_names[cn] = sname;
    }
  }
  // References.
  for (auto& [sname, s] : services.items()) {
    if (s.contains("depends_on"))
      for (auto& [dep, d] : s["depends_on"].items())
        if (!services.contains(dep) && d.value("required", true))
          return fail(ErrorKind::InvalidArgument, "service \"{}\" depends on undefined service \"{}\": invalid compose project",
                      sname, dep);
    if (s.contains("networks"))
      for (auto& [n, _] : s["networks"].items())
        if (n != "default" && !(model.contains("networks") && model["networks"].contains(n)))
          return fail(ErrorKind::InvalidArgument, "service \"{}\" refers to undefined network {}: invalid compose project",
                      sname, n);
    if (s.contains("volumes"))
      for (auto& v : s["volumes"])
        if (v.value("type", "") == "volume" && v.contains("source") &&
            !(model.contains("volumes") && model["volumes"].contains(v["source"].get<std::string>())))
          return fail(ErrorKind::InvalidArgument, "service \"{}\" refers to undefined volume {}: invalid compose project",
                      sname, v["source"].get<std::string>());
    for (const char* res : {"secrets", "configs"})
      if (s.contains(res))
        for (auto& e : s[res]) {
          std::string src = e.value("source", "");
          if (!(model.contains(res) && model[res].contains(src)))
            return fail(ErrorKind::InvalidArgument, "service \"{}\" refers to undefined {} {}: invalid compose project",
                        sname, std::string(res).substr(0, std::string(res).size() - 1), src);
        }
  }
  TRY(check_cycles(services));
  if (uses_default && !(model.contains("networks") && model["networks"].contains("default"))) {
    if (!model.contains("networks")) model["networks"] = Json::object();
    model["networks"]["default"] = Json::object();
  }
  for (const char* res : kResources) {
    if (!model.contains(res)) continue;
    for (auto& [k, v] : model[res].items()) {
      bool external = v.value("external", false);
      if (!v.contains("name")) v["name"] = external ? k : name + "_" + k;
      if (std::string(res) == "networks" && !v.contains("ipam")) v["ipam"] = Json::object();
      if (v.contains("external") && !external) v.erase("external");
    }
    if (model[res].empty()) model.erase(res);
  }
  model["name"] = name;
  return {};
}

bool valid_project_name(const std::string& s) {
  if (s.empty()) return false;
  if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9'))) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

std::string normalize_project_name(std::string_view s) {
  std::string out;
  for (char c : s) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '_' || l == '-') out += l;
  }
  size_t i = out.find_first_not_of("_-");
  return i == std::string::npos ? "" : out.substr(i);
}

Json merge_models(const Json& base, const Json& over, const std::vector<std::string>& reset,
                  const std::vector<std::string>& override) {
  MergeTags tags{{reset.begin(), reset.end()}, {override.begin(), override.end()}};
  return merge_at(base, over, "", tags);
}

Result<Json> parse_port(const Json& spec) {
  Json out = Json::array();
  if (spec.is_number()) {
    out.push_back(Json{{"mode", "ingress"}, {"target", spec.get<long long>()}, {"protocol", "tcp"}});
    return out;
  }
  if (spec.is_object()) {
    Json p = spec;
    if (p.contains("published") && !p["published"].is_string()) p["published"] = scalar_string(p["published"]);
    if (p.contains("target") && p["target"].is_string())
      if (auto t = parse_int(p["target"].get<std::string>())) p["target"] = *t;
    out.push_back(p);
    return out;
  }
  std::string s = spec.get<std::string>();
  std::string proto = "tcp";
  std::string rest = s;
  if (auto slash = rest.rfind('/'); slash != std::string::npos) {
    proto = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  std::string ip, host, container;
  auto last = rest.rfind(':');
  if (last == std::string::npos) {
    container = rest;
  } else {
    container = rest.substr(last + 1);
    std::string front = rest.substr(0, last);
    if (!front.empty() && front.back() == ']') {
      ip = front.substr(1, front.size() - 2);
    } else {
      auto c2 = front.rfind(':');
      if (c2 == std::string::npos) {
        host = front;
      } else {
        host = front.substr(c2 + 1);
        ip = front.substr(0, c2);
        if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
      }
    }
  }
  TRY_ASSIGN(auto crange, port_range(container, s));
  std::optional<std::pair<long, long>> hrange;
  if (!host.empty()) {
    TRY_ASSIGN(auto h, port_range(host, s));
    hrange = h;
  }
  long n = crange.second - crange.first + 1;
  bool pairwise = hrange && (hrange->second - hrange->first + 1) == n;
  if (hrange && !pairwise && n != 1)
    return fail(ErrorKind::InvalidArgument, "invalid port \"{}\": host and container port ranges differ", s);
  for (long i = 0; i < n; ++i) {
    Json p = {{"mode", "ingress"}, {"target", crange.first + i}, {"protocol", proto}};
    if (!ip.empty()) p["host_ip"] = ip;
    if (hrange) {
      if (pairwise) p["published"] = std::to_string(hrange->first + i);
      else p["published"] = host;
    }
    out.push_back(p);
  }
  return out;
}

Result<Json> parse_volume(const std::string& spec, const std::string& base_dir) {
  std::vector<std::string> parts = split(spec, ':');
  if (parts.empty() || parts.size() > 3 || parts[0].empty())
    return fail(ErrorKind::InvalidArgument, "invalid volume specification: \"{}\"", spec);
  Json v = Json::object();
  if (parts.size() == 1) {
    v = {{"type", "volume"}, {"target", parts[0]}, {"volume", Json::object()}};
    return v;
  }
  std::string src = parts[0], target = parts[1];
  if (target.empty()) return fail(ErrorKind::InvalidArgument, "invalid volume specification: \"{}\"", spec);
  bool bind = is_path_source(src);
  v["type"] = bind ? "bind" : "volume";
  v["source"] = bind ? absolute_from(base_dir, src) : src;
  v["target"] = target;
  Json bind_opts = {{"create_host_path", true}};
  Json vol_opts = Json::object();
  if (parts.size() == 3) {
    for (auto& o : split(parts[2], ',')) {
      if (o == "ro") v["read_only"] = true;
      else if (o == "rw") {
      } else if (o == "z" || o == "Z") bind_opts["selinux"] = o;
      else if (o == "nocopy") vol_opts["nocopy"] = true;
      else if (o == "shared" || o == "rshared" || o == "slave" || o == "rslave" || o == "private" || o == "rprivate")
        bind_opts["propagation"] = o;
      else if (o == "consistent" || o == "cached" || o == "delegated") v["consistency"] = o;
      else return fail(ErrorKind::InvalidArgument, "invalid volume specification: \"{}\": unknown option {}", spec, o);
    }
  }
  if (bind) v["bind"] = bind_opts;
  else v["volume"] = vol_opts;
  return v;
}

namespace {

Result<Project> load_project_impl(const LoadOptions& opts) {
  Project project;
  Lookup environ = opts.environ ? Lookup(opts.environ) : Lookup([](const std::string&) { return std::nullopt; });
  std::vector<std::string> files;
  for (auto& f : opts.files) files.push_back(f == "-" ? f : abs_path(f));
  if (files.empty())
    if (auto cf = environ("COMPOSE_FILE"); cf && !cf->empty()) {
      std::string sep = environ("COMPOSE_PATH_SEPARATOR").value_or(":");
      for (auto& f : split(*cf, sep.empty() ? ':' : sep[0]))
        if (!f.empty()) files.push_back(absolute_from(opts.working_dir.empty() ? abs_path(".") : abs_path(opts.working_dir), f));
    }
  if (files.empty()) {
    std::string dir = abs_path(opts.working_dir.empty() ? "." : opts.working_dir);
    while (true) {
      for (const char* c : {"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"})
        if (path_exists(dir + "/" + c)) {
          files.push_back(clean(fs::path(dir) / c));
          break;
        }
      if (!files.empty()) {
        for (const char* c : {"compose.override.yaml", "compose.override.yml", "docker-compose.override.yml",
                              "docker-compose.override.yaml"})
          if (path_exists(dir + "/" + c)) {
            files.push_back(clean(fs::path(dir) / c));
            break;
          }
        break;
      }
      if (dir == "/" || dir.empty()) break;
      dir = dir_of(dir);
    }
    if (files.empty())
      return fail(ErrorKind::NotFound, "no configuration file provided: not found");
  }
  for (auto& f : files)
    if (f == "-") return fail(ErrorKind::NotSupported, "reading a compose file from stdin is not supported");
    else if (!path_exists(f)) return fail(ErrorKind::NotFound, "open {}: no such file or directory", f);
  project.working_dir = opts.working_dir.empty() ? dir_of(files[0]) : abs_path(opts.working_dir);

  std::vector<std::string> env_files;
  bool required = !opts.env_files.empty();
  for (auto& e : opts.env_files) env_files.push_back(abs_path(e));
  if (env_files.empty()) env_files.push_back(project.working_dir + "/.env");
  TRY_ASSIGN(auto dotenv, read_env_files(env_files, environ, required));
  Lookup lookup = [environ, dotenv](const std::string& k) -> std::optional<std::string> {
    if (auto v = environ(k)) return v;
    if (auto it = dotenv.find(k); it != dotenv.end()) return it->second;
    return std::nullopt;
  };

  Loader loader{&project.warnings, {}};
  TRY_ASSIGN(Json model, loader.load_model(files, project.working_dir, lookup));

  // Project name: -p, COMPOSE_PROJECT_NAME, name:, the directory.
  std::string name = opts.project_name;
  if (name.empty()) name = lookup("COMPOSE_PROJECT_NAME").value_or("");
  if (name.empty() && model.contains("name") && model["name"].is_string()) name = model["name"].get<std::string>();
  if (!name.empty()) {
    if (!valid_project_name(name))
      return fail(ErrorKind::InvalidArgument,
                  "invalid project name \"{}\": must consist only of lowercase alphanumeric characters, hyphens, and "
                  "underscores as well as start with a letter or number", name);
  } else {
    name = normalize_project_name(fs::path(project.working_dir).filename().string());
    if (name.empty())
      return fail(ErrorKind::InvalidArgument, "project name can't be empty: use -p or name: to set one");
  }

  // Profiles.
  std::set<std::string> active(opts.profiles.begin(), opts.profiles.end());
  if (auto p = lookup("COMPOSE_PROFILES"))
    for (auto& x : split(*p, ','))
      if (!std::string(trim(x)).empty()) active.insert(std::string(trim(x)));
  if (model.contains("services")) {
    Json kept = Json::object();
    for (auto& [sname, s] : model["services"].items()) {
      bool on = !s.contains("profiles") || s["profiles"].empty() || active.contains("*");
      if (!on)
        for (auto& p : s["profiles"])
          if (active.contains(p.get<std::string>())) on = true;
      if (std::find(opts.enabled_services.begin(), opts.enabled_services.end(), sname) != opts.enabled_services.end())
        on = true;
      if (on) kept[sname] = s;
    }
    model["services"] = kept;
  }

  TRY(normalize(model, name, lookup));
  project.name = name;
  project.model = std::move(model);
  return project;
}

}  // namespace

Result<Project> load_project(const LoadOptions& opts) {
  // Schema validation runs before the model is walked, so typed reads should
  // not throw; a JSON exception is still turned into an error, not a crash.
  try {
    return load_project_impl(opts);
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorKind::InvalidArgument, "invalid compose model: {}", e.what());
  }
}

std::string to_yaml(const Json& model) {
  // `name:` first, as Compose prints it.
  std::string out;
  if (model.contains("name")) out += to_yaml_text(Json{{"name", model["name"]}});
  Json rest = model;
  rest.erase("name");
  return out + to_yaml_text(rest);
}

}  // namespace hako::compose
