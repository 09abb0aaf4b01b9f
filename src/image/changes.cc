#include "image/changes.h"

#include <algorithm>

#include "base/strings.h"
#include "build/dockerfile/instructions.h"
#include "build/shell/shell_lex.h"

namespace hako::image {
namespace {

void set_env(std::vector<std::string>& env, const std::string& key, const std::string& value) {
  auto it = std::find_if(env.begin(), env.end(), [&](const std::string& e) { return e.starts_with(key + "="); });
  if (it != env.end()) *it = key + "=" + value;
  else env.push_back(key + "=" + value);
}

void add_unique(std::vector<std::string>& v, std::string s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

Result<std::string> port_spec(const std::string& word) {
  std::string port = word, proto = "tcp";
  if (auto slash = word.find('/'); slash != std::string::npos) {
    port = word.substr(0, slash);
    proto = word.substr(slash + 1);
  }
  for (auto& c : proto) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto n = parse_int(port);
  if (!n || *n < 1 || *n > 65535 || (proto != "tcp" && proto != "udp" && proto != "sctp"))
    return fail(ErrorKind::InvalidArgument, "invalid port \"{}\" in EXPOSE", word);
  return fmt::format("{}/{}", *n, proto);
}

std::vector<std::string> command_form(const build::ShellDependentCommand& c) {
  if (!c.prepend_shell) return c.args;
  return {"/bin/sh", "-c", c.args.empty() ? "" : c.args[0]};
}

// What each instruction does to a config; the words are expanded with the
// config's own environment, as Docker's daemon does for a change.
struct Apply {
  oci::ContainerConfig& config;
  build::ShellLex lex;

  Result<std::string> word(const std::string& w) const { return lex.process_word(w, build::Env(config.env)); }

  Result<> operator()(const build::CmdCommand& c) const {
    config.cmd = command_form(c);
    return {};
  }
  Result<> operator()(const build::EntrypointCommand& c) const {
    config.entrypoint = command_form(c);
    config.cmd.reset();  // a new entrypoint drops the image's CMD, as in a Dockerfile
    return {};
  }
  Result<> operator()(const build::EnvCommand& c) const {
    for (const auto& kv : c.env) {
      TRY_ASSIGN(auto k, word(kv.key));
      TRY_ASSIGN(auto v, word(kv.value));
      set_env(config.env, k, v);
    }
    return {};
  }
  Result<> operator()(const build::LabelCommand& c) const {
    for (const auto& kv : c.labels) {
      TRY_ASSIGN(auto k, word(kv.key));
      TRY_ASSIGN(auto v, word(kv.value));
      config.labels[k] = v;
    }
    return {};
  }
  Result<> operator()(const build::ExposeCommand& c) const {
    for (const auto& p : c.ports) {
      TRY_ASSIGN(auto w, word(p));
      TRY_ASSIGN(auto spec, port_spec(w));
      add_unique(config.exposed_ports, std::move(spec));
    }
    return {};
  }
  Result<> operator()(const build::VolumeCommand& c) const {
    for (const auto& v : c.volumes) {
      TRY_ASSIGN(auto w, word(v));
      if (trim(w).empty()) return fail(ErrorKind::InvalidArgument, "VOLUME specified can not be an empty string");
      add_unique(config.volumes, std::move(w));
    }
    return {};
  }
  Result<> operator()(const build::UserCommand& c) const {
    TRY_ASSIGN(config.user, word(c.user));
    return {};
  }
  Result<> operator()(const build::WorkdirCommand& c) const {
    TRY_ASSIGN(auto dir, word(c.path));
    // A relative WORKDIR is relative to the previous one.
    if (!dir.starts_with('/')) dir = (config.working_dir.empty() ? "/" : config.working_dir + "/") + dir;
    config.working_dir = dir;
    return {};
  }
  Result<> operator()(const build::StopSignalCommand& c) const {
    TRY_ASSIGN(config.stop_signal, word(c.signal));
    return {};
  }
  Result<> operator()(const build::OnbuildCommand& c) const {
    config.onbuild.push_back(c.expression);
    return {};
  }
  template <typename Other>
  Result<> operator()(const Other&) const {
    return fail(ErrorKind::Internal, "not a change command");
  }
};

}  // namespace

Result<> apply_change(oci::ContainerConfig& config, std::string_view change) {
  std::string_view line = trim(change);
  if (line.empty()) return fail(ErrorKind::InvalidArgument, "empty --change");
  std::string keyword(line.substr(0, line.find_first_of(" \t")));
  for (auto& c : keyword) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // The instructions Docker takes as a change; the others are refused by name.
  static const char* const kAllowed[] = {"CMD",  "ENTRYPOINT", "ENV",     "EXPOSE",    "LABEL",
                                         "ONBUILD", "USER",    "VOLUME", "WORKDIR", "STOPSIGNAL"};
  if (std::none_of(std::begin(kAllowed), std::end(kAllowed), [&](const char* k) { return keyword == k; }))
    return fail(ErrorKind::InvalidArgument, "{} is not a valid change command", keyword);
  // The Dockerfile parser reads it, so a change means what it means in a
  // Dockerfile (one parser for the whole project). An ONBUILD's trigger is
  // checked as one and kept as written.
  if (keyword == "ONBUILD") {
    std::string trigger(trim(line.substr(keyword.size())));
    if (trigger.empty()) return fail(ErrorKind::InvalidArgument, "ONBUILD requires at least one argument");
    auto checked = build::parse_onbuild_expression(trigger, '\\');
    if (!checked) return fail(ErrorKind::InvalidArgument, "{}", checked.error().message());
    config.onbuild.push_back(trigger);
    return {};
  }
  auto in = build::parse_onbuild_expression(line, '\\');
  if (!in) {
    std::string msg = in.error().message();
    if (msg.starts_with("line ")) msg = msg.substr(msg.find(": ") + 2);
    return fail(ErrorKind::InvalidArgument, "{}", msg);
  }
  return std::visit(Apply{config, build::ShellLex('\\')}, in->command);
}

}  // namespace hako::image
