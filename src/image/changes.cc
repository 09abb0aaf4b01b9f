#include "image/changes.h"

#include <algorithm>
#include <cctype>

#include "base/json.h"
#include "base/strings.h"

namespace hako::image {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// ["a", "b"] when the text is a JSON array of strings, nullopt otherwise
// (Docker then falls back to the shell form).
std::optional<std::vector<std::string>> json_array(std::string_view text) {
  if (!text.starts_with('[')) return std::nullopt;
  auto j = parse_json(text, "change");
  if (!j || !j->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& e : *j) {
    if (!e.is_string()) return std::nullopt;
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::vector<std::string> command_form(std::string_view args) {
  if (auto a = json_array(args)) return *a;
  return {"/bin/sh", "-c", std::string(args)};
}

// KEY=VALUE pairs, or the legacy "KEY VALUE" form (one pair, the value is
// the rest of the line).
Result<std::vector<std::pair<std::string, std::string>>> pairs(std::string_view instruction, std::string_view args) {
  std::vector<std::pair<std::string, std::string>> out;
  TRY_ASSIGN(auto words, split_words(args));
  if (words.empty()) return fail(ErrorKind::InvalidArgument, "{} requires at least one argument", instruction);
  if (words[0].find('=') == std::string::npos) {
    if (words.size() < 2) return fail(ErrorKind::InvalidArgument, "{} must have two arguments", instruction);
    auto sp = args.find_first_of(" \t");
    out.emplace_back(words[0], std::string(trim(args.substr(sp))));
    return out;
  }
  for (const auto& w : words) {
    auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0)
      return fail(ErrorKind::InvalidArgument, "{}: \"{}\" is not KEY=VALUE", instruction, w);
    out.emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  return out;
}

void set_env(std::vector<std::string>& env, const std::string& key, const std::string& value) {
  auto it = std::find_if(env.begin(), env.end(), [&](const std::string& e) { return e.starts_with(key + "="); });
  if (it != env.end()) *it = key + "=" + value;
  else env.push_back(key + "=" + value);
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

void add_unique(std::vector<std::string>& v, std::string s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

}  // namespace

Result<std::vector<std::string>> split_words(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && quote != '\'' && i + 1 < text.size()) {
      cur += text[++i];
      in_word = true;
    } else if (quote) {
      if (c == quote) quote = 0;
      else cur += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) out.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (quote) return fail(ErrorKind::InvalidArgument, "unterminated quote in \"{}\"", text);
  if (in_word) out.push_back(std::move(cur));
  return out;
}

Result<> apply_change(oci::ContainerConfig& config, std::string_view change) {
  std::string_view line = trim(change);
  auto sp = line.find_first_of(" \t");
  std::string instruction = upper(line.substr(0, sp));
  std::string_view args = sp == std::string_view::npos ? std::string_view() : trim(line.substr(sp));
  auto need_args = [&]() -> Result<> {
    if (args.empty()) return fail(ErrorKind::InvalidArgument, "{} requires at least one argument", instruction);
    return {};
  };
  if (instruction == "CMD") {
    TRY(need_args());
    config.cmd = command_form(args);
  } else if (instruction == "ENTRYPOINT") {
    TRY(need_args());
    config.entrypoint = command_form(args);
    // A new entrypoint drops the image's CMD, as in a Dockerfile.
    config.cmd.reset();
  } else if (instruction == "ENV") {
    TRY_ASSIGN(auto kv, pairs(instruction, args));
    for (const auto& [k, v] : kv) set_env(config.env, k, v);
  } else if (instruction == "LABEL") {
    TRY_ASSIGN(auto kv, pairs(instruction, args));
    for (const auto& [k, v] : kv) config.labels[k] = v;
  } else if (instruction == "EXPOSE") {
    TRY(need_args());
    TRY_ASSIGN(auto words, split_words(args));
    for (const auto& w : words) {
      TRY_ASSIGN(auto p, port_spec(w));
      add_unique(config.exposed_ports, std::move(p));
    }
  } else if (instruction == "VOLUME") {
    TRY(need_args());
    std::vector<std::string> vols;
    if (auto a = json_array(args)) {
      vols = *a;
    } else {
      TRY_ASSIGN(vols, split_words(args));
    }
    for (auto& v : vols) {
      if (v.empty()) return fail(ErrorKind::InvalidArgument, "VOLUME specified can not be an empty string");
      add_unique(config.volumes, std::move(v));
    }
  } else if (instruction == "USER") {
    TRY(need_args());
    config.user = std::string(args);
  } else if (instruction == "WORKDIR") {
    TRY(need_args());
    std::string dir(args);
    // A relative WORKDIR is relative to the previous one.
    if (!dir.starts_with('/')) dir = (config.working_dir.empty() ? "/" : config.working_dir + "/") + dir;
    config.working_dir = dir;
  } else if (instruction == "STOPSIGNAL") {
    TRY(need_args());
    config.stop_signal = std::string(args);
  } else if (instruction == "ONBUILD") {
    TRY(need_args());
    config.onbuild.emplace_back(args);
  } else if (instruction.empty()) {
    return fail(ErrorKind::InvalidArgument, "empty --change");
  } else {
    return fail(ErrorKind::InvalidArgument, "{} is not a valid change command", instruction);
  }
  return {};
}

}  // namespace hako::image
