// Rules over instructions other than RUN's shell: FROM, COPY, ADD, WORKDIR,
// USER, EXPOSE, CMD, ENTRYPOINT, HEALTHCHECK, ENV, ONBUILD, MAINTAINER, and
// the order of instructions.
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/strings.h"
#include "lint/rule.h"
#include "lint/rules/rule_util.h"

namespace hako::lint {
namespace {

// --- Shared helpers --------------------------------------------------------

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Surrounding quotes removed, as Hadolint's dropQuotes does (any run of " and
// ' at both ends).
std::string_view drop_quotes(std::string_view s) {
  while (!s.empty() && (s.front() == '"' || s.front() == '\'')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == '"' || s.back() == '\'')) s.remove_suffix(1);
  return s;
}

// The first index >= from where pred holds for a character outside a ${...}
// expansion (Hadolint reads ${...} in image references as opaque, so the
// ':' of ${X:-y} is not a tag separator); npos when none.
template <typename Pred>
size_t find_literal(std::string_view s, size_t from, Pred pred) {
  for (size_t i = from; i < s.size(); ++i) {
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '{') {
      int depth = 0;
      size_t j = i + 1;
      for (; j < s.size(); ++j) {
        if (s[j] == '{') ++depth;
        if (s[j] == '}' && --depth == 0) break;
      }
      if (j >= s.size()) return std::string_view::npos;
      i = j;
      continue;
    }
    if (pred(s[i])) return i;
  }
  return std::string_view::npos;
}

// A FROM image as Hadolint's parser splits it: a registry only when the part
// before a '/' has a '.', the name up to ':' or '@', the tag, the digest.
struct ImageRef {
  std::optional<std::string> registry;
  std::string name;
  std::optional<std::string> tag;
  std::optional<std::string> digest;
};

ImageRef parse_from_image(std::string_view image) {
  std::string_view s = drop_quotes(image);
  ImageRef ref;
  size_t dot = find_literal(s, 0, [](char c) { return c == '.'; });
  if (dot != std::string_view::npos && dot > 0) {
    size_t slash = find_literal(s, dot + 1, [](char c) { return c == '/'; });
    if (slash != std::string_view::npos && slash > dot + 1) {
      ref.registry = std::string(s.substr(0, slash));
      s = s.substr(slash + 1);
    }
  }
  size_t sep = find_literal(s, 0, [](char c) { return c == ':' || c == '@'; });
  ref.name = std::string(s.substr(0, sep));
  if (sep == std::string_view::npos) return ref;
  std::string_view rest = s.substr(sep);
  if (rest.front() == ':') {
    size_t at = find_literal(rest, 1, [](char c) { return c == '@'; });
    ref.tag = std::string(rest.substr(1, at == std::string_view::npos ? std::string_view::npos : at - 1));
    rest = at == std::string_view::npos ? std::string_view() : rest.substr(at);
  }
  if (!rest.empty() && rest.front() == '@') ref.digest = std::string(rest.substr(1));
  return ref;
}

// The image of COPY --from / RUN --mount from=, as Hadolint reads it: the
// first '/'-separated part is the registry when it has a '.'; the rest
// (tag included) is the name.
ImageRef parse_source_image(std::string_view image) {
  std::string_view s = drop_quotes(image);
  ImageRef ref;
  size_t slash = s.find('/');
  if (slash != std::string_view::npos && s.substr(0, slash).find('.') != std::string_view::npos) {
    ref.registry = std::string(s.substr(0, slash));
    ref.name = std::string(s.substr(slash + 1));
  } else {
    ref.name = std::string(s);
  }
  return ref;
}

