#include "engine/spec/merge.h"

#include <map>

namespace hako::engine {

namespace {

std::string env_key(const std::string& e) { return e.substr(0, e.find('=')); }

}  // namespace

Result<std::vector<std::string>> container_args(const std::optional<std::string>& entrypoint_flag,
                                                const std::vector<std::string>& command,
                                                const oci::ContainerConfig& image) {
  // The CLI sends Entrypoint nil (flag absent), [""] (--entrypoint "") or [X].
  std::optional<std::vector<std::string>> entrypoint;
  if (entrypoint_flag) entrypoint = std::vector<std::string>{*entrypoint_flag};
  std::vector<std::string> cmd = command;
  // merge(): the image fills in what the user left out.
  if (!entrypoint || entrypoint->empty()) {
    if (cmd.empty() && image.cmd) cmd = *image.cmd;
    if (!entrypoint) entrypoint = image.entrypoint;
  }
  // mergeAndVerifyConfig: [""] resets.
  if (entrypoint && entrypoint->size() == 1 && (*entrypoint)[0].empty()) entrypoint.reset();
  std::vector<std::string> args = entrypoint.value_or(std::vector<std::string>{});
  if (args.empty() && cmd.empty()) return fail(ErrorKind::InvalidArgument, "no command specified");
  args.insert(args.end(), cmd.begin(), cmd.end());
  return args;
}

std::vector<std::string> container_env(const std::vector<std::string>& user_env,
                                       const std::vector<std::string>& image_env, const std::string& hostname,
                                       bool tty) {
  // merge(): image entries the user did not mention follow the user's.
  std::vector<std::string> config_env = user_env;
  for (const auto& e : image_env) {
    std::string key = env_key(e);
    bool found = false;
    for (const auto& u : user_env)
      if (env_key(u) == key) found = true;
    if (!found) config_env.push_back(e);
  }
  // CreateDaemonEnvironment + ReplaceOrAppendEnvValues.
  std::vector<std::optional<std::string>> env = {std::string("PATH=") + kDefaultPath, "HOSTNAME=" + hostname};
  if (tty) env.emplace_back("TERM=xterm");
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < env.size(); ++i) index[env_key(*env[i])] = i;
  for (const auto& value : config_env) {
    size_t eq = value.find('=');
    if (eq == std::string::npos) {
      if (auto it = index.find(value); it != index.end()) env[it->second].reset();
      continue;
    }
    std::string key = value.substr(0, eq);
    if (auto it = index.find(key); it != index.end()) {
      env[it->second] = value;
    } else {
      index[key] = env.size();
      env.emplace_back(value);
    }
  }
  std::vector<std::string> out;
  for (auto& e : env)
    if (e) out.push_back(std::move(*e));
  return out;
}

std::optional<oci::HealthConfig> merge_healthcheck(const HealthFlags& flags,
                                                   const std::optional<oci::HealthConfig>& image) {
  std::optional<oci::HealthConfig> user;
  if (flags.disabled) {
    user = oci::HealthConfig{};
    user->test = {"NONE"};
  } else if (flags.any()) {
    user = oci::HealthConfig{};
    if (!flags.cmd.empty()) user->test = {"CMD-SHELL", flags.cmd};
    user->interval = flags.interval;
    user->timeout = flags.timeout;
    user->start_period = flags.start_period;
    user->start_interval = flags.start_interval;
    user->retries = flags.retries;
  }
  if (!image) return user;
  if (!user) return image;
  if (user->test.empty()) user->test = image->test;
  if (user->interval == 0) user->interval = image->interval;
  if (user->timeout == 0) user->timeout = image->timeout;
  if (user->start_period == 0) user->start_period = image->start_period;
  if (user->start_interval == 0) user->start_interval = image->start_interval;
  if (user->retries == 0) user->retries = image->retries;
  return user;
}

bool healthcheck_disabled(const std::optional<oci::HealthConfig>& h) {
  return !h || h->test.empty() || h->test[0] == "NONE";
}

}  // namespace hako::engine
