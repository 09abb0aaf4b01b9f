#include "engine/container_files.h"

#include <signal.h>

#include <fstream>

#include "base/files.h"

namespace hako::engine {
namespace {

// Reads a field, keeping the default when absent or of another type: these
// files are ours, and an older hako may not have written every field.
template <typename T>
void take(const Json& j, const char* key, T& out) {
  if (j.contains(key) && !j[key].is_null()) {
    try {
      out = j[key].get<T>();
    } catch (const std::exception&) {
    }
  }
}

Result<Json> read_json(const std::string& path) {
  TRY_ASSIGN(auto text, read_file(path));
  return parse_json(text, path);
}

}  // namespace

Json ContainerConfig::to_json() const {
  Json j = {{"id", id},
            {"name", name},
            {"image", image},
            {"image_id", image_id},
            {"created", created},
            {"args", args},
            {"tty", tty},
            {"open_stdin", open_stdin},
            {"auto_remove", auto_remove},
            {"stop_signal", stop_signal},
            {"stop_timeout", stop_timeout},
            {"restart", {{"name", restart.name}, {"max_retries", restart.max_retries}}},
            {"log_max_size", log_max_size},
            {"log_max_file", log_max_file},
            {"log_driver", log_driver},
            {"labels", labels},
            {"run_options", run_options}};
  if (health)
    j["health"] = {{"test", health->test},
                   {"interval", health->interval_ns},
                   {"timeout", health->timeout_ns},
                   {"start_period", health->start_period_ns},
                   {"retries", health->retries}};
  return j;
}

Result<ContainerConfig> ContainerConfig::from_json(const Json& j) {
  if (!j.is_object()) return fail(ErrorKind::InvalidArgument, "container config is not an object");
  ContainerConfig c;
  take(j, "id", c.id);
  take(j, "name", c.name);
  take(j, "image", c.image);
  take(j, "image_id", c.image_id);
  take(j, "created", c.created);
  take(j, "args", c.args);
  take(j, "tty", c.tty);
  take(j, "open_stdin", c.open_stdin);
  take(j, "auto_remove", c.auto_remove);
  take(j, "stop_signal", c.stop_signal);
  take(j, "stop_timeout", c.stop_timeout);
  if (j.contains("restart")) {
    take(j["restart"], "name", c.restart.name);
    take(j["restart"], "max_retries", c.restart.max_retries);
  }
  if (j.contains("health") && j["health"].is_object()) {
    Healthcheck h;
    const Json& hj = j["health"];
    take(hj, "test", h.test);
    take(hj, "interval", h.interval_ns);
    take(hj, "timeout", h.timeout_ns);
    take(hj, "start_period", h.start_period_ns);
    take(hj, "retries", h.retries);
    c.health = h;
  }
  take(j, "log_max_size", c.log_max_size);
  take(j, "log_max_file", c.log_max_file);
  take(j, "log_driver", c.log_driver);
  take(j, "labels", c.labels);
  if (j.contains("run_options")) c.run_options = j["run_options"];
  return c;
}

Json ContainerState::to_json() const {
  Json j = {{"status", status},         {"pid", pid},
            {"monitor_pid", monitor_pid}, {"exit_code", exit_code},
            {"oom_killed", oom_killed},   {"started_at", started_at},
            {"finished_at", finished_at}, {"restart_count", restart_count},
            {"stopped_by_user", stopped_by_user}, {"error", error}};
  if (!health.status.empty())
    j["health"] = {{"status", health.status}, {"failing_streak", health.failing_streak}, {"log", health.log}};
  return j;
}

Result<ContainerState> ContainerState::from_json(const Json& j) {
  if (!j.is_object()) return fail(ErrorKind::InvalidArgument, "container state is not an object");
  ContainerState s;
  take(j, "status", s.status);
  take(j, "pid", s.pid);
  take(j, "monitor_pid", s.monitor_pid);
  take(j, "exit_code", s.exit_code);
  take(j, "oom_killed", s.oom_killed);
  take(j, "started_at", s.started_at);
  take(j, "finished_at", s.finished_at);
  take(j, "restart_count", s.restart_count);
  take(j, "stopped_by_user", s.stopped_by_user);
  take(j, "error", s.error);
  if (j.contains("health") && j["health"].is_object()) {
    take(j["health"], "status", s.health.status);
    take(j["health"], "failing_streak", s.health.failing_streak);
    if (j["health"].contains("log")) s.health.log = j["health"]["log"];
  }
  return s;
}

Result<ContainerConfig> ContainerFiles::load_config() const {
  TRY_ASSIGN(auto j, read_json(config_path()));
  return ContainerConfig::from_json(j);
}

Result<> ContainerFiles::save_config(const ContainerConfig& c) const {
  return write_file_atomic(config_path(), c.to_json().dump());
}

Result<ContainerState> ContainerFiles::load_state() const {
  if (!path_exists(state_path())) return ContainerState{};
  TRY_ASSIGN(auto j, read_json(state_path()));
  return ContainerState::from_json(j);
}

Result<> ContainerFiles::save_state(const ContainerState& s) const {
  return write_file_atomic(state_path(), s.to_json().dump());
}

Result<FileLock> ContainerFiles::lock() const { return FileLock::exclusive(lock_path()); }

bool process_alive(pid_t pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) < 0 && errno != EPERM) return false;
  // A zombie is gone for our purposes.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  return close == std::string::npos || close + 2 >= line.size() || line[close + 2] != 'Z';
}

}  // namespace hako::engine
