// Rules over the RPM package managers in RUN: yum, dnf, microdnf and zypper
// (non-interactive switches, cleaning the caches, pinning versions).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "lint/rule.h"
#include "lint/rules/rule_util.h"

namespace hako::lint {
namespace {

using shell::SimpleCommand;
// The options of yum/dnf that take their value as the next word.
const std::vector<std::string> kYumValueFlags = {
    "-c", "--config", "-d", "--debuglevel", "-e", "--errorlevel", "--installroot", "--enablerepo",
    "--disablerepo", "--repo", "--repoid", "-x", "--exclude", "--setopt", "--releasever", "--forcearch",
    "--downloaddir", "--destdir", "--color", "--rpmverbosity", "-R", "--randomwait", "--advisory",
    "--advisories", "--bz", "--bzs", "--cve", "--cves", "--sec-severity", "--secseverity", "--repofrompath",
    "--comment", "--platform-id", "--exclude-from", "--use"};

// The options of zypper (global and of its commands) that take a value.
const std::vector<std::string> kZypperValueFlags = {
    "-R", "--root", "-c", "--config", "-D", "--reposd-dir", "-C", "--cache-dir", "--raw-cache-dir",
    "--solv-cache-dir", "--pkg-cache-dir", "--userdata", "-t", "--type", "-r", "--repo", "--from",
    "--download", "--plus-repo", "-p", "--plus-content"};

std::vector<std::string> positionals(const SimpleCommand& cmd, const std::vector<std::string>& value_flags) {
  std::vector<std::string> out;
  for (const auto& w : cmd.positional_args(value_flags)) out.push_back(w.value);
  return out;
}

// Hadolint's "the command has one of these arguments": any positional
// argument (a subcommand may follow global options, or come second as in
// `dnf module install`).
bool has_arg(const SimpleCommand& cmd, const Names& names, const Names& args,
             const std::vector<std::string>& value_flags) {
  if (!in(cmd.name(), names)) return false;
  for (const auto& a : positionals(cmd, value_flags))
    if (in(a, args)) return true;
  return false;
}

// `rm` of a path under one of `prefixes` (/var/cache/yum/*, /var/cache/dnf ...).
bool removes_cache(const SimpleCommand& cmd, const Names& prefixes) {
  if (cmd.name() != "rm") return false;
  for (const auto& a : positionals(cmd, {})) {
    for (auto p : prefixes)
      if (std::string_view(a).starts_with(p)) return true;
  }
  return false;
}

// RUN --mount=type=cache|tmpfs with a target containing one of `fragments`.
bool has_cache_mount(const Instruction& run, const Names& fragments) {
  const auto* r = run.as<build::RunCommand>();
  if (!r) return false;
  for (const auto& m : r->mounts) {
    if (m.type != build::RunMount::Type::Cache && m.type != build::RunMount::Type::Tmpfs) continue;
    for (auto f : fragments)
      if (m.target.find(f) != std::string::npos) return true;
  }
  return false;
}

// True when some install is not followed by a clean later in the same RUN.
template <typename Install, typename Clean>
bool left_uncleaned(const Instruction& run, Install is_install, Clean is_clean) {
  bool pending = false;
  for (const auto& c : run.unwrapped) {
    if (is_install(c)) pending = true;
    else if (is_clean(c)) pending = false;
  }
  return pending;
}

// Reports every RUN with a command matching `pred` (once per instruction).
template <typename Pred>
void report_commands(const Model& m, Reporter& r, Pred pred) {
  for (const Instruction* run : run_instructions(m)) {
    if (std::any_of(run->unwrapped.begin(), run->unwrapped.end(), pred)) r.at(*run);
  }
}

// ---------------------------------------------------------------- yum

const Names kYum = {"yum"};
const Names kDnf = {"dnf", "microdnf"};

// DL3030: yum install without -y.
void check_dl3030(const Model& m, const RuleOptions&, Reporter& r) {
  report_commands(m, r, [](const SimpleCommand& c) {
    return has_arg(c, kYum, {"install", "groupinstall", "localinstall"}, kYumValueFlags) && !c.has_flag('y') &&
           !c.has_flag("--assumeyes");
  });
}

// DL3032: yum install without `yum clean all` (or removing /var/cache/yum)
// after it in the same RUN.
void check_dl3032(const Model& m, const RuleOptions&, Reporter& r) {
  for (const Instruction* run : run_instructions(m)) {
    if (has_cache_mount(*run, {"/var/cache/yum", "/var/cache/dnf"})) continue;
    bool bad = left_uncleaned(
        *run, [](const SimpleCommand& c) { return has_arg(c, kYum, {"install"}, kYumValueFlags); },
        [](const SimpleCommand& c) {
          return has_arg(c, kYum, {"clean"}, kYumValueFlags) || removes_cache(c, {"/var/cache/yum", "/var/cache/dnf"});
        });
    if (bad) r.at(*run);
  }
}

// The variables a word refers to: $NAME and ${NAME...}.
std::vector<std::string> referenced_vars(std::string_view s) {
  std::vector<std::string> out;
  auto name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$') continue;
    size_t j = i + 1;
    if (j < s.size() && s[j] == '{') ++j;
    size_t start = j;
    while (j < s.size() && name_char(s[j])) ++j;
    if (j > start) out.emplace_back(s.substr(start, j - start));
  }
  return out;
}

// ARGs seen so far (any stage, as Hadolint) and ENVs of each stage (a stage
// built FROM an earlier stage inherits its ENVs), walked in file order.
class VarScope {
 public:
  void see(const Model& m, const Instruction& ins) {
    if (ins.as<build::FromCommand>()) {
      std::set<std::string> inherited;
      if (ins.stage >= 0) {
        std::string image = lower(m.stages[ins.stage].image);
        for (int s = 0; s < ins.stage; ++s) {
          if (!m.stages[s].name.empty() && m.stages[s].name == image) inherited = env_[s];
        }
      }
      env_[ins.stage] = std::move(inherited);
    } else if (const auto* e = ins.as<build::EnvCommand>()) {
      for (const auto& kv : e->env) env_[ins.stage].insert(kv.key);
    } else if (const auto* a = ins.as<build::ArgCommand>()) {
      for (const auto& arg : a->args) args_.insert(arg.key);
    }
  }
  bool defined(int stage, const std::string& name) const {
    if (args_.contains(name)) return true;
    auto it = env_.find(stage);
    return it != env_.end() && it->second.contains(name);
  }