// The names (AS, lower-cased) of stages [0, end).
std::set<std::string> stage_names_before(const Model& m, int end) {
  std::set<std::string> out;
  for (int i = 0; i < end && i < static_cast<int>(m.stages.size()); ++i) {
    if (!m.stages[i].name.empty()) out.insert(m.stages[i].name);
  }
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// --- Rules -------------------------------------------------------------------

// DL1001: inline `# hadolint ignore=` pragmas (global ones are fine).
void check_dl1001(const Model& m, const RuleOptions&, Reporter& r) {
  for (int line : m.pragma_lines) r.at_line(line);
}

// DL3000: WORKDIR must be absolute (a variable may hold an absolute path; a
// Windows drive path is absolute too).
void check_dl3000(const Model& m, const RuleOptions&, Reporter& r) {
  for (const auto& ins : m.instructions) {
    const auto* w = ins.as<build::WorkdirCommand>();
    if (!w) continue;
    std::string_view p = w->path;
    if (p.size() >= 2 && (p.front() == '"' || p.front() == '\'') && p.back() == p.front()) p = p.substr(1, p.size() - 2);
    bool absolute = p.starts_with('/') || p.starts_with('$') ||
                    (p.size() >= 2 && std::isalpha(static_cast<unsigned char>(p[0])) && p[1] == ':');
    if (!absolute) r.at(ins);
  }
}

// DL3002: the last USER of a stage is root (also when a later stage only
// inherits it). Reported at that USER.
void check_dl3002(const Model& m, const RuleOptions&, Reporter& r) {
  auto is_root = [](std::string_view u) {
    return u == "root" || u == "0" || u.starts_with("root:") || u.starts_with("0:");
  };
  std::vector<int> last_root(m.stages.size(), 0);  // per stage: line of a root USER not undone
  for (const auto& ins : m.instructions) {
    const auto* u = ins.as<build::UserCommand>();
    if (!u || ins.stage < 0) continue;
    last_root[ins.stage] = is_root(u->user) ? ins.line : 0;
  }
  for (int line : last_root) {
    if (line) r.at_line(line);
  }
}

// DL3006: FROM without a tag (digests, scratch, variables and earlier stage
// names are fine).
void check_dl3006(const Model& m, const RuleOptions&, Reporter& r) {
  for (const auto& st : m.stages) {
    ImageRef ref = parse_from_image(st.image);
    if (ref.name == "scratch" || ref.digest || ref.tag) continue;
    if (ref.name.starts_with('$') || stage_names_before(m, st.index).contains(lower(ref.name))) continue;
    r.at_line(st.line);
  }
}

// DL3007: FROM image:latest (without a digest).
void check_dl3007(const Model& m, const RuleOptions&, Reporter& r) {
  for (const auto& st : m.stages) {
    ImageRef ref = parse_from_image(st.image);
    if (ref.tag == "latest" && !ref.digest) r.at_line(st.line);
  }
}

// DL3011: EXPOSE of a port (or a range end) above 65535.
void check_dl3011(const Model& m, const RuleOptions&, Reporter& r) {
  auto too_big = [](std::string_view p) {
    if (!all_digits(p)) return false;  // a variable, or not a number at all
    size_t nz = p.find_first_not_of('0');
    if (nz == std::string_view::npos) return false;
    return p.size() - nz > 5 || std::stol(std::string(p.substr(nz))) > 65535;
  };
  for (const auto& ins : m.instructions) {
    const auto* e = ins.as<build::ExposeCommand>();
    if (!e) continue;
    bool bad = false;
    for (const auto& port : e->ports) {
      std::string_view p = drop_quotes(port);
      p = p.substr(0, p.find('/'));
      size_t dash = p.find('-');
      if (dash == std::string_view::npos) {
        bad = bad || too_big(p);
      } else {
        bad = bad || too_big(p.substr(0, dash)) || too_big(p.substr(dash + 1));
      }
    }
    if (bad) r.at(ins);
  }
}

// Reports the 2nd and later instructions of `keyword` in each stage (the
// part before the first FROM counts as a stage).
void report_repeats_per_stage(const Model& m, std::string_view keyword, Reporter& r) {
  int stage = -2;
  bool seen = false;
  for (const auto& ins : m.instructions) {
    if (ins.stage != stage) {
      stage = ins.stage;
      seen = false;
    }
    if (!ins.is(keyword)) continue;
    if (seen) r.at(ins);
    seen = true;
  }
}

// DL3012: more than one HEALTHCHECK in a stage.
void check_dl3012(const Model& m, const RuleOptions&, Reporter& r) { report_repeats_per_stage(m, "HEALTHCHECK", r); }

// DL4003: more than one CMD in a stage.
void check_dl4003(const Model& m, const RuleOptions&, Reporter& r) { report_repeats_per_stage(m, "CMD", r); }

// DL4004: more than one ENTRYPOINT in a stage.
void check_dl4004(const Model& m, const RuleOptions&, Reporter& r) { report_repeats_per_stage(m, "ENTRYPOINT", r); }

// DL3020: ADD of something that is neither a URL nor a local archive.
void check_dl3020(const Model& m, const RuleOptions&, Reporter& r) {
  static const std::vector<std::string_view> kArchives = {".tar", ".Z",   ".bz2", ".gz",  ".lz",  ".lzma", ".tZ", ".tb2",
                                                          ".tbz", ".tbz2", ".tgz", ".tlz", ".tpz", ".txz",  ".xz"};
  for (const auto& ins : m.instructions) {
    const auto* c = ins.as<build::CopyCommand>();
    if (!c || !c->is_add) continue;
    bool all_ok = std::all_of(c->sources.begin(), c->sources.end(), [](const std::string& src) {
      std::string_view s = drop_quotes(src);
      if (s.starts_with("http://") || s.starts_with("https://")) return true;
      return std::any_of(kArchives.begin(), kArchives.end(), [&](std::string_view ext) { return s.ends_with(ext); });
    });
    if (!all_ok) r.at(ins);
  }
}

// DL3021: COPY of several sources to a destination without a trailing '/'.
void check_dl3021(const Model& m, const RuleOptions&, Reporter& r) {
  for (const auto& ins : m.instructions) {
    const auto* c = ins.as<build::CopyCommand>();
    if (!c || c->is_add || c->sources.size() + c->source_heredocs.size() < 2) continue;
    std::string_view dest = drop_quotes(c->dest);
    if (dest.empty() || dest.back() != '/') r.at(ins);
  }
}

// DL3022: COPY --from naming neither an earlier stage (by name or index) nor
// an image (a reference with a ':').
void check_dl3022(const Model& m, const RuleOptions&, Reporter& r) {
  for (const auto& ins : m.instructions) {
    const auto* c = ins.as<build::CopyCommand>();
    if (!c || c->is_add || c->from.empty()) continue;
    std::string_view from = drop_quotes(c->from);
    if (from.find(':') != std::string_view::npos) continue;
    int defined = ins.stage + 1;  // FROMs so far, the current one included
    if (stage_names_before(m, defined).contains(lower(from))) continue;
    if (all_digits(from) && from.size() < 10 && std::stoi(std::string(from)) < defined) continue;
    r.at(ins);
  }
}

// DL3023: COPY --from naming the stage it is in.
void check_dl3023(const Model& m, const RuleOptions&, Reporter& r) {
  for (const auto& ins : m.instructions) {
    const auto* c = ins.as<build::CopyCommand>();
    if (!c || c->is_add || c->from.empty() || ins.stage < 0) continue;
    const std::string& own = m.stages[ins.stage].name;
    if (!own.empty() && lower(drop_quotes(c->from)) == own) r.at(ins);
  }
}

// DL3024: two stages with the same name.
void check_dl3024(const Model& m, const RuleOptions&, Reporter& r) {
  std::set<std::string> seen;
  for (const auto& st : m.stages) {
    if (st.name.empty()) continue;
    if (!seen.insert(st.name).second) r.at_line(st.line);
  }
}

// DL3025: CMD, ENTRYPOINT or HEALTHCHECK CMD in shell form.
void check_dl3025(const Model& m, const RuleOptions&, Reporter& r) {
  for (const auto& ins : m.instructions) {
    bool shell_form = false;
    if (const auto* c = ins.as<build::CmdCommand>()) shell_form = c->prepend_shell;
    if (const auto* e = ins.as<build::EntrypointCommand>()) shell_form = e->prepend_shell;
    if (const auto* h = ins.as<build::HealthcheckCommand>()) shell_form = !h->test.empty() && h->test[0] == "CMD-SHELL";
    if (shell_form) r.at(ins);
  }
}

// DL3026: FROM, COPY --from or RUN --mount from= an image outside the trusted
// registries. Images without a registry are Docker Hub's; earlier stage names
// and scratch are fine. Patterns: "*", "*.example.com", "example.*".
void check_dl3026(const Model& m, const RuleOptions& opts, Reporter& r) {
  const auto& allowed = opts.trusted_registries;
  if (allowed.empty()) return;
  auto registry_allowed = [&](std::string_view reg) {
    return std::any_of(allowed.begin(), allowed.end(), [&](std::string_view pat) {
      if (pat == "*") return true;
      if (pat.starts_with('*')) return reg.ends_with(pat.substr(1));
      if (pat.ends_with('*')) return reg.starts_with(pat.substr(0, pat.size() - 1));
      return reg == pat;
    });
  };
  // Stage names seen so far; `stages` is how many FROMs that covers.
  auto image_ok = [&](const ImageRef& ref, int stages) {
    if (stage_names_before(m, stages).contains(lower(ref.name))) return true;
    if (ref.registry) return registry_allowed(*ref.registry);
    return ref.name == "scratch" || registry_allowed("docker.io") || registry_allowed("hub.docker.com");
  };
  for (const auto& ins : m.instructions) {
    int defined = ins.stage + 1;
    if (ins.as<build::FromCommand>()) {
      if (!image_ok(parse_from_image(m.stages[ins.stage].image), ins.stage)) r.at(ins);
    } else if (const auto* c = ins.as<build::CopyCommand>(); c && !c->is_add && !c->from.empty()) {
      std::string_view from = drop_quotes(c->from);
      // A stage index is a stage, not a Docker Hub image.
      bool stage_index = all_digits(from) && from.size() < 10 && std::stoi(std::string(from)) < defined;
      if (!stage_index && !image_ok(parse_source_image(from), defined)) r.at(ins);
    } else if (const auto* run = ins.as<build::RunCommand>()) {
      bool bad = std::any_of(run->mounts.begin(), run->mounts.end(), [&](const build::RunMount& mt) {
        if (mt.type != build::RunMount::Type::Bind && mt.type != build::RunMount::Type::Cache) return false;
        if (mt.from.empty()) return false;  // from the build context: scratch
        return !image_ok(parse_source_image(mt.from), defined);
      });
      if (bad) r.at(ins);
    }
  }
}

// DL3029: FROM --platform, unless it is $BUILDPLATFORM / $TARGETPLATFORM.
void check_dl3029(const Model& m, const RuleOptions&, Reporter& r) {
  for (const auto& ins : m.instructions) {
    const auto* f = ins.as<build::FromCommand>();
    if (!f || f->platform.empty()) continue;
    if (f->platform.find("BUILDPLATFORM") == std::string::npos && f->platform.find("TARGETPLATFORM") == std::string::npos) {
      r.at(ins);
    }
  }
}

// DL3043: ONBUILD ONBUILD / FROM / MAINTAINER. The builder's parser rejects
// these (they are DL1000 too), so the trigger's keyword is read from the text
// when the ONBUILD did not type-check.
void check_dl3043(const Model& m, const RuleOptions&, Reporter& r) {
  for (const auto& ins : m.instructions) {
    if (!ins.is("ONBUILD")) continue;
    std::string kw;
    if (ins.trigger) {
      kw = ins.trigger->keyword;
    } else {
      std::string_view t = trim(ins.original);
      size_t sp = t.find_first_of(" \t");
      t = sp == std::string_view::npos ? std::string_view() : trim(t.substr(sp));
      kw = upper(t.substr(0, t.find_first_of(" \t")));
    }
    if (kw == "ONBUILD" || kw == "FROM" || kw == "MAINTAINER") r.at(ins);
  }
}

// DL3044: an ENV that refers ($X or ${X}) to a variable another pair of the
// same ENV defines, unless an earlier ENV or ARG defined it already.
bool is_var_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// `$name` in `text` followed by something that ends a variable name.
bool has_bare_reference(std::string_view name, std::string_view text) {
  std::string var = "$" + std::string(name);
  for (size_t at = text.find(var); at != std::string_view::npos; at = text.find(var, at + 1)) {
    size_t after = at + var.size();
    if (after >= text.size() || !is_var_char(text[after])) return true;
  }
  return false;
}

void check_dl3044(const Model& m, const RuleOptions&, Reporter& r) {
  std::set<std::string> defined;
  for (const auto& ins : m.instructions) {
    if (const auto* a = ins.as<build::ArgCommand>()) {
      for (const auto& arg : a->args) defined.insert(arg.key);
      continue;
    }
    const auto* e = ins.as<build::EnvCommand>();
    if (!e) continue;
    bool bad = false;
    for (size_t i = 0; i < e->env.size() && !bad; ++i) {
      const std::string& name = e->env[i].key;
      if (defined.contains(name)) continue;
      for (size_t j = 0; j < e->env.size(); ++j) {
        if (j == i) continue;
        const std::string& value = e->env[j].value;
        if (value.find("${" + name + "}") != std::string::npos || has_bare_reference(name, value)) bad = true;
      }
    }
    for (const auto& kv : e->env) defined.insert(kv.key);
    if (bad) r.at(ins);
  }
}

// DL3045: COPY to a relative destination in a stage without WORKDIR (one set
// in the stage it is built FROM counts).
void check_dl3045(const Model& m, const RuleOptions&, Reporter& r) {
  // Keyed by stage name (or image name for an unnamed stage); nullopt for
  // before the first FROM.
  using Key = std::optional<std::string>;
  bool started = false;
  Key current;
  std::map<Key, bool> workdir_set;
  for (const auto& ins : m.instructions) {
    if (const auto* f = ins.as<build::FromCommand>()) {
      std::string image = lower(parse_from_image(f->image).name);
      Key key = f->stage_name.empty() ? image : f->stage_name;
      if (started) {
        auto parent = workdir_set.find(Key(image));
        workdir_set[key] = parent != workdir_set.end() && parent->second;
      }
      started = true;
      current = key;
    } else if (ins.as<build::WorkdirCommand>()) {
      if (!started) current = std::nullopt;
      started = true;
      workdir_set[current] = true;
    } else if (const auto* c = ins.as<build::CopyCommand>(); c && !c->is_add) {
      if (started) {
        auto it = workdir_set.find(current);
        if (it != workdir_set.end() && it->second) continue;
      }
      std::string_view dest = drop_quotes(c->dest);
      bool windows = dest.size() >= 2 && std::isalpha(static_cast<unsigned char>(dest[0])) && dest[1] == ':';
      if (dest.starts_with('/') || dest.starts_with('$') || windows) continue;
      r.at(ins);
    }
  }
}

// DL3057: a stage without HEALTHCHECK, unless it is built FROM a stage that
// has one, or a stage built FROM it has one (Hadolint's inheritance rules).
// Reported at the stage's FROM.
void check_dl3057(const Model& m, const RuleOptions&, Reporter& r) {
  struct StageId {
    std::string src;   // the image it is built FROM
    std::string name;  // its name (the image name when unnamed)
    int line;
  };
  std::vector<StageId> good, bad;
  std::optional<StageId> current;
  // Moves the bad stages that `start` is built FROM (transitively) to good.
  auto mark_bases_good = [&](const StageId& start) {
    std::vector<StageId> to_visit = {start};
    while (!to_visit.empty()) {
      StageId sid = to_visit.back();
      to_visit.pop_back();
      for (auto it = bad.begin(); it != bad.end();) {
        if (it->name == sid.src) {
          good.push_back(*it);
          to_visit.push_back(*it);
          it = bad.erase(it);
        } else {
          ++it;
        }
      }
    }
  };
  for (const auto& ins : m.instructions) {
    if (const auto* f = ins.as<build::FromCommand>()) {
      std::string image = lower(parse_from_image(f->image).name);
      StageId sid{image, f->stage_name.empty() ? image : f->stage_name, ins.line};
      bool inherits = current && std::any_of(good.begin(), good.end(), [&](const StageId& g) { return g.name == image; });
      (inherits ? good : bad).push_back(sid);
      current = sid;
    } else if (ins.is("HEALTHCHECK") && current) {
      mark_bases_good(*current);
      // The stage itself (it is in good already when it inherits one).
      auto self = std::find_if(bad.begin(), bad.end(), [&](const StageId& b) { return b.line == current->line; });
      if (self != bad.end()) {
        good.push_back(*self);
        bad.erase(self);
      }
    }
  }
  std::sort(bad.begin(), bad.end(), [](const StageId& a, const StageId& b) { return a.line < b.line; });
  for (const auto& b : bad) r.at_line(b.line);
}

// DL3059: consecutive RUNs (with the same flags) of one command each.
void check_dl3059(const Model& m, const RuleOptions&, Reporter& r) {
  struct Prev {
    std::vector<std::string> flags;
    bool single;
  };
  std::optional<Prev> prev;
  for (const auto& ins : m.instructions) {
    if (!ins.is("RUN")) {
      prev.reset();
      continue;
    }
    size_t n = ins.script ? 0 : 1;
    for (const auto& c : ins.commands) {
      if (!c.words.empty()) ++n;
    }
    Prev now{ins.flags, n <= 1};
    std::sort(now.flags.begin(), now.flags.end());
    if (prev && prev->flags == now.flags && prev->single && now.single) {
      r.at(ins);
    } else {
      prev = std::move(now);
    }
  }
}

// DL3061: an instruction other than ARG before the first FROM.
void check_dl3061(const Model& m, const RuleOptions&, Reporter& r) {
  for (const auto& ins : m.instructions) {
    if (ins.stage == -1 && !ins.keyword.empty() && !ins.is("ARG") && !ins.is("FROM")) r.at(ins);
  }
}

// DL3063: a stage named scratch or context.
void check_dl3063(const Model& m, const RuleOptions&, Reporter& r) {
  for (const auto& st : m.stages) {
    if (st.name == "scratch" || st.name == "context") r.at_line(st.line);
  }
}

// DL4000: MAINTAINER is deprecated.
void check_dl4000(const Model& m, const RuleOptions&, Reporter& r) {
  for (const auto& ins : m.instructions) {
    if (ins.is("MAINTAINER")) r.at(ins);
  }
}

}  // namespace

