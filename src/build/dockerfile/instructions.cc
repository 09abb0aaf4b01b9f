// Typed instructions from the syntax tree, as BuildKit's
// frontend/dockerfile/instructions (parse.go, bflag.go, runmount.go) makes
// them: the same allowed flags per instruction, the same argument checks and
// the same error wording, each error prefixed with "line N: ".
#include "build/dockerfile/instructions.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "base/duration.h"
#include "base/sizes.h"
#include "base/strings.h"
#include "build/dockerfile/parser.h"

namespace hako::build {
namespace {

using parser::Node;

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::unexpected<Error> invalid(std::string message) {
  return fail(ErrorKind::InvalidArgument, std::move(message));
}

// BFlags: the flags an instruction allows, parsed from the node's flag words.
class Flags {
 public:
  explicit Flags(std::vector<std::string> args) : args_(std::move(args)) {}

  void add_bool(const std::string& name) { defs_[name] = Def{Type::Bool, "", {}}; }
  void add_string(const std::string& name, std::string def = "") {
    defs_[name] = Def{Type::String, std::move(def), {}};
  }
  void add_strings(const std::string& name) { defs_[name] = Def{Type::Strings, "", {}}; }

  Result<void> parse() {
    for (const auto& a : args_) {
      if (a == "--") return {};  // the rest are not flags, as Go's flag package
      if (!a.starts_with("--")) return invalid("arg should start with -- : " + a);
      std::string_view body = std::string_view(a).substr(2);
      size_t eq = body.find('=');
      bool has_value = eq != std::string_view::npos;
      std::string name(body.substr(0, eq));
      std::string value = has_value ? std::string(body.substr(eq + 1)) : "";
      auto it = defs_.find(name);
      if (it == defs_.end()) return invalid("unknown flag: " + name);
      Def& f = it->second;
      if (used_.count(name) && f.type != Type::Strings) return invalid("duplicate flag specified: " + name);
      used_.insert(name);
      switch (f.type) {
        case Type::Bool: {
          if (has_value && value.empty()) return invalid("missing a value on flag: " + name);
          std::string v = lower(value);
          if (v == "true" || v.empty()) {
            f.value = "true";
          } else if (v == "false") {
            f.value = "false";
          } else {
            return invalid(fmt::format("expecting boolean value for flag {}, not: {}", name, value));
          }
          break;
        }
        case Type::String:
          if (!has_value) return invalid("missing a value on flag: " + name);
          f.value = value;
          break;
        case Type::Strings:
          if (!has_value) return invalid("missing a value on flag: " + name);
          f.values.push_back(value);
          break;
      }
    }
    return {};
  }

  const std::string& str(const std::string& name) const { return defs_.at(name).value; }
  bool boolean(const std::string& name) const { return defs_.at(name).value == "true"; }
  const std::vector<std::string>& strings(const std::string& name) const { return defs_.at(name).values; }
  bool used(const std::string& name) const { return used_.count(name) > 0; }

