// Rules over RUN commands in general: commands that make no sense in a
// container, cd, sudo, archives copied then extracted, useradd, wget/curl,
// `ln` over /bin/sh, and pipes without pipefail.
#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lint/rule.h"
#include "lint/rules/rule_util.h"

namespace hako::lint {
namespace {

using shell::SimpleCommand;

// The last path segment, with / or \ as separators ("C:\x\a.tar" -> "a.tar").
std::string_view path_base(std::string_view p) {
  size_t cut = p.find_last_of("/\\");
  return cut == std::string_view::npos ? p : p.substr(cut + 1);
}

std::string_view drop_quotes(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) return s.substr(1, s.size() - 2);
  return s;
}

bool any_command(const Instruction& ins, std::string_view name) {
  return std::any_of(ins.unwrapped.begin(), ins.unwrapped.end(),
                     [&](const SimpleCommand& c) { return c.name() == name; });
}

// DL3001: commands that make no sense in a container build. Hadolint's list
// (its message also names ifconfig, which it does not check).
void check_dl3001(const Model& m, const RuleOptions&, Reporter& r) {
  static const std::set<std::string, std::less<>> kPointless = {"free", "kill", "mount", "ps", "service",
                                                                "shutdown", "ssh", "top", "vim"};
  for (const Instruction* run : run_instructions(m)) {
    bool bad = std::any_of(run->unwrapped.begin(), run->unwrapped.end(),
                           [](const SimpleCommand& c) { return kPointless.contains(c.name()); });
    if (bad) r.at(*run);
  }
}

// DL3003: cd in a RUN (anywhere: in a chain, a subshell or a substitution).
void check_dl3003(const Model& m, const RuleOptions&, Reporter& r) {
  for (const Instruction* run : run_instructions(m)) {
    if (any_command(*run, "cd")) r.at(*run);
  }
}

// DL3004: sudo, also behind other wrappers (`env FOO=1 sudo ...`).
void check_dl3004(const Model& m, const RuleOptions&, Reporter& r) {
  for (const Instruction* run : run_instructions(m)) {
    bool found = false;
    for (const auto& cmd : run->commands) {
      SimpleCommand c = cmd;
      for (int guard = 0; guard < 16 && !found; ++guard) {
        if (c.name() == "sudo") found = true;
        auto w = c.wrapped();
        if (!w) break;
        c = std::move(*w);
      }
      if (found) break;
    }
    if (found) r.at(*run);
  }
}

// DL3010 ------------------------------------------------------------------

bool is_archive_name(std::string_view name) {
  static constexpr std::array<std::string_view, 15> kExt = {".tar", ".Z",   ".bz2", ".gz",  ".lz",
                                                            ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2",
                                                            ".tgz", ".tlz", ".tpz", ".txz", ".xz"};
  name = drop_quotes(name);
  return std::any_of(kExt.begin(), kExt.end(), [&](std::string_view e) { return name.ends_with(e); });
}

bool is_extracting(const SimpleCommand& c) {
  static const std::set<std::string, std::less<>> kDecompressors = {
      "unzip", "gunzip", "bunzip2", "unlzma", "unxz", "zgz", "uncompress", "zcat", "gzcat"};
  std::string name = c.name();
  if (kDecompressors.contains(name)) return true;
  if (name != "tar") return false;
  if (c.has_flag("--extract") || c.has_flag("--get") || c.has_flag('x')) return true;
  // Old-style options: `tar xzf a.tgz`.
  if (c.words.size() > 1) {
    std::string_view first = c.words[1].value;
    if (!first.empty() && first[0] != '-' && first.find('x') != std::string_view::npos &&
        std::all_of(first.begin(), first.end(), [](char ch) { return std::isalpha(static_cast<unsigned char>(ch)); }))
      return true;
  }
  return false;
}

// An archive COPY'd in (not --from another stage), then extracted by a RUN
// of the same stage: reported at the COPY.
void check_dl3010(const Model& m, const RuleOptions&, Reporter& r) {
  struct Archive {
    int line;
    std::string name;
  };
  std::vector<Archive> archives;
  std::set<int> extracted;
  auto scan_run = [&](const Instruction& run) {
    for (const auto& c : run.unwrapped) {
      if (!is_extracting(c)) continue;
      for (const auto& w : c.positional_args()) {
        std::string_view b = path_base(w.value);
        for (const auto& a : archives) {
          if (a.name == b) extracted.insert(a.line);
        }
      }
    }
  };
  for (const auto& ins : m.instructions) {
    if (ins.as<build::FromCommand>()) {
      archives.clear();
      continue;
    }
    if (const auto* cp = ins.as<build::CopyCommand>(); cp && !cp->is_add && cp->from.empty()) {
      std::string_view dest = drop_quotes(cp->dest);
      if (is_archive_name(dest)) {
        archives.push_back({ins.line, std::string(path_base(dest))});
      } else {
        for (const auto& s : cp->sources) {
          std::string_view src = drop_quotes(s);
          if (is_archive_name(src)) archives.push_back({ins.line, std::string(path_base(src))});
        }
      }
      continue;
    }
    if (ins.is("RUN")) scan_run(ins);
    if (ins.trigger && ins.trigger->is("RUN")) scan_run(*ins.trigger);
  }
  for (int line : extracted) r.at_line(line);
}

// DL3046: useradd with a UID of more than five digits and no -l.
void check_dl3046(const Model& m, const RuleOptions&, Reporter& r) {
  auto uid_of = [](const SimpleCommand& c) -> std::optional<std::string> {
    std::optional<std::string> uid;
    for (size_t k = 1; k < c.words.size(); ++k) {
      std::string_view a = c.words[k].value;
      if (a == "--") break;
      if (a == "--uid" || (a.size() >= 2 && a[0] == '-' && a[1] != '-' && a.back() == 'u')) {
        if (k + 1 < c.words.size()) uid = c.words[++k].value;
      } else if (a.starts_with("--uid=")) {
        uid = std::string(a.substr(6));
      } else if (a.starts_with("-u") && a.size() > 2) {
        uid = std::string(a.substr(2));
      }
    }
    return uid;
  };
  for (const Instruction* run : run_instructions(m)) {
    bool bad = false;
    for (const auto& c : run->unwrapped) {
      if (c.name() != "useradd" || c.has_flag('l') || c.has_flag("--no-log-init")) continue;
      auto uid = uid_of(c);
      // A UID from a variable is unknown here: not reported.
      if (uid && uid->size() > 5 && uid->find('$') == std::string::npos) bad = true;
    }
    if (bad) r.at(*run);
  }
}

// DL3047: wget that prints its progress bar into the build log.
void check_dl3047(const Model& m, const RuleOptions&, Reporter& r) {
  for (const Instruction* run : run_instructions(m)) {
    bool bad = false;
    for (const auto& c : run->unwrapped) {
      if (c.name() != "wget") continue;
      bool quiet = c.has_flag("--progress") || c.has_flag('q') || c.has_flag("--quiet") || c.has_flag('o') ||
                   c.has_flag("--output-file") || c.has_flag('a') || c.has_flag("--append-output") ||
                   c.has_flag("--no-verbose") || c.has_flag("-nv");
      if (!quiet) bad = true;
    }
    if (bad) r.at(*run);
  }
}

// DL4001: both wget and curl in one stage: reported on every RUN that uses
// one of them once both have been seen. ONBUILD triggers count apart (they
// run in another build).
void check_dl4001(const Model& m, const RuleOptions&, Reporter& r) {
  std::set<std::string> seen, seen_onbuild;
  auto visit = [&](const Instruction& run, std::set<std::string>& state) {
    std::set<std::string> here;
    for (const auto& c : run.unwrapped) {
      std::string n = c.name();
      if (n == "curl" || n == "wget") here.insert(n);
    }
    state.insert(here.begin(), here.end());
    if (!here.empty() && state.size() >= 2) r.at(run);
  };
  for (const auto& ins : m.instructions) {
    if (ins.as<build::FromCommand>()) {
      seen.clear();
      seen_onbuild.clear();
    }
    if (ins.is("RUN")) visit(ins, seen);
    if (ins.trigger && ins.trigger->is("RUN")) visit(*ins.trigger, seen_onbuild);
  }
}

// DL4005: `ln ... /bin/sh` to change the default shell.
void check_dl4005(const Model& m, const RuleOptions&, Reporter& r) {
  for (const Instruction* run : run_instructions(m)) {
    bool bad = std::any_of(run->unwrapped.begin(), run->unwrapped.end(), [](const SimpleCommand& c) {
      if (c.name() != "ln") return false;
      auto args = c.args();
      return std::any_of(args.begin(), args.end(), [](const shell::Word& w) { return w.value == "/bin/sh"; });
    });
    if (bad) r.at(*run);
  }
}

// DL4006 ------------------------------------------------------------------

bool list_has_pipe(const shell::List& l);

bool words_have_pipe(const std::vector<shell::Word>& ws) {
  for (const auto& w : ws)
    for (const auto& s : w.substitutions)
      if (list_has_pipe(s)) return true;
  return false;
}

bool command_has_pipe(const shell::Command& c) {
  if (words_have_pipe(c.words) || words_have_pipe(c.assignments) || words_have_pipe(c.for_words)) return true;
  for (const auto& rd : c.redirects)
    for (const auto& s : rd.target.substitutions)
      if (list_has_pipe(s)) return true;
  for (const auto& b : c.bodies)
    if (list_has_pipe(b)) return true;
  return false;
}

bool list_has_pipe(const shell::List& l) {
  for (const auto& ao : l.items) {
    for (const auto& p : ao.pipelines) {
      if (p.commands.size() > 1) return true;
      for (const auto& c : p.commands)
        if (command_has_pipe(c)) return true;
    }
  }
  return false;
}

// `set -o pipefail` (also `set -euo pipefail`): 1; `set +o pipefail`: 0;
// anything else: -1.
int sets_pipefail(const shell::Pipeline& p) {
  if (p.commands.size() != 1 || p.commands[0].kind != shell::Command::Kind::Simple) return -1;
  const auto& w = p.commands[0].words;
  if (w.empty() || w[0].value != "set") return -1;
  int state = -1;
  for (size_t k = 1; k + 1 < w.size(); ++k) {
    std::string_view a = w[k].value;
    if (w[k + 1].value != "pipefail" || a.size() < 2 || a.back() != 'o') continue;
    if (a[0] == '-' && a[1] != '-') state = 1;
    if (a[0] == '+') state = 0;
  }
  return state;
}

// A pipe in the script that runs while pipefail is off: `set -o pipefail`
// at the top level of the script covers the pipelines after it.
bool script_has_unsafe_pipe(const shell::List& script) {
  bool pipefail = false;
  for (const auto& ao : script.items) {
    for (const auto& p : ao.pipelines) {
      if (int s = sets_pipefail(p); s >= 0) {
        pipefail = s == 1;
        continue;
      }
      if (pipefail) continue;
      if (p.commands.size() > 1) return true;
      for (const auto& c : p.commands)
        if (command_has_pipe(c)) return true;
    }
  }
  return false;
}

// SHELL ["/bin/bash", "-eo", "pipefail", "-c"]: a bash, zsh or ash given
// -o (alone or in a cluster) and the word pipefail.
bool shell_sets_pipefail(const std::vector<std::string>& sh) {
  if (sh.empty()) return false;
  std::string_view prog = path_base(sh[0]);
  if (prog != "bash" && prog != "zsh" && prog != "ash") return false;
  bool o = false, pipefail = false;
  for (size_t k = 1; k < sh.size(); ++k) {
    std::string_view a = sh[k];
    if (a.size() >= 2 && a[0] == '-' && a[1] != '-' && a.find('o') != std::string_view::npos) o = true;
    if (a == "pipefail") pipefail = true;
  }
  return o && pipefail;
}

// A pipe in a RUN whose stage SHELL lacks -o pipefail (and that no earlier
// `set -o pipefail` of the same RUN covers). Stages whose SHELL is not
// POSIX-like have no parsed script and are skipped. An ONBUILD trigger
// runs with the SHELL the stage's image ends with.
void check_dl4006(const Model& m, const RuleOptions&, Reporter& r) {
  for (const auto& st : m.stages) {
    bool safe = false;  // pipefail set, or a shell the rule does not apply to
    std::vector<const Instruction*> triggers;
    for (size_t idx : st.instructions) {
      const Instruction& ins = m.instructions[idx];
      if (const auto* sh = ins.as<build::ShellCommand>()) {
        safe = !sh->shell.empty() && (!is_posix_shell(sh->shell[0]) || shell_sets_pipefail(sh->shell));
        continue;
      }
      if (ins.is("RUN") && !safe && ins.script && script_has_unsafe_pipe(*ins.script)) r.at(ins);
      if (ins.trigger && ins.trigger->is("RUN")) triggers.push_back(ins.trigger.get());
    }
    if (safe) continue;
    for (const Instruction* t : triggers)
      if (t->script && script_has_unsafe_pipe(*t->script)) r.at(*t);
  }
}

}  // namespace