 private:
  std::set<std::string> args_;
  std::map<int, std::set<std::string>> env_;
};

// Calls fn(run, scope) for every RUN (ONBUILD triggers included) with the
// variables defined before it.
template <typename Fn>
void runs_with_scope(const Model& m, Fn fn) {
  VarScope scope;
  for (const auto& ins : m.instructions) {
    scope.see(m, ins);
    if (ins.is("RUN")) fn(ins, scope);
    if (ins.trigger) {
      scope.see(m, *ins.trigger);
      if (ins.trigger->is("RUN")) fn(*ins.trigger, scope);
    }
  }
}

bool version_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '~' || c == '^' || c == '_' || c == ':' ||
         c == '+';
}

// name-version[-release]: some part after the first '-' starts with a digit
// and all of them are made of version characters.
bool rpm_version_fixed(const VarScope& scope, int stage, const std::string& pkg) {
  if (pkg.ends_with(".rpm")) return true;  // a file or URL of one exact build
  for (auto scheme : {"http://", "https://", "ftp://", "file://"})
    if (pkg.starts_with(scheme)) return true;
  if (pkg.starts_with('@')) return true;  // @group (an @module:stream is checked as a module)
  size_t dash = pkg.find('-');
  if (dash == std::string::npos) return false;
  if (pkg.find('$') != std::string::npos) {
    auto vars = referenced_vars(pkg);
    return std::any_of(vars.begin(), vars.end(), [&](const std::string& v) { return scope.defined(stage, v); });
  }
  bool any_digit = false;
  size_t start = dash + 1;
  while (true) {
    size_t end = pkg.find('-', start);
    std::string_view part = std::string_view(pkg).substr(start, end == std::string::npos ? end : end - start);
    if (!std::all_of(part.begin(), part.end(), version_char)) return false;
    if (!part.empty() && std::isdigit(static_cast<unsigned char>(part[0]))) any_digit = true;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return any_digit;
}

// DL3033 / DL3041: every package of `<tool> install` pinned as
// name-version, every module of `<tool> module install` as name:stream;
// group installs are not checked.
bool rpm_install_pinned(const SimpleCommand& c, const Names& tools, const VarScope& scope, int stage) {
  if (!in(c.name(), tools)) return true;
  auto pos = positionals(c, kYumValueFlags);
  auto install = std::find(pos.begin(), pos.end(), "install");
  if (install == pos.end()) return true;
  bool module = std::find(pos.begin(), install, "module") != install;
  bool group = std::find(pos.begin(), install, "group") != install || std::find(pos.begin(), install, "groups") != install;
  if (group) return true;
  for (auto it = install + 1; it != pos.end(); ++it) {
    if (*it == "install" || *it == "module") continue;
    if (module) {
      if (it->find(':') == std::string::npos) return false;
    } else if (it->starts_with('@') && it->find(':') != std::string::npos) {
      continue;  // @module:stream
    } else if (!rpm_version_fixed(scope, stage, *it)) {
      return false;
    }
  }
  return true;
}

void check_pinned(const Model& m, Reporter& r, const Names& tools) {
  runs_with_scope(m, [&](const Instruction& run, const VarScope& scope) {
    for (const auto& c : run.unwrapped) {
      if (!rpm_install_pinned(c, tools, scope, run.stage)) {
        r.at(run);
        return;
      }
    }
  });
}

// DL3033: yum install of a package without a version.
void check_dl3033(const Model& m, const RuleOptions&, Reporter& r) { check_pinned(m, r, kYum); }

// ---------------------------------------------------------------- zypper

const Names kZypper = {"zypper"};

// DL3034: zypper install/remove/patch without -n/-y/--non-interactive.
void check_dl3034(const Model& m, const RuleOptions&, Reporter& r) {
  report_commands(m, r, [](const SimpleCommand& c) {
    return has_arg(c, kZypper, {"install", "in", "remove", "rm", "source-install", "si", "patch"},
                   kZypperValueFlags) &&
           !c.has_flag('n') && !c.has_flag('y') && !c.has_flag("--non-interactive") && !c.has_flag("--no-confirm");
  });
}

// DL3035: zypper dist-upgrade.
void check_dl3035(const Model& m, const RuleOptions&, Reporter& r) {
  report_commands(m, r,
                  [](const SimpleCommand& c) { return has_arg(c, kZypper, {"dist-upgrade", "dup"}, kZypperValueFlags); });
}

// DL3036: zypper install without `zypper clean` after it in the same RUN.
void check_dl3036(const Model& m, const RuleOptions&, Reporter& r) {
  for (const Instruction* run : run_instructions(m)) {
    if (has_cache_mount(*run, {"/var/cache/zypp"})) continue;
    bool bad = left_uncleaned(
        *run, [](const SimpleCommand& c) { return has_arg(c, kZypper, {"install", "in"}, kZypperValueFlags); },
        [](const SimpleCommand& c) {
          return has_arg(c, kZypper, {"clean", "cc"}, kZypperValueFlags) || removes_cache(c, {"/var/cache/zypp"});
        });
    if (bad) r.at(*run);
  }
}

bool is_comparison(std::string_view s) { return s == "=" || s == "==" || s == ">=" || s == "<=" || s == ">" || s == "<"; }

// DL3037: zypper install of a package without name=version (or >=, <, ...).
bool zypper_install_pinned(const SimpleCommand& c) {
  if (c.name() != "zypper") return true;
  auto pos = positionals(c, kZypperValueFlags);
  auto install = std::find_if(pos.begin(), pos.end(), [](const std::string& a) { return a == "install" || a == "in"; });
  if (install == pos.end()) return true;
  // Patterns, products and patches have no versions to pin.
  if (auto type = c.flag_value("--type") ? c.flag_value("--type") : c.flag_value("-t");
      type && *type != "package" && *type != "srcpackage")
    return true;
  for (auto it = install + 1; it != pos.end(); ++it) {
    const std::string& p = *it;
    if (p == "install" || p == "in") continue;
    if (p.find_first_of("=<>") != std::string::npos || p.ends_with(".rpm")) continue;
    // `zypper in 'pkg' '>=' 1.2` written as separate words.
    if (pos.end() - it > 2 && is_comparison(*(it + 1))) {
      it += 2;
      continue;
    }
    return false;
  }
  return true;
}

void check_dl3037(const Model& m, const RuleOptions&, Reporter& r) {
  report_commands(m, r, [](const SimpleCommand& c) { return !zypper_install_pinned(c); });
}

// ---------------------------------------------------------------- dnf, microdnf

// DL3038: dnf/microdnf install without -y.
void check_dl3038(const Model& m, const RuleOptions&, Reporter& r) {
  report_commands(m, r, [](const SimpleCommand& c) {
    return has_arg(c, kDnf, {"install", "groupinstall", "localinstall"}, kYumValueFlags) && !c.has_flag('y') &&
           !c.has_flag("--assumeyes");
  });
}

// DL3040: dnf/microdnf install or upgrade without `<the same tool> clean all`
// (or removing its cache) after it in the same RUN.
void check_dl3040(const Model& m, const RuleOptions&, Reporter& r) {
  const Names installs = {"install", "in", "upgrade", "up", "upgrade-minimal", "up-min", "reinstall", "rei"};
  const Names caches = {"/var/cache/libdnf5", "/var/cache/dnf", "/var/cache/yum"};
  for (const Instruction* run : run_instructions(m)) {
    if (has_cache_mount(*run, {"/var/cache/libdnf5", ".cache/libdnf5", "/var/cache/dnf"})) continue;
    bool bad = false;
    for (std::string_view tool : kDnf) {
      bad = bad || left_uncleaned(
                       *run, [&](const SimpleCommand& c) { return has_arg(c, {tool}, installs, kYumValueFlags); },
                       [&](const SimpleCommand& c) {
                         return has_arg(c, {tool}, {"clean"}, kYumValueFlags) || removes_cache(c, caches);
                       });
    }
    if (bad) r.at(*run);
  }
}

// DL3041: dnf/microdnf install of a package without a version.
void check_dl3041(const Model& m, const RuleOptions&, Reporter& r) { check_pinned(m, r, kDnf); }

}  // namespace

