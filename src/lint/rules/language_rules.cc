// Rules over language package managers in RUN: pip (and python -m pip,
// pipx), npm, gem, yarn and go (pinning versions, caches).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "lint/rule.h"
#include "lint/rules/rule_util.h"

namespace hako::lint {
namespace {

using shell::SimpleCommand;
// `stem` followed only by a version: pip, pip3, pip3.11; python3.12.
bool versioned_name(std::string_view name, std::string_view stem) {
  if (!name.starts_with(stem)) return false;
  auto rest = name.substr(stem.size());
  return std::all_of(rest.begin(), rest.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
}

std::vector<std::string> positionals(const SimpleCommand& cmd, const std::vector<std::string>& value_flags) {
  std::vector<std::string> out;
  for (const auto& w : cmd.positional_args(value_flags)) out.push_back(w.value);
  return out;
}

// RUN --mount=type=cache|tmpfs with a target containing `fragment`.
bool has_cache_mount(const Instruction& run, std::string_view fragment) {
  const auto* r = run.as<build::RunCommand>();
  if (!r) return false;
  return std::any_of(r->mounts.begin(), r->mounts.end(), [&](const build::RunMount& m) {
    return (m.type == build::RunMount::Type::Cache || m.type == build::RunMount::Type::Tmpfs) &&
           m.target.find(fragment) != std::string::npos;
  });
}

// Reports every RUN with a command matching `pred` (once per instruction).
template <typename Pred>
void report_commands(const Model& m, Reporter& r, Pred pred) {
  for (const Instruction* run : run_instructions(m)) {
    if (std::any_of(run->unwrapped.begin(), run->unwrapped.end(), pred)) r.at(*run);
  }
}

// ---------------------------------------------------------------- pip

enum class PipKind { Pip, Pipx };

// The pip invocation in `c`: `pip ...`, `pip3.11 ...`, `pipx ...`, or
// `python3 -m pip ...` as a command whose words[0] is pip and the rest pip's
// arguments. pipenv is not pip.
std::optional<SimpleCommand> pip_view(const SimpleCommand& c, PipKind* kind) {
  std::string_view name = basename(c.name());
  if (versioned_name(name, "pip")) {
    *kind = PipKind::Pip;
    return c;
  }
  if (name == "pipx") {
    *kind = PipKind::Pipx;
    return c;
  }
  if (!versioned_name(name, "python")) return std::nullopt;
  for (size_t k = 1; k < c.words.size(); ++k) {
    std::string_view w = c.words[k].value;
    std::string_view module;
    size_t rest = k + 1;
    if (w == "-m" && k + 1 < c.words.size()) {
      module = c.words[k + 1].value;
      rest = k + 2;
    } else if (w.starts_with("-m") && w.size() > 2) {
      module = w.substr(2);
    } else if (w == "-c" || (!w.starts_with('-'))) {
      return std::nullopt;  // a script or -c code: not running a module
    } else {
      continue;
    }
    if (module == "pip" || versioned_name(module, "pip")) *kind = PipKind::Pip;
    else if (module == "pipx") *kind = PipKind::Pipx;
    else return std::nullopt;
    SimpleCommand view = c;
    view.words.assign(c.words.begin() + static_cast<std::ptrdiff_t>(rest) - 1, c.words.end());
    view.words[0].value = std::string(module);
    return view;
  }
  return std::nullopt;
}

// pip's options that take the next word as their value.
const std::vector<std::string> kPipValueFlags = {
    "--abi", "-b", "--build", "-e", "--editable", "--extra-index-url", "-f", "--find-links", "-i", "--index-url",
    "--implementation", "--no-binary", "--only-binary", "--platform", "--prefix", "--progress-bar", "--proxy",
    "--python", "--python-version", "--root", "--root-user-action", "--src", "-t", "--target", "--trusted-host",
    "--upgrade-strategy", "-r", "--requirement", "-c", "--constraint", "--log", "--log-file", "--cache-dir",
    "--timeout", "--retries", "--exists-action", "--cert", "--client-cert", "-C", "--config-settings",
    "--global-option", "--install-option", "--report", "--use-feature", "--use-deprecated", "--keyring-provider",
    "--pip-args", "--suffix", "--group"};

// The packages of a `pip install`, or nullopt when `pip` does not install.
std::optional<std::vector<std::string>> pip_install_packages(const SimpleCommand& pip) {
  auto pos = positionals(pip, kPipValueFlags);
  if (pos.empty() || pos[0] != "install") return std::nullopt;
  size_t k = 1;
  while (k < pos.size() && pos[k] == "install") ++k;
  return std::vector<std::string>(pos.begin() + static_cast<std::ptrdiff_t>(k), pos.end());
}

const Names kVcsSchemes = {"git+", "git:", "git", "hg+", "svn+", "svn", "bzr+"};

bool pip_version_fixed(std::string_view p) {
  for (auto op : {"==", ">=", "<=", ">", "<", "!=", "~="})
    if (p.find(op) != std::string_view::npos) return true;
  if (p == "." || p == "..") return true;  // the project in a directory
  bool vcs = starts_with_any(p, kVcsSchemes) && p.find("://") != std::string_view::npos;
  if (vcs) return p.find('@', p.find("://") + 3) != std::string_view::npos;
  if (ends_with_any(p, {".whl", ".tar.gz"})) return true;  // a local archive
  return p.find('/') != std::string_view::npos;             // a path or a URL (name @ https://...)
}

// DL3013: pip install of a package without a version.
void check_dl3013(const Model& m, const RuleOptions&, Reporter& r) {
  report_commands(m, r, [](const SimpleCommand& c) {
    PipKind kind;
    auto pip = pip_view(c, &kind);
    if (!pip) return false;
    auto pkgs = pip_install_packages(*pip);
    if (!pkgs) return false;
    // Requirements and constraints files say the versions.
    if (pip->has_flag("--requirement") || pip->has_flag('r') || pip->has_flag("--constraint") || pip->has_flag('c'))
      return false;
    return !std::all_of(pkgs->begin(), pkgs->end(), [](const std::string& p) { return pip_version_fixed(p); });
  });
}

bool truthy(std::string v) {
  v = lower(std::move(v));
  return v == "1" || v == "true" || v == "on" || v == "yes";
}

// PIP_NO_CACHE_DIR=<truthy> among `words` (NAME=value words).
bool sets_no_cache(const std::vector<shell::Word>& words) {
  for (const auto& w : words) {
    if (w.assignment_name() == "PIP_NO_CACHE_DIR") {
      std::string_view v = w.value;
      if (truthy(std::string(v.substr(v.find('=') + 1)))) return true;
    }
  }
  return false;
}

// DL3042: pip install without --no-cache-dir, unless PIP_NO_CACHE_DIR is set
// (ENV of the stage or a stage it is built FROM, the command's prefix, or an
// earlier `export` / assignment in the same RUN) or pip's cache is a cache
// mount.
void check_dl3042(const Model& m, const RuleOptions&, Reporter& r) {
  std::map<int, bool> stage_no_cache;
  auto check_run = [&](const Instruction& run) {
    if (stage_no_cache[run.stage] || has_cache_mount(run, ".cache/pip")) return;
    bool exported = false;
    for (const auto& c : run.unwrapped) {
      if (c.words.empty()) {
        exported = exported || sets_no_cache(c.assignments);
        continue;
      }
      if (c.name() == "export") {
        exported = exported || sets_no_cache(c.args());
        continue;
      }
      PipKind kind;
      auto pip = pip_view(c, &kind);
      if (!pip || kind != PipKind::Pip || !pip_install_packages(*pip)) continue;
      if (pip->has_flag("--no-cache-dir") || exported || sets_no_cache(c.assignments)) continue;
      r.at(run);
      return;
    }
  };
  auto see = [&](const Instruction& ins) {
    if (ins.as<build::FromCommand>() && ins.stage >= 0) {
      bool inherited = false;
      std::string image = lower(m.stages[ins.stage].image);
      for (int s = 0; s < ins.stage; ++s)
        if (!m.stages[s].name.empty() && m.stages[s].name == image) inherited = stage_no_cache[s];
      stage_no_cache[ins.stage] = inherited;
    } else if (const auto* e = ins.as<build::EnvCommand>()) {
      for (const auto& kv : e->env)
        if (kv.key == "PIP_NO_CACHE_DIR") stage_no_cache[ins.stage] = truthy(kv.value);
    } else if (ins.is("RUN")) {
      check_run(ins);
    }
  };
  for (const auto& ins : m.instructions) {
    see(ins);
    if (ins.trigger) see(*ins.trigger);
  }
}

// ---------------------------------------------------------------- npm

const std::vector<std::string> kNpmValueFlags = {"--loglevel", "--registry", "--prefix", "--cache", "--userconfig",
                                                 "--tag", "-w", "--workspace", "--omit", "--include",
                                                 "--install-strategy"};

bool npm_version_fixed(std::string_view p) {
  if (starts_with_any(p, {"git://", "git+ssh://", "git+http://", "git+https://", "github:", "gitlab:", "bitbucket:",
                          "gist:"}))
    return p.find('#') != std::string_view::npos;  // a commit, tag or semver range
  if (ends_with_any(p, {".tar", ".tar.gz", ".tgz"})) return true;
  if (starts_with_any(p, {"/", "./", "../", "~/", "file:", "http://", "https://"})) return true;
  if (p == "." || p == "..") return true;
  // name@version; for @scope/name the version's @ comes after the slash.
  size_t from = 0;
  if (p.starts_with('@')) {
    size_t slash = p.find('/');
    if (slash == std::string_view::npos) return false;
    from = slash;
  }
  return p.find('@', from) != std::string_view::npos;
}

// DL3016: npm install of a package without a version (npm install and npm
// ci of package.json are fine).
void check_dl3016(const Model& m, const RuleOptions&, Reporter& r) {
  report_commands(m, r, [](const SimpleCommand& c) {
    if (basename(c.name()) != "npm") return false;
    auto pos = positionals(c, kNpmValueFlags);
    if (pos.empty() || !in(pos[0], {"install", "i", "add"})) return false;
    return !std::all_of(pos.begin() + 1, pos.end(), [](const std::string& p) { return npm_version_fixed(p); });
  });
}

// ---------------------------------------------------------------- gem

const Names kGemValueFlags = {"-v", "--version", "--platform", "-i", "--install-dir", "-n", "--bindir", "-s",
                              "--source", "-p", "--http-proxy", "-g", "--file", "--build-root", "-P",
                              "--trust-policy", "--target-rbconfig", "--config-file"};
const Names kGemBoolFlags = {
    "--no-document", "--no-ri", "--no-rdoc", "--user-install", "--no-user-install", "--env-shebang",
    "--no-env-shebang", "--force", "--no-force", "--wrappers", "--no-wrappers", "--ignore-dependencies",
    "--minimal-deps", "--conservative", "--development", "--development-all", "--prerelease", "--pre",
    "--no-prerelease", "--local", "--remote", "--both", "--update-sources", "--clear-sources", "--quiet",
    "--verbose", "--no-verbose", "--backtrace", "--debug", "--norc", "--lock", "--no-lock", "--suggestions",
    "--no-suggestions", "--default", "--explain", "--post-install-message", "--no-post-install-message",
    "--vendor", "--silent", "--system", "--no-system", "--format-executable", "--no-format-executable",
    "--user", "--no-user"};
constexpr std::string_view kGemBoolLetters = "NEfwlrbuqVh";

// The gems a `gem install` names (up to `--`, after which come build
// options). An option gem does not know is taken to have a value, as
// Hadolint does.
std::vector<std::string> gem_names(const SimpleCommand& c) {
  std::vector<std::string> out;
  bool seen_install = false;
  for (size_t k = 1; k < c.words.size(); ++k) {
    std::string_view a = c.words[k].value;
    if (a == "--") break;
    if (a.starts_with("-") && a != "-") {
      bool value = in(a, kGemValueFlags);
      if (!value && !a.starts_with("--")) {
        value = !std::all_of(a.begin() + 1, a.end(), [](char l) { return kGemBoolLetters.find(l) != std::string_view::npos; });
      } else if (!value && a.find('=') == std::string_view::npos) {
        value = !in(a, kGemBoolFlags);
      }
      if (value) ++k;
      continue;
    }
    if (!seen_install) {
      if (a != "install" && a != "i") return {};
      seen_install = true;
      continue;
    }
    out.emplace_back(a);
  }
  return out;
}

// DL3028: gem install without name:version or -v/--version.
void check_dl3028(const Model& m, const RuleOptions&, Reporter& r) {
  report_commands(m, r, [](const SimpleCommand& c) {
    if (basename(c.name()) != "gem") return false;
    auto gems = gem_names(c);
    if (gems.empty() || c.has_flag('v') || c.has_flag("--version")) return false;
    return !std::all_of(gems.begin(), gems.end(), [](const std::string& g) {
      return g.find(':') != std::string::npos || g.ends_with(".gem");
    });
  });
}

// ---------------------------------------------------------------- yarn

bool yarn_install(const SimpleCommand& c) {
  if (basename(c.name()) != "yarn") return false;
  auto pos = positionals(c, {"--cwd", "--modules-folder", "--cache-folder", "--mutex", "--network-timeout"});
  return std::find(pos.begin(), pos.end(), "install") != pos.end();
}
bool yarn_cache_clean(const SimpleCommand& c) {
  if (basename(c.name()) != "yarn") return false;
  auto pos = positionals(c, {"--cwd"});
  return pos.size() >= 2 && pos[0] == "cache" && pos[1] == "clean";
}

// DL3060: yarn install without `yarn cache clean` after it in the same RUN,
// in a stage that ends up in an image (the last stage or one another stage
// is built FROM).
void check_dl3060(const Model& m, const RuleOptions&, Reporter& r) {
  std::set<std::string> used_as_base;
  for (const auto& st : m.stages) used_as_base.insert(lower(st.image));
  int last = static_cast<int>(m.stages.size()) - 1;
  for (const Instruction* run : run_instructions(m)) {
    if (run->stage < 0 || has_cache_mount(*run, ".cache/yarn")) continue;
    const Stage& st = m.stages[run->stage];
    if (run->stage != last && (st.name.empty() || !used_as_base.contains(st.name))) continue;
    bool pending = false;
    for (const auto& c : run->unwrapped) {
      if (yarn_install(c)) pending = true;
      else if (yarn_cache_clean(c)) pending = false;
    }
    if (pending) r.at(*run);
  }
}

// ---------------------------------------------------------------- go

const Names kGoValueFlags = {"o", "p", "C", "asmflags", "buildmode", "compiler", "gccgoflags", "gcflags",
                             "installsuffix", "ldflags", "mod", "modfile", "overlay", "pgo", "pkgdir", "tags",
                             "toolexec", "exec", "coverpkg", "covermode"};

// go's positional arguments: its flags are -name or --name, with the value
// as -name=value or the next word.
std::vector<std::string> go_positionals(const SimpleCommand& c) {
  std::vector<std::string> out;
  bool options = true;
  for (size_t k = 1; k < c.words.size(); ++k) {
    std::string_view a = c.words[k].value;
    if (!options || a == "-" || !a.starts_with('-')) {
      out.emplace_back(a);
      // go's flags come before the packages; after `go run pkg` the rest
      // belongs to the program.
      if (out.size() >= 2 && out[0] == "run") options = false;
      continue;
    }
    if (a == "--") {
      options = false;
      continue;
    }
    std::string_view f = a.substr(a.starts_with("--") ? 2 : 1);
    if (f.find('=') == std::string_view::npos && in(f, kGoValueFlags)) ++k;
  }
  return out;
}

bool go_version_fixed(std::string_view p) {
  if (p == "." || p.starts_with('/') || p.starts_with('.')) return true;  // local packages
  if (p.ends_with(".go")) return true;                                    // go run main.go
  size_t at = p.find('@');
  if (at == std::string_view::npos) return false;
  return !p.ends_with("@latest") && !p.ends_with("@none");
}

// DL3062: go install / go get / go run of a package without @version (or
// with @latest).
void check_dl3062(const Model& m, const RuleOptions&, Reporter& r) {
  report_commands(m, r, [](const SimpleCommand& c) {
    if (basename(c.name()) != "go") return false;
    auto pos = go_positionals(c);
    if (pos.empty()) return false;
    std::vector<std::string> pkgs;
    if (pos[0] == "run") {
      if (pos.size() >= 2) pkgs.push_back(pos[1]);
    } else if (pos[0] == "install" || pos[0] == "get") {
      pkgs.assign(pos.begin() + 1, pos.end());
    }
    return !std::all_of(pkgs.begin(), pkgs.end(), [](const std::string& p) { return go_version_fixed(p); });
  });
}

}  // namespace

std::vector<Rule> language_rules() {
  return {
      {{"DL3013", Severity::Warning,
        "Pin versions in pip. Instead of `pip install <package>` use `pip install <package>==<version>` or `pip "
        "install --requirement <requirements file>`"},
       check_dl3013},
      {{"DL3016", Severity::Warning,
        "Pin versions in npm. Instead of `npm install <package>` use `npm install <package>@<version>`"},
       check_dl3016},
      {{"DL3028", Severity::Warning,
        "Pin versions in gem install. Instead of `gem install <gem>` use `gem install <gem>:<version>`"},
       check_dl3028},
      {{"DL3042", Severity::Warning,
        "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`"},
       check_dl3042},
      {{"DL3060", Severity::Info, "`yarn cache clean` missing after `yarn install` was run."}, check_dl3060},
      {{"DL3062", Severity::Warning,
        "Pin versions in go. Instead of `go install <package>` use `go install <package>@<version>`"},
       check_dl3062},
  };
}

}  // namespace hako::lint