std::vector<Rule> instruction_rules() {
  return {
      {{"DL1001", Severity::Ignore, "Please refrain from using inline ignore pragmas  `# hadolint ignore=DLxxxx`."},
       check_dl1001},
      {{"DL3000", Severity::Error, "Use absolute WORKDIR"}, check_dl3000},
      {{"DL3002", Severity::Warning, "Last USER should not be root"}, check_dl3002},
      {{"DL3006", Severity::Warning, "Always tag the version of an image explicitly"}, check_dl3006},
      {{"DL3007", Severity::Warning,
        "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag"},
       check_dl3007},
      {{"DL3011", Severity::Error, "Valid UNIX ports range from 0 to 65535"}, check_dl3011},
      {{"DL3012", Severity::Error, "Multiple `HEALTHCHECK` instructions"}, check_dl3012},
      {{"DL3020", Severity::Error, "Use COPY instead of ADD for files and folders"}, check_dl3020},
      {{"DL3021", Severity::Error, "COPY with more than 2 arguments requires the last argument to end with /"},
       check_dl3021},
      {{"DL3022", Severity::Warning, "`COPY --from` should reference a previously defined `FROM` alias"}, check_dl3022},
      {{"DL3023", Severity::Error, "`COPY --from` cannot reference its own `FROM` alias"}, check_dl3023},
      {{"DL3024", Severity::Error, "FROM aliases (stage names) must be unique"}, check_dl3024},
      {{"DL3025", Severity::Warning, "Use arguments JSON notation for CMD and ENTRYPOINT arguments"}, check_dl3025},
      {{"DL3026", Severity::Error, "Use only an allowed registry in the FROM image"}, check_dl3026},
      {{"DL3029", Severity::Warning, "Do not use --platform flag with FROM"}, check_dl3029},
      {{"DL3043", Severity::Error,
        "`ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction."},
       check_dl3043},
      {{"DL3044", Severity::Error,
        "Do not refer to an environment variable within the same `ENV` statement where it is defined."},
       check_dl3044},
      {{"DL3045", Severity::Warning, "`COPY` to a relative destination without `WORKDIR` set."}, check_dl3045},
      {{"DL3057", Severity::Ignore, "`HEALTHCHECK` instruction missing."}, check_dl3057},
      {{"DL3059", Severity::Info, "Multiple consecutive `RUN` instructions. Consider consolidation."}, check_dl3059},
      {{"DL3061", Severity::Error, "Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment."},
       check_dl3061},
      {{"DL3063", Severity::Warning, "stage name should not be a reserved word"}, check_dl3063},
      {{"DL4000", Severity::Error, "MAINTAINER is deprecated"}, check_dl4000},
      {{"DL4003", Severity::Warning,
        "Multiple `CMD` instructions found. If you list more than one `CMD` then only the last `CMD` will take effect"},
       check_dl4003},
      {{"DL4004", Severity::Error,
        "Multiple `ENTRYPOINT` instructions found. If you list more than one `ENTRYPOINT` then only the last "
        "`ENTRYPOINT` will take effect"},
       check_dl4004},
  };
}

}  // namespace hako::lint