std::vector<Rule> shell_rules() {
  return {
      {{"DL3001", Severity::Info,
        "For some bash commands it makes no sense running them in a Docker container like `ssh`, `vim`, "
        "`shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`"},
       check_dl3001},
      {{"DL3003", Severity::Warning, "Use WORKDIR to switch to a directory"}, check_dl3003},
      {{"DL3004", Severity::Error,
        "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root"},
       check_dl3004},
      {{"DL3010", Severity::Info, "Use `ADD` for extracting archives into an image"}, check_dl3010},
      {{"DL3046", Severity::Warning, "`useradd` without flag `-l` and high UID will result in excessively large Image."},
       check_dl3046},
      {{"DL3047", Severity::Info,
        "Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. Or consider using `-q` or "
        "`-nv` (shorthands for `--quiet` or `--no-verbose`)."},
       check_dl3047},
      {{"DL4001", Severity::Warning, "Either use Wget or Curl but not both"}, check_dl4001},
      {{"DL4005", Severity::Warning, "Use SHELL to change the default shell"}, check_dl4005},
      {{"DL4006", Severity::Warning,
        "Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using /bin/sh in an alpine "
        "image or if your shell is symlinked to busybox then consider explicitly setting your SHELL to /bin/ash, "
        "or disable this check"},
       check_dl4006},
  };
}

}  // namespace hako::lint