std::vector<Rule> rpm_rules() {
  return {
      {{"DL3030", Severity::Warning, "Use the -y switch to avoid manual input `yum install -y <package>`"},
       check_dl3030},
      {{"DL3032", Severity::Warning, "`yum clean all` missing after yum command."}, check_dl3032},
      {{"DL3033", Severity::Warning, "Specify version with `yum install -y <package>-<version>`."}, check_dl3033},
      {{"DL3034", Severity::Warning, "Non-interactive switch missing from `zypper` command: `zypper install -y`"},
       check_dl3034},
      {{"DL3035", Severity::Warning, "Do not use `zypper dist-upgrade`."}, check_dl3035},
      {{"DL3036", Severity::Warning, "`zypper clean` missing after zypper use."}, check_dl3036},
      {{"DL3037", Severity::Warning, "Specify version with `zypper install -y <package>=<version>`."}, check_dl3037},
      {{"DL3038", Severity::Warning, "Use the -y switch to avoid manual input `dnf install -y <package>`"},
       check_dl3038},
      {{"DL3040", Severity::Warning, "`dnf clean all` missing after dnf command."}, check_dl3040},
      {{"DL3041", Severity::Warning, "Specify version with `dnf install -y <package>-<version>`."}, check_dl3041},
  };
}

}  // namespace hako::lint