 private:
  enum class Type { Bool, String, Strings };
  struct Def {
    Type type;
    std::string value;
    std::vector<std::string> values;
  };
  std::vector<std::string> args_;
  std::map<std::string, Def> defs_;
  std::set<std::string> used_;
};

// What one instruction node gives the per-instruction parsers.
struct Request {
  std::string keyword;  // as written
  std::vector<std::string> args;
  std::vector<parser::Heredoc> heredocs;
  bool json = false;
  std::string original;
  Flags flags;
};

// nodeArgs: the argument words, a nested instruction flattened in.
void node_args(const Node& node, std::vector<std::string>* out) {
  for (const auto& a : node.next) {
    if (a.children.empty()) {
      out->push_back(a.value);
    } else if (a.children.size() == 1) {
      out->push_back(a.children[0].value);
      node_args(a.children[0], out);
    }
  }
}

std::unexpected<Error> at_least_one(std::string_view cmd) {
  return invalid(fmt::format("{} requires at least one argument", cmd));
}
std::unexpected<Error> exactly_one(std::string_view cmd) {
  return invalid(fmt::format("{} requires exactly one argument", cmd));
}
std::unexpected<Error> no_destination(std::string_view cmd) {
  return invalid(fmt::format(
      "{} requires at least two arguments, but only one was provided. Destination could not be determined.", cmd));
}

// handleJSONArgs: exec form keeps the words, shell form is one string.
std::vector<std::string> json_args(const Request& req) {
  if (req.args.empty()) return {};
  if (req.json) return req.args;
  return {join(req.args, " ")};
}

Heredoc to_heredoc(const parser::Heredoc& h) {
  Heredoc out;
  out.name = h.name;
  out.content = h.chomp ? parser::chomp_heredoc_content(h.content) : h.content;
  out.expand = h.expand;
  out.chomp = h.chomp;
  return out;
}

Result<void> shell_dependent(Request& req, ShellDependentCommand* cmd) {
  for (const auto& h : req.heredocs) cmd->heredocs.push_back(to_heredoc(h));
  cmd->args = json_args(req);
  cmd->prepend_shell = !req.json;
  return {};
}

Result<std::vector<KeyValue>> kvps(const std::vector<std::string>& args, std::string_view cmd) {
  if (args.empty()) return at_least_one(cmd);
  if (args.size() % 3 != 0) return invalid(fmt::format("Bad input to {}, too many arguments", cmd));
  std::vector<KeyValue> out;
  for (size_t j = 0; j < args.size(); j += 3) {
    if (args[j].empty()) return invalid(fmt::format("{} names can not be blank", cmd));
    out.push_back({args[j], args[j + 1]});
  }
  return out;
}

// strconv.ParseBool.
std::optional<bool> parse_bool(std::string_view s) {
  static const std::set<std::string_view> t = {"1", "t", "T", "TRUE", "true", "True"};
  static const std::set<std::string_view> f = {"0", "f", "F", "FALSE", "false", "False"};
  if (t.count(s)) return true;
  if (f.count(s)) return false;
  return std::nullopt;
}

std::optional<unsigned> parse_uint32(std::string_view s, int base) {
  if (s.empty()) return std::nullopt;
  unsigned long long v = 0;
  for (char c : s) {
    int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : 99;
    if (d >= base) return std::nullopt;
    v = v * base + d;
    if (v > 0xFFFFFFFFull) return std::nullopt;
  }
  return static_cast<unsigned>(v);
}

// encoding/csv, one record: commas split, "..." quotes with "" inside.
Result<std::vector<std::string>> csv_fields(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (true) {
    std::string field;
    if (i < s.size() && s[i] == '"') {
      ++i;
      while (true) {
        if (i >= s.size()) return invalid("failed to parse csv mounts: extraneous or missing \" in quoted-field");
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += s[i++];
      }
      if (i < s.size() && s[i] != ',') return invalid("failed to parse csv mounts: extraneous or missing \" in quoted-field");
    } else {
      while (i < s.size() && s[i] != ',') {
        if (s[i] == '"') return invalid("failed to parse csv mounts: bare \" in non-quoted-field");
        field += s[i++];
      }
    }
    out.push_back(std::move(field));
    if (i >= s.size()) break;
    ++i;  // the comma
  }
  return out;
}

std::string_view type_name(RunMount::Type t) {
  switch (t) {
    case RunMount::Type::Bind: return "bind";
    case RunMount::Type::Cache: return "cache";
    case RunMount::Type::Tmpfs: return "tmpfs";
    case RunMount::Type::Secret: return "secret";
    case RunMount::Type::Ssh: return "ssh";
  }
  return "bind";
}

// runmount.go parseMount, values taken as written (the builder expands them).
Result<RunMount> parse_mount(std::string_view spec) {
  TRY_ASSIGN(std::vector<std::string> fields, csv_fields(spec));
  RunMount m;
  bool ro_auto = true;
  bool sharing_set = false;
  using T = RunMount::Type;
  auto unexpected_key = [&](std::string_view key) {
    return invalid(fmt::format("unexpected key '{}' for mount type '{}'", key, type_name(m.type)));
  };
  for (const auto& field : fields) {
    size_t eq = field.find('=');
    std::string key = lower(std::string_view(field).substr(0, eq));
    if (eq == std::string::npos) {
      if (key == "readonly" || key == "ro") {
        m.readonly = true;
        ro_auto = false;
      } else if (key == "readwrite" || key == "rw") {
        m.readonly = false;
        ro_auto = false;
      } else if (key == "required") {
        if (m.type != T::Secret && m.type != T::Ssh) return unexpected_key(key);
        m.required = true;
      } else {
        return invalid(fmt::format("invalid field '{}' must be a key=value pair", field));
      }
      continue;
    }
    std::string value = field.substr(eq + 1);
    if (key == "type") {
      static const std::map<std::string, T> types = {
          {"bind", T::Bind}, {"cache", T::Cache}, {"tmpfs", T::Tmpfs}, {"secret", T::Secret}, {"ssh", T::Ssh}};
      auto it = types.find(lower(value));
      if (it == types.end()) return invalid(fmt::format("unsupported mount type {}", parser::go_quote(value)));
      m.type = it->second;
    } else if (key == "from") {
      size_t dollar = value.find('$');
      if (dollar != std::string::npos && dollar != value.size() - 1) {
        return invalid("'from' doesn't support variable expansion, define alias stage instead");
      }
      m.from = value;
    } else if (key == "source" || key == "src") {
      m.source = value;
    } else if (key == "target" || key == "dst" || key == "destination") {
      m.target = value;
    } else if (key == "readonly" || key == "ro" || key == "readwrite" || key == "rw") {
      auto b = parse_bool(value);
      if (!b) return invalid(fmt::format("invalid value for {}: {}", key, value));
      m.readonly = (key == "readonly" || key == "ro") ? *b : !*b;
      ro_auto = false;
    } else if (key == "required") {
      if (m.type != T::Secret && m.type != T::Ssh) return unexpected_key(key);
      auto b = parse_bool(value);
      if (!b) return invalid(fmt::format("invalid value for {}: {}", key, value));
      m.required = *b;
    } else if (key == "size") {
      if (m.type != T::Tmpfs) return unexpected_key(key);
      TRY_ASSIGN(int64_t bytes, parse_ram_bytes(value));
      m.size_bytes = bytes;
    } else if (key == "id") {
      m.id = value;
    } else if (key == "sharing") {
      if (m.type != T::Cache) return invalid(fmt::format("invalid cache sharing set for {} mount", type_name(m.type)));
      std::string v = lower(value);
      if (v != "shared" && v != "private" && v != "locked") {
        return invalid(fmt::format("unsupported sharing value {}", parser::go_quote(value)));
      }
      m.sharing = v;
      sharing_set = true;
    } else if (key == "mode") {
      auto v = parse_uint32(value, 8);
      if (!v) return invalid(fmt::format("invalid value {} for mode", value));
      m.mode = *v;
    } else if (key == "uid" || key == "gid") {
      auto v = parse_uint32(value, 10);
      if (!v) return invalid(fmt::format("invalid value {} for {}", value, key));
      (key == "uid" ? m.uid : m.gid) = *v;
    } else if (key == "env") {
      m.env = value;
    } else {
      return invalid(fmt::format("unexpected key '{}' in '{}'", key, field));
    }
  }

  bool file_info_allowed = m.type == T::Secret || m.type == T::Ssh || m.type == T::Cache;
  if (!file_info_allowed) {
    if (m.mode) return invalid(fmt::format("mode not allowed for \"{}\" type mounts", type_name(m.type)));
    if (m.uid) return invalid(fmt::format("uid not allowed for \"{}\" type mounts", type_name(m.type)));
    if (m.gid) return invalid(fmt::format("gid not allowed for \"{}\" type mounts", type_name(m.type)));
  }
  if (ro_auto) m.readonly = !(m.type == T::Cache || m.type == T::Tmpfs);
  if (sharing_set && m.type != T::Cache) {
    return invalid(fmt::format("invalid cache sharing set for {} mount", type_name(m.type)));
  }
  if (m.type == T::Secret) {
    if (!m.from.empty()) return invalid("secret mount should not have a from");
    if (m.source.empty() && m.target.empty() && m.id.empty()) {
      return invalid("invalid secret mount. one of source, target required");
    }
    if (!m.source.empty() && !m.id.empty()) return invalid("both source and id can't be set");
  }
  return m;
}

// A Go duration flag of HEALTHCHECK: "" and 0 mean "inherit".
Result<int64_t> opt_interval(const Flags& f, const std::string& name) {
  const std::string& s = f.str(name);
  if (s.empty()) return int64_t{0};
  TRY_ASSIGN(int64_t d, parse_go_duration(s));
  if (d == 0) return int64_t{0};
  if (d < 1'000'000) return invalid(fmt::format("Interval \"{}\" cannot be less than 1ms", name));
  return d;
}

Result<HealthcheckCommand> parse_healthcheck(Request& req) {
  if (req.args.empty()) return at_least_one("HEALTHCHECK");
  HealthcheckCommand cmd;
  std::string typ = upper(req.args[0]);
  std::vector<std::string> rest(req.args.begin() + 1, req.args.end());
  if (typ == "NONE") {
    if (!rest.empty()) return invalid("HEALTHCHECK NONE takes no arguments");
    cmd.test = {typ};
    return cmd;  // BuildKit does not look at the flags of NONE
  }
  for (const char* n : {"interval", "timeout", "start-period", "start-interval", "retries"}) {
    req.flags.add_string(n);
  }
  TRY(req.flags.parse());
  if (typ != "CMD") return invalid(fmt::format("Unknown type {} in HEALTHCHECK (try CMD)", parser::go_quote(typ)));
  std::vector<std::string> cmd_slice;
  if (!rest.empty()) cmd_slice = req.json ? rest : std::vector<std::string>{join(rest, " ")};
  if (cmd_slice.empty()) return invalid("Missing command after HEALTHCHECK CMD");
  cmd.test = {req.json ? "CMD" : "CMD-SHELL"};
  cmd.test.insert(cmd.test.end(), cmd_slice.begin(), cmd_slice.end());
  TRY_ASSIGN(cmd.interval_ns, opt_interval(req.flags, "interval"));
  TRY_ASSIGN(cmd.timeout_ns, opt_interval(req.flags, "timeout"));
  TRY_ASSIGN(cmd.start_period_ns, opt_interval(req.flags, "start-period"));
  TRY_ASSIGN(cmd.start_interval_ns, opt_interval(req.flags, "start-interval"));
  const std::string& retries = req.flags.str("retries");
  if (!retries.empty()) {
    auto v = parse_int(retries);
    if (!v || *v > INT32_MAX || *v < INT32_MIN) {
      return invalid(fmt::format("strconv.ParseInt: parsing {}: {}", parser::go_quote(retries),
                                 v ? "value out of range" : "invalid syntax"));
    }
    if (*v < 0) return invalid(fmt::format("--retries cannot be negative ({})", *v));
    cmd.retries = static_cast<int>(*v);
  }
  return cmd;
}

Result<CopyCommand> parse_copy(Request& req, bool is_add) {
  const char* name = is_add ? "ADD" : "COPY";
  if (req.args.size() < 2) return no_destination(name);
  CopyCommand cmd;
  cmd.is_add = is_add;
  req.flags.add_string("chown");
  req.flags.add_string("chmod");
  req.flags.add_bool("link");
  req.flags.add_strings("exclude");
  if (is_add) {
    req.flags.add_bool("keep-git-dir");
    req.flags.add_string("checksum");
    req.flags.add_bool("unpack");
  } else {
    req.flags.add_string("from");
    req.flags.add_bool("parents");
  }
  TRY(req.flags.parse());

  cmd.dest = req.args.back();
  parser::Heredoc probe;
  TRY_ASSIGN(bool dest_heredoc, parser::parse_heredoc_word(cmd.dest, &probe));
  if (dest_heredoc && !req.json) return invalid(fmt::format("{} cannot accept a heredoc as a destination", name));
  // Heredoc sources (shell form only) take the bodies in order.
  size_t next_doc = 0;
  for (size_t i = 0; i + 1 < req.args.size(); ++i) {
    const std::string& src = req.args[i];
    parser::Heredoc h;
    TRY_ASSIGN(bool is_doc, parser::parse_heredoc_word(src, &h));
    if (is_doc && !req.json && next_doc < req.heredocs.size()) {
      cmd.source_heredocs.push_back(to_heredoc(req.heredocs[next_doc++]));
    } else {
      cmd.sources.push_back(src);
    }
  }
  cmd.chown = req.flags.str("chown");
  cmd.chmod = req.flags.str("chmod");
  cmd.link = req.flags.boolean("link");
  cmd.excludes = req.flags.strings("exclude");
  if (is_add) {
    cmd.keep_git_dir = req.flags.boolean("keep-git-dir");
    cmd.checksum = req.flags.str("checksum");
    if (req.flags.used("unpack")) cmd.unpack = req.flags.boolean("unpack");
  } else {
    cmd.from = req.flags.str("from");
    cmd.parents = req.flags.boolean("parents");
  }
  return cmd;
}

Result<RunCommand> parse_run(Request& req) {
  RunCommand cmd;
  req.flags.add_strings("mount");
  req.flags.add_string("network");
  req.flags.add_string("security");
  TRY(req.flags.parse());
  for (const auto& spec : req.flags.strings("mount")) {
    TRY_ASSIGN(RunMount m, parse_mount(spec));
    cmd.mounts.push_back(std::move(m));
  }
  cmd.network = req.flags.str("network");
  if (req.flags.used("network") && cmd.network != "default" && cmd.network != "none" && cmd.network != "host") {
    return invalid(fmt::format("unsupported network mode {}", parser::go_quote(cmd.network)));
  }
  cmd.security = req.flags.str("security");
  if (req.flags.used("security") && cmd.security != "sandbox" && cmd.security != "insecure") {
    return invalid(fmt::format("security {} is not valid", parser::go_quote(cmd.security)));
  }
  TRY(shell_dependent(req, &cmd));
  return cmd;
}


Result<OnbuildCommand> parse_onbuild(Request& req) {
  if (req.args.empty()) return at_least_one("ONBUILD");
  TRY(req.flags.parse());
  std::string trigger = upper(std::string(req.args[0]));
  if (trigger == "ONBUILD") return invalid("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (trigger == "MAINTAINER" || trigger == "FROM") {
    return invalid(fmt::format("{} isn't allowed as an ONBUILD trigger", trigger));
  }
  // (?i)^\s*ONBUILD\s* removed from the original line.
  std::string_view o = req.original;
  size_t i = 0;
  while (i < o.size() && std::isspace(static_cast<unsigned char>(o[i]))) ++i;
  if (lower(o.substr(i, 7)) == "onbuild") i += 7;
  while (i < o.size() && std::isspace(static_cast<unsigned char>(o[i]))) ++i;
  OnbuildCommand cmd;
  cmd.expression = std::string(o.substr(i));
  for (const auto& h : req.heredocs) cmd.expression += "\n" + h.content + h.name;
  return cmd;
}

bool valid_stage_name(std::string_view s) {
  // ^[a-z][a-z0-9-_.]*$
  if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}

Result<FromCommand> parse_from(Request& req) {
  FromCommand from;
  if (req.args.size() == 3 && lower(req.args[1]) == "as") {
    from.stage_name = lower(req.args[2]);
    if (!valid_stage_name(from.stage_name)) {
      return invalid(fmt::format(
          "invalid name for build stage: {}, name can't start with a number or contain symbols",
          parser::go_quote(req.args[2])));
    }
  } else if (req.args.size() != 1) {
    return invalid("FROM requires either one or three arguments");
  }
  req.flags.add_string("platform");
  TRY(req.flags.parse());
  from.image = req.args[0];
  from.platform = req.flags.str("platform");
  return from;
}

// One node, typed. FROM comes back as a FromCommand, the rest as Commands.
using Parsed = std::variant<FromCommand, Command>;

template <typename T>
Result<Parsed> wrap(Result<T> r) {
  if (!r) return std::unexpected(std::move(r).error());
  if constexpr (std::is_same_v<T, FromCommand>) {
    return Parsed(std::move(*r));
  } else {
    return Parsed(Command(std::move(*r)));
  }
}

Result<Parsed> parse_typed(Request& req) {
  std::string k = lower(req.keyword);
  auto no_flags = [&]() { return req.flags.parse(); };
  if (k == "from") return wrap(parse_from(req));
  if (k == "run") return wrap(parse_run(req));
  if (k == "cmd" || k == "entrypoint") {
    TRY(no_flags());
    if (k == "cmd") {
      CmdCommand c;
      TRY(shell_dependent(req, &c));
      return Parsed(Command(std::move(c)));
    }
    EntrypointCommand e;
    TRY(shell_dependent(req, &e));
    return Parsed(Command(std::move(e)));
  }
  if (k == "copy") return wrap(parse_copy(req, false));
  if (k == "add") return wrap(parse_copy(req, true));
  if (k == "healthcheck") return wrap(parse_healthcheck(req));
  if (k == "onbuild") return wrap(parse_onbuild(req));
  if (k == "env" || k == "label") {
    TRY(no_flags());
    TRY_ASSIGN(auto pairs, kvps(req.args, upper(k)));
    if (k == "env") return Parsed(Command(EnvCommand{std::move(pairs)}));
    return Parsed(Command(LabelCommand{std::move(pairs)}));
  }
  if (k == "maintainer") {
    if (req.args.size() != 1) return exactly_one("MAINTAINER");
    TRY(no_flags());
    return Parsed(Command(MaintainerCommand{req.args[0]}));
  }
  if (k == "arg") {
    if (req.args.empty()) return at_least_one("ARG");
    ArgCommand a;
    for (const auto& word : req.args) {
      size_t eq = word.find('=');
      if (eq == std::string::npos) {
        a.args.push_back({word, std::nullopt});
      } else {
        if (eq == 0) return invalid("ARG names can not be blank");
        a.args.push_back({word.substr(0, eq), word.substr(eq + 1)});
      }
    }
    TRY(no_flags());
    return Parsed(Command(std::move(a)));
  }
  if (k == "shell") {
    TRY(no_flags());
    std::vector<std::string> shell = json_args(req);
    if (shell.empty()) return at_least_one("SHELL");
    if (!req.json) return invalid("SHELL requires the arguments to be in JSON form");
    return Parsed(Command(ShellCommand{std::move(shell)}));
  }
  if (k == "expose") {
    if (req.args.empty()) return at_least_one("EXPOSE");
    TRY(no_flags());
    std::vector<std::string> ports = req.args;
    std::sort(ports.begin(), ports.end());  // BuildKit sorts them
    return Parsed(Command(ExposeCommand{std::move(ports)}));
  }
  if (k == "volume") {
    TRY(no_flags());
    if (req.args.empty()) return at_least_one("VOLUME");
    VolumeCommand v;
    for (const auto& a : req.args) {
      std::string t(trim(a));
      if (t.empty()) return invalid("VOLUME specified can not be an empty string");
      v.volumes.push_back(std::move(t));
    }
    return Parsed(Command(std::move(v)));
  }
  if (k == "user" || k == "workdir" || k == "stopsignal") {
    std::string name = upper(k);
    if (req.args.size() != 1) return exactly_one(name);
    TRY(no_flags());
    if (k == "user") return Parsed(Command(UserCommand{req.args[0]}));
    if (k == "workdir") return Parsed(Command(WorkdirCommand{req.args[0]}));
    return Parsed(Command(StopSignalCommand{req.args[0]}));
  }
  return invalid("unknown instruction: " + req.keyword);
}

Result<Parsed> parse_node(const Node& node) {
  Request req{node.value, {}, node.heredocs, node.json, std::string(trim(node.original)), Flags(node.flags)};
  node_args(node, &req.args);
  auto r = parse_typed(req);
  if (!r) return std::unexpected(r.error().context(fmt::format("line {}", node.start_line)));
  return r;
}

Instruction make_instruction(const Node& node, Command cmd) {
  Instruction ins{std::move(cmd), upper(node.value), std::string(trim(node.original)), node.start_line,
                  node.end_line};
  return ins;
}

}  // namespace

Result<Dockerfile> parse_dockerfile(std::string_view text) {
  TRY_ASSIGN(parser::ParseResult pr, parser::parse(text));
  Dockerfile df;
  df.escape = pr.escape;
  df.syntax = pr.syntax;
  df.check = pr.check;
  for (const auto& w : pr.warnings) df.warnings.push_back({w.message, w.line});
  for (const auto& node : pr.ast.children) {
    TRY_ASSIGN(Parsed p, parse_node(node));
    if (auto* from = std::get_if<FromCommand>(&p)) {
      Stage st;
      st.from = std::move(*from);
      st.original = std::string(trim(node.original));
      st.start_line = node.start_line;
      st.end_line = node.end_line;
      df.stages.push_back(std::move(st));
      continue;
    }
    Command& cmd = std::get<Command>(p);
    if (df.stages.empty()) {
      if (auto* arg = std::get_if<ArgCommand>(&cmd)) {
        for (auto& a : arg->args) df.meta_args.push_back(std::move(a));
        continue;
      }
      return fail(ErrorKind::InvalidArgument, "line {}: no build stage in current context", node.start_line);
    }
    df.stages.back().instructions.push_back(make_instruction(node, std::move(cmd)));
  }
  return df;
}

Result<TypedNode> type_node(const parser::Node& node) {
  TRY_ASSIGN(Parsed p, parse_node(node));
  if (auto* from = std::get_if<FromCommand>(&p)) return TypedNode(std::move(*from));
  return TypedNode(make_instruction(node, std::move(std::get<Command>(p))));
}

Result<Instruction> parse_onbuild_expression(std::string_view expression, char escape) {
  TRY_ASSIGN(parser::ParseResult pr, parser::parse(expression, escape));
  if (pr.ast.children.size() != 1) return invalid("onbuild trigger should be a single expression");
  const Node& node = pr.ast.children[0];
  std::string k = upper(node.value);
  if (k == "ONBUILD") return invalid("line 1: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (k == "FROM" || k == "MAINTAINER") return invalid(fmt::format("line 1: {} isn't allowed as an ONBUILD trigger", k));
  TRY_ASSIGN(Parsed p, parse_node(node));
  return make_instruction(node, std::move(std::get<Command>(p)));
}

}  // namespace hako::build
