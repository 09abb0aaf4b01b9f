// hako lint: Hadolint's command line over hako's linter (src/lint).
//
// Settings are layered as Hadolint layers them: the config file (--config,
// or the first one found on Hadolint's search path), then the HADOLINT_*
// environment, then the command's flags.
#include <unistd.h>

#include <cstdio>

#include "base/files.h"
#include "cli/command.h"
#include "cli/lint_config.h"
#include "cli/version.h"
#include "lint/linter.h"
#include "lint/report.h"

namespace hako::cli {
namespace {

const char* env(const char* name) { return ::getenv(name); }

Result<void> apply_flags(const ParsedFlags& p, lint::Config* cfg) {
  if (p.set("format")) cfg->format = p.str("format");
  if (p.set("failure-threshold")) {
    TRY_ASSIGN(cfg->failure_threshold, lint::parse_threshold(p.str("failure-threshold")));
  }
  for (const auto& r : p.list("ignore")) cfg->ignored.insert(r);
  for (const auto& r : p.list("trusted-registry")) cfg->rules.trusted_registries.push_back(r);
  for (const auto& item : p.list("require-label")) {
    size_t colon = item.find(':');
    auto format = colon == std::string::npos ? std::nullopt : lint::parse_label_format(item.substr(colon + 1));
    if (!format) {
      return fail(ErrorKind::InvalidArgument,
                  "invalid argument \"{}\" for \"--require-label\" flag: expected LABEL:FORMAT with FORMAT one of "
                  "text, url, rfc3339, spdx, hash, semver, email",
                  item);
    }
    cfg->rules.label_schema[item.substr(0, colon)] = *format;
  }
  if (p.boolean("strict-labels")) cfg->rules.strict_labels = true;
  if (p.boolean("no-color")) cfg->no_color = true;
  if (p.boolean("no-fail")) cfg->no_fail = true;
  if (p.boolean("disable-ignore-pragma")) cfg->disable_ignore_pragma = true;
  const std::pair<const char*, lint::Severity> levels[] = {{"error", lint::Severity::Error},
                                                           {"warning", lint::Severity::Warning},
                                                           {"info", lint::Severity::Info},
                                                           {"style", lint::Severity::Style}};
  for (const auto& [flag, sev] : levels) {
    for (const auto& code : p.list(flag)) cfg->overrides[code] = sev;
  }
  if (!lint::known_format(cfg->format)) {
    return fail(ErrorKind::InvalidArgument,
                "invalid argument \"{}\" for \"--format\" flag: expected tty, json, sarif, checkstyle, codeclimate or "
                "gitlab_codeclimate",
                cfg->format);
  }
  return {};
}

Result<int> lint_cmd(Context&, const ParsedFlags& p) {
  TRY_ASSIGN(lint::Config cfg, load_lint_config(p.str("config")));
  TRY(apply_flags(p, &cfg));
  std::vector<lint::FileResult> results;
  bool failed = false;
  for (const auto& path : p.args()) {
    std::string text;
    if (path == "-") {
      TRY_ASSIGN(text, read_all_fd(0));
    } else {
      auto r = read_file(path);
      if (!r) return fail(ErrorKind::NotFound, "{}: does not exist or is not readable", path);
      text = std::move(*r);
    }
    lint::FileResult fr{path, lint::lint_text(text, path, cfg)};
    failed = failed || lint::fails(fr.findings, cfg);
    results.push_back(std::move(fr));
  }
  lint::ReportOptions ro;
  ro.format = cfg.format;
  ro.color = !cfg.no_color && ::isatty(1);
  ro.tool_version = kVersion;
  std::string out = lint::render_report(results, ro);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return failed ? 1 : 0;
}

}  // namespace

Result<lint::Config> load_lint_config(const std::string& config_flag) {
  lint::Config cfg;
  std::string file = config_flag;
  if (file.empty()) {
    char buf[4096];
    std::string cwd = ::getcwd(buf, sizeof buf) ? buf : ".";
    file = lint::find_config_file(cwd, env).value_or("");
  }
  if (!file.empty()) {
    auto text = read_file(file);
    if (!text) return fail(ErrorKind::NotFound, "config file {}: does not exist or is not readable", file);
    TRY(lint::apply_config_yaml(*text, file, &cfg));
  }
  TRY(lint::apply_environment(env, &cfg));
  return cfg;
}

std::vector<Command> lint_commands() {
  Command lint{"lint", {}, "[OPTIONS] DOCKERFILE... | -",
               "Lint Dockerfiles with Hadolint's rules",
               {
                   {"format", 'f', Flag::String, "tty",
                    "Output format (tty, json, sarif, checkstyle, codeclimate, gitlab_codeclimate)", "string"},
                   {"failure-threshold", 't', Flag::String, "info",
                    "Fail only on findings at least this severe (error, warning, info, style, ignore, none)", "string"},
                   {"ignore", 0, Flag::List, "", "A rule to ignore (repeatable)", "RULECODE"},
                   {"trusted-registry", 0, Flag::List, "", "A registry FROM images may come from (DL3026)", "REGISTRY"},
                   {"require-label", 0, Flag::List, "", "A label every stage must have, with its format", "LABEL:FORMAT"},
                   {"strict-labels", 0, Flag::Bool, "", "Report labels that are not in the label schema (DL3050)", ""},
                   {"config", 'c', Flag::String, "", "Path to a configuration file (.hadolint.yaml format)", "FILE"},
                   {"no-color", 0, Flag::Bool, "", "Do not colour the output", ""},
                   {"no-fail", 0, Flag::Bool, "", "Exit 0 whatever is found", ""},
                   {"disable-ignore-pragma", 0, Flag::Bool, "", "Do not honour # hadolint ignore= comments", ""},
                   {"error", 0, Flag::List, "", "Make a rule's findings errors", "RULECODE"},
                   {"warning", 0, Flag::List, "", "Make a rule's findings warnings", "RULECODE"},
                   {"info", 0, Flag::List, "", "Make a rule's findings info", "RULECODE"},
                   {"style", 0, Flag::List, "", "Make a rule's findings style", "RULECODE"},
               },
               lint_cmd, 1};
  return {lint};
}

}  // namespace hako::cli
