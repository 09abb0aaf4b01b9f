// Rules over the Debian and Alpine package managers: apt-get, apt, aptitude
// and apk.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "lint/rule.h"
#include "lint/rules/rule_util.h"

namespace hako::lint {
namespace {

using shell::SimpleCommand;

// apt-get's options that take a value (so that `apt-get -o X=y install`
// still has `install` as its subcommand).
const std::vector<std::string>& apt_value_flags() {
  static const std::vector<std::string> f = {"-o", "--option", "-c", "--config-file", "-t", "--target-release",
                                             "--default-release", "-a", "--host-architecture"};
  return f;
}

// apk's options that take a value.
const std::vector<std::string>& apk_value_flags() {
  static const std::vector<std::string> f = {"-X", "--repository", "-p", "--root", "--arch", "--cache-dir",
                                             "--keys-dir", "--repositories-file", "-t", "--virtual", "--timeout"};
  return f;
}

bool is_apt_get(const SimpleCommand& c, std::string_view sub) {
  return c.name() == "apt-get" && subcommand(c, apt_value_flags()) == sub;
}

bool is_apk_add(const SimpleCommand& c) { return c.name() == "apk" && subcommand(c, apk_value_flags()) == "add"; }

// The packages of `apt-get install` / `apk add`: the positional args after
// the subcommand.
std::vector<std::string> packages(const SimpleCommand& c, const std::vector<std::string>& value_flags) {
  std::vector<std::string> out;
  auto pos = c.positional_args(value_flags);
  for (size_t k = 1; k < pos.size(); ++k) out.push_back(pos[k].value);
  return out;
}

// The configuration items given with -o / --option ("APT::Get::Assume-Yes=true").
std::vector<std::string> apt_options(const SimpleCommand& c) {
  std::vector<std::string> out;
  for (size_t k = 1; k < c.words.size(); ++k) {
    std::string_view a = c.words[k].value;
    if (a == "--") break;
    if ((a == "-o" || a == "--option") && k + 1 < c.words.size()) {
      out.push_back(c.words[++k].value);
    } else if (a.starts_with("--option=")) {
      out.emplace_back(a.substr(9));
    } else if (a.starts_with("-o") && a.size() > 2 && a[2] != '-') {
      out.emplace_back(a.substr(2));
    }
  }
  return out;
}

// An -o item setting `key` (case-insensitive, as apt reads it) to one of
// `values`.
bool apt_option_is(const SimpleCommand& c, std::string_view key, const std::vector<std::string_view>& values) {
  for (const auto& o : apt_options(c)) {
    size_t eq = o.find('=');
    if (eq == std::string::npos || lower(o.substr(0, eq)) != lower(key)) continue;
    std::string v = lower(o.substr(eq + 1));
    if (std::find(values.begin(), values.end(), v) != values.end()) return true;
  }
  return false;
}

bool has_cache_mount(const Instruction& run, std::string_view fragment) {
  const auto* rc = run.as<build::RunCommand>();
  if (!rc) return false;
  return std::any_of(rc->mounts.begin(), rc->mounts.end(), [&](const build::RunMount& mt) {
    return (mt.type == build::RunMount::Type::Cache || mt.type == build::RunMount::Type::Tmpfs) &&
           mt.target.find(fragment) != std::string::npos;
  });
}

// DL3008: apt-get install of a package without =version. Paths (./x.deb,
// /tmp/x) and release pins (pkg/bookworm-backports) count as pinned, as in
// Hadolint.
void check_dl3008(const Model& m, const RuleOptions&, Reporter& r) {
  for (const Instruction* run : run_instructions(m)) {
    bool bad = false;
    for (const auto& c : run->unwrapped) {
      if (!is_apt_get(c, "install")) continue;
      for (const auto& p : packages(c, apt_value_flags())) {
        bool pinned = p.find('=') != std::string::npos || p.find('/') != std::string::npos || p.ends_with(".deb");
        if (!pinned) bad = true;
      }
    }
    if (bad) r.at(*run);
  }
}

// DL3009 ------------------------------------------------------------------

bool is_list_update(const SimpleCommand& c) {
  std::string n = c.name();
  if (n != "apt-get" && n != "apt" && n != "aptitude") return false;
  return subcommand(c, apt_value_flags()) == "update";
}

// rm of /var/lib/apt/lists (or of /var/lib/apt entirely).
bool removes_lists(const SimpleCommand& c) {
  if (c.name() != "rm") return false;
  for (const auto& w : c.positional_args()) {
    std::string_view p = w.value;
    if (p == "/var/lib/apt/lists" || p == "/var/lib/apt/lists/" || p == "/var/lib/apt/lists/*" ||
        p == "/var/lib/apt" || p == "/var/lib/apt/" || p == "/var/lib/apt/*")
      return true;
  }
  return false;
}

// A RUN that updates the apt lists, does not remove them, and does not keep
// them in a cache or tmpfs mount. Reported when the lists end up in an image
// that matters: the final stage, or a stage a later FROM builds on. ONBUILD
// triggers always (they run in whatever image builds on this one).
void check_dl3009(const Model& m, const RuleOptions&, Reporter& r) {
  auto forgets = [](const Instruction& run) {
    bool update = std::any_of(run.unwrapped.begin(), run.unwrapped.end(), is_list_update);
    bool cleanup = std::any_of(run.unwrapped.begin(), run.unwrapped.end(), removes_lists);
    if (!update || cleanup) return false;
    if (has_cache_mount(run, "/var/lib/apt/lists")) return false;
    if (has_cache_mount(run, "/var/lib/apt") && has_cache_mount(run, "/var/cache/apt")) return false;
    return true;
  };
  auto stage_matters = [&](int stage) {
    if (m.stages.empty()) return true;
    if (stage < 0) return false;
    if (stage == static_cast<int>(m.stages.size()) - 1) return true;
    const std::string& name = m.stages[stage].name;
    if (name.empty()) return false;
    return std::any_of(m.stages.begin() + stage + 1, m.stages.end(),
                       [&](const Stage& s) { return lower(s.image) == name; });
  };
  for (const auto& ins : m.instructions) {
    if (ins.is("RUN") && stage_matters(ins.stage) && forgets(ins)) r.at(ins);
    if (ins.trigger && ins.trigger->is("RUN") && forgets(*ins.trigger)) r.at(*ins.trigger);
  }
}

// DL3014: apt-get install without -y (or -qq, which implies it, or
// -o APT::Get::Assume-Yes=true).
bool apt_assumes_yes(const SimpleCommand& c) {
  if (c.has_flag('y') || c.has_flag("--yes") || c.has_flag("--assume-yes")) return true;
  int quiet = 0;
  for (size_t k = 1; k < c.words.size(); ++k) {
    std::string_view a = c.words[k].value;
    if (a == "--") break;
    if (a.starts_with("-q=") || a.starts_with("--quiet=")) {
      std::string_view level = a.substr(a.find('=') + 1);
      if (!level.empty() && level[0] >= '2' && level[0] <= '9') return true;
    } else if (a == "--quiet") {
      ++quiet;
    } else if (a.size() >= 2 && a[0] == '-' && a[1] != '-') {
      quiet += static_cast<int>(std::count(a.begin() + 1, a.end(), 'q'));
    }
  }
  if (quiet >= 2) return true;
  return apt_option_is(c, "APT::Get::Assume-Yes", {"true", "yes", "1"});
}

void check_dl3014(const Model& m, const RuleOptions&, Reporter& r) {
  for (const Instruction* run : run_instructions(m)) {
    bool bad = std::any_of(run->unwrapped.begin(), run->unwrapped.end(),
                           [](const SimpleCommand& c) { return is_apt_get(c, "install") && !apt_assumes_yes(c); });
    if (bad) r.at(*run);
  }
}

// DL3015: apt-get install without --no-install-recommends (or
// -o APT::Install-Recommends=false).
void check_dl3015(const Model& m, const RuleOptions&, Reporter& r) {
  for (const Instruction* run : run_instructions(m)) {
    bool bad = std::any_of(run->unwrapped.begin(), run->unwrapped.end(), [](const SimpleCommand& c) {
      return is_apt_get(c, "install") && !c.has_flag("--no-install-recommends") &&
             !apt_option_is(c, "APT::Install-Recommends", {"false", "no", "0"});
    });
    if (bad) r.at(*run);
  }
}

// DL3027: the `apt` front end.
void check_dl3027(const Model& m, const RuleOptions&, Reporter& r) {
  for (const Instruction* run : run_instructions(m)) {
    bool bad = std::any_of(run->unwrapped.begin(), run->unwrapped.end(),
                           [](const SimpleCommand& c) { return c.name() == "apt"; });
    if (bad) r.at(*run);
  }
}

// DL3018: apk add of a package without a version constraint (= ~ > <);
// .apk files and the --virtual name are not packages to pin.
void check_dl3018(const Model& m, const RuleOptions&, Reporter& r) {
  for (const Instruction* run : run_instructions(m)) {
    bool bad = false;
    for (const auto& c : run->unwrapped) {
      if (!is_apk_add(c)) continue;
      for (const auto& p : packages(c, apk_value_flags())) {
        bool pinned = p.find_first_of("=~<>") != std::string::npos || p.ends_with(".apk");
        if (!pinned) bad = true;
      }
    }
    if (bad) r.at(*run);
  }
}

// DL3019: apk add without --no-cache, unless /var/cache/apk is a cache or
// tmpfs mount of the RUN.
void check_dl3019(const Model& m, const RuleOptions&, Reporter& r) {
  for (const Instruction* run : run_instructions(m)) {
    if (has_cache_mount(*run, "/var/cache/apk")) continue;
    bool bad = std::any_of(run->unwrapped.begin(), run->unwrapped.end(),
                           [](const SimpleCommand& c) { return is_apk_add(c) && !c.has_flag("--no-cache"); });
    if (bad) r.at(*run);
  }
}

}  // namespace

std::vector<Rule> apt_apk_rules() {
  return {
      {{"DL3008", Severity::Warning,
        "Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install "
        "<package>=<version>`"},
       check_dl3008},
      {{"DL3009", Severity::Info, "Delete the apt lists (/var/lib/apt/lists) after installing something"},
       check_dl3009},
      {{"DL3014", Severity::Warning, "Use the `-y` switch to avoid manual input `apt-get -y install <package>`"},
       check_dl3014},
      {{"DL3015", Severity::Info, "Avoid additional packages by specifying `--no-install-recommends`"},
       check_dl3015},
      {{"DL3027", Severity::Warning,
        "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead"},
       check_dl3027},
      {{"DL3018", Severity::Warning,
        "Pin versions in apk add. Instead of `apk add <package>` use `apk add <package>=<version>`"},
       check_dl3018},
      {{"DL3019", Severity::Info,
        "Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*` when done "
        "installing packages"},
       check_dl3019},
  };
}

}  // namespace hako::lint
