#include "lint/linter.h"

#include <sys/stat.h>

#include <algorithm>

#include "base/json.h"
#include "base/strings.h"
#include "compose/yaml.h"

namespace hako::lint {
namespace {

std::unexpected<Error> bad(const std::string& what, const std::string& key, std::string_view problem) {
  return fail(ErrorKind::InvalidArgument, "{}: {}: {}", what, key, problem);
}

// A string or a list of strings (trustedRegistries accepts both).
Result<std::vector<std::string>> string_list(const Json& v, const std::string& what, const std::string& key) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
    return out;
  }
  if (v.is_null()) return out;
  if (!v.is_array()) return bad(what, key, "expected a list of strings");
  for (const auto& e : v) {
    if (!e.is_string()) return bad(what, key, "expected a list of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

Result<bool> boolean(const Json& v, const std::string& what, const std::string& key) {
  if (!v.is_boolean()) return bad(what, key, "expected true or false");
  return v.get<bool>();
}

bool truthy(const char* v) {
  if (!v) return false;
  std::string s(v);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s == "1" || s == "true" || s == "yes" || s == "on" || s == "y";
}

std::vector<std::string> comma_list(std::string_view s) {
  std::vector<std::string> out;
  for (const auto& part : split(s, ',')) {
    std::string_view t = trim(part);
    if (!t.empty()) out.emplace_back(t);
  }
  return out;
}

Result<void> add_label_schema(std::string_view label, std::string_view format, const std::string& what,
                              RuleOptions* opts) {
  auto f = parse_label_format(format);
  if (!f) {
    return fail(ErrorKind::InvalidArgument,
                "{}: label-schema: {}: unknown format \"{}\" (text, url, rfc3339, spdx, hash, semver, email)", what,
                label, format);
  }
  opts->label_schema[std::string(label)] = *f;
  return {};
}

bool is_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

Result<std::optional<Severity>> parse_threshold(std::string_view s) {
  if (s == "none") return std::optional<Severity>();
  auto sev = parse_severity(s);
  if (!sev) {
    return fail(ErrorKind::InvalidArgument,
                "invalid failure threshold \"{}\": expected error, warning, info, style, ignore or none", s);
  }
  return std::optional<Severity>(*sev);
}

Result<void> apply_config_yaml(std::string_view text, const std::string& what, Config* cfg) {
  TRY_ASSIGN(compose::YamlDoc doc, compose::parse_yaml(text, what));
  if (doc.value.is_null()) return {};
  if (!doc.value.is_object()) return fail(ErrorKind::InvalidArgument, "{}: expected a mapping of settings", what);
  for (const auto& [key, v] : doc.value.items()) {
    if (key == "ignored") {
      TRY_ASSIGN(auto codes, string_list(v, what, key));
      cfg->ignored.insert(codes.begin(), codes.end());
    } else if (key == "trustedRegistries") {
      TRY_ASSIGN(auto regs, string_list(v, what, key));
      cfg->rules.trusted_registries.insert(cfg->rules.trusted_registries.end(), regs.begin(), regs.end());
    } else if (key == "override") {
      if (v.is_null()) continue;
      if (!v.is_object()) return bad(what, key, "expected a mapping of severities to rule lists");
      for (const auto& [level, codes_v] : v.items()) {
        auto sev = parse_severity(level);
        if (!sev || *sev == Severity::Ignore) return bad(what, "override." + level, "expected error, warning, info or style");
        TRY_ASSIGN(auto codes, string_list(codes_v, what, "override." + level));
        for (const auto& c : codes) cfg->overrides[c] = *sev;
      }
    } else if (key == "failure-threshold") {
      if (!v.is_string()) return bad(what, key, "expected a string");
      auto t = parse_threshold(v.get<std::string>());
      if (!t) return bad(what, key, t.error().message());
      cfg->failure_threshold = *t;
    } else if (key == "format") {
      if (!v.is_string()) return bad(what, key, "expected a string");
      cfg->format = v.get<std::string>();
    } else if (key == "label-schema") {
      if (v.is_null()) continue;
      if (!v.is_object()) return bad(what, key, "expected a mapping of labels to formats");
      for (const auto& [label, fmt_v] : v.items()) {
        if (!fmt_v.is_string()) return bad(what, key + "." + label, "expected a format name");
        TRY(add_label_schema(label, fmt_v.get<std::string>(), what, &cfg->rules));
      }
    } else if (key == "no-color") {
      TRY_ASSIGN(cfg->no_color, boolean(v, what, key));
    } else if (key == "no-fail") {
      TRY_ASSIGN(cfg->no_fail, boolean(v, what, key));
    } else if (key == "strict-labels") {
      TRY_ASSIGN(cfg->rules.strict_labels, boolean(v, what, key));
    } else if (key == "disable-ignore-pragma") {
      TRY_ASSIGN(cfg->disable_ignore_pragma, boolean(v, what, key));
    } else {
      return bad(what, key, "unknown setting");
    }
  }
  return {};
}

Result<void> apply_environment(const std::function<const char*(const char*)>& getenv, Config* cfg) {
  if (getenv("NO_COLOR")) cfg->no_color = true;
  if (truthy(getenv("HADOLINT_NOFAIL"))) cfg->no_fail = true;
  if (const char* f = getenv("HADOLINT_FORMAT"); f && *f) cfg->format = f;
  if (const char* t = getenv("HADOLINT_FAILURE_THRESHOLD"); t && *t) {
    TRY_ASSIGN(cfg->failure_threshold, parse_threshold(t));
  }
  const std::pair<const char*, Severity> levels[] = {{"HADOLINT_OVERRIDE_ERROR", Severity::Error},
                                                     {"HADOLINT_OVERRIDE_WARNING", Severity::Warning},
                                                     {"HADOLINT_OVERRIDE_INFO", Severity::Info},
                                                     {"HADOLINT_OVERRIDE_STYLE", Severity::Style}};
  for (const auto& [var, sev] : levels) {
    if (const char* v = getenv(var)) {
      for (const auto& c : comma_list(v)) cfg->overrides[c] = sev;
    }
  }
  if (const char* v = getenv("HADOLINT_IGNORE")) {
    for (const auto& c : comma_list(v)) cfg->ignored.insert(c);
  }
  if (truthy(getenv("HADOLINT_STRICT_LABELS"))) cfg->rules.strict_labels = true;
  if (truthy(getenv("HADOLINT_DISABLE_IGNORE_PRAGMA"))) cfg->disable_ignore_pragma = true;
  if (const char* v = getenv("HADOLINT_TRUSTED_REGISTRIES")) {
    for (const auto& r : comma_list(v)) cfg->rules.trusted_registries.push_back(r);
  }
  if (const char* v = getenv("HADOLINT_REQUIRE_LABELS")) {
    for (const auto& item : comma_list(v)) {
      size_t colon = item.find(':');
      if (colon == std::string::npos) {
        return fail(ErrorKind::InvalidArgument, "HADOLINT_REQUIRE_LABELS: \"{}\": expected LABEL:FORMAT", item);
      }
      TRY(add_label_schema(item.substr(0, colon), item.substr(colon + 1), "HADOLINT_REQUIRE_LABELS", &cfg->rules));
    }
  }
  return {};
}

std::optional<std::string> find_config_file(const std::string& cwd,
                                            const std::function<const char*(const char*)>& getenv) {
  std::vector<std::string> bases;
  bases.push_back(cwd + "/.hadolint");
  if (const char* x = getenv("XDG_CONFIG_HOME"); x && *x) bases.push_back(std::string(x) + "/hadolint");
  if (const char* h = getenv("HOME"); h && *h) {
    std::string home(h);
    bases.push_back(home + "/.config/hadolint");
    bases.push_back(home + "/.hadolint/hadolint");
    bases.push_back(home + "/hadolint/config");
    bases.push_back(home + "/.hadolint");
  }
  for (const auto& b : bases) {
    for (const char* ext : {".yaml", ".yml"}) {
      if (is_file(b + ext)) return b + ext;
    }
  }
  return std::nullopt;
}

std::vector<Finding> lint_text(std::string_view text, const std::string& file, const Config& cfg) {
  Model model = build_model(text);
  std::vector<Finding> raw;
  for (const auto& [message, line] : model.syntax_errors) {
    raw.push_back({"DL1000", Severity::Error, message, "", line, 1});
  }
  for (const auto& rule : all_rules()) {
    if (cfg.ignored.contains(std::string(rule.info.code))) continue;
    Reporter rep(rule.info, &raw);
    rule.check(model, cfg.rules, rep);
  }
  std::vector<Finding> out;
  out.reserve(raw.size());
  for (auto& f : raw) {
    if (auto o = cfg.overrides.find(f.code); o != cfg.overrides.end()) f.severity = o->second;
    if (f.severity == Severity::Ignore) continue;
    if (cfg.ignored.contains(f.code)) continue;
    if (!cfg.disable_ignore_pragma) {
      if (model.global_ignores.contains(f.code)) continue;
      if (auto li = model.line_ignores.find(f.line); li != model.line_ignores.end() && li->second.contains(f.code)) {
        continue;
      }
    }
    f.file = file;
    out.push_back(std::move(f));
  }
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    if (a.line != b.line) return a.line < b.line;
    return a.code < b.code;
  });
  // A rule that reports the same line twice (two commands in one RUN) says it once.
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Finding& a, const Finding& b) {
                          return a.line == b.line && a.code == b.code && a.message == b.message;
                        }),
            out.end());
  return out;
}

bool fails(const std::vector<Finding>& findings, const Config& cfg) {
  if (cfg.no_fail || !cfg.failure_threshold) return false;
  return std::any_of(findings.begin(), findings.end(),
                     [&](const Finding& f) { return f.severity <= *cfg.failure_threshold; });
}

}  // namespace hako::lint
