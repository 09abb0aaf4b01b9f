// A container's files under the engine root:
//
//   containers/<id>/config.json    ContainerConfig: what `run` asked for
//   containers/<id>/state.json     ContainerState: written by the monitor
//   containers/<id>/bundle/        the OCI bundle (config.json) the runtime runs
//   containers/<id>/<id>-json.log  the logs (json-file, rotated)
//   containers/<id>/attach.sock    the monitor's socket for attach/run
//   containers/<id>/monitor.pid
//   runtime/                       the runtime's own state (hako runtime --root)
//
// The database (store/metadata.h) holds the container's id, name and image,
// so names are unique across parallel commands; everything that changes
// while the container runs lives in state.json, written atomically by the
// one process that owns it (the monitor, or a command holding the
// container's lock when no monitor runs), so the monitor needs no database.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "base/lock.h"

namespace hako::engine {

struct RestartSetting {
  std::string name = "no";  // no, always, on-failure, unless-stopped
  int max_retries = 0;      // on-failure:N
};

struct Healthcheck {
  std::vector<std::string> test;  // ["CMD", ...] / ["CMD-SHELL", "..."] / ["NONE"]
  int64_t interval_ns = 30'000'000'000, timeout_ns = 30'000'000'000, start_period_ns = 0;
  int retries = 3;
};

struct ContainerConfig {
  std::string id, name, image, image_id;
  std::string created;  // RFC 3339
  std::vector<std::string> args;  // path + args, as inspect shows them
  bool tty = false, open_stdin = false, auto_remove = false;
  std::string stop_signal = "SIGTERM";
  int stop_timeout = 10;
  RestartSetting restart;
  std::optional<Healthcheck> health;
  int64_t log_max_size = 0;
  int log_max_file = 1;
  std::string log_driver = "json-file";
  std::map<std::string, std::string> labels;
  Json run_options = Json::object();  // everything else, for inspect
  Json to_json() const;
  static Result<ContainerConfig> from_json(const Json& j);
};

struct HealthState {
  std::string status;  // starting, healthy, unhealthy ("" = no healthcheck)
  int failing_streak = 0;
  Json log = Json::array();  // last 5 results: {Start, End, ExitCode, Output}
};

struct ContainerState {
  std::string status = "created";  // created running paused restarting exited dead
  pid_t pid = 0;
  pid_t monitor_pid = 0;
  int exit_code = 0;
  bool oom_killed = false;
  std::string started_at = "0001-01-01T00:00:00Z";
  std::string finished_at = "0001-01-01T00:00:00Z";
  int restart_count = 0;
  bool stopped_by_user = false;  // stop/kill: unless-stopped and always obey it
  std::string error;
  HealthState health;
  Json to_json() const;
  static Result<ContainerState> from_json(const Json& j);
};

class ContainerFiles {
 public:
  ContainerFiles(std::string engine_root, std::string id)
      : root_(std::move(engine_root)), id_(std::move(id)) {}
  const std::string& id() const { return id_; }
  const std::string& engine_root() const { return root_; }
  std::string dir() const { return root_ + "/containers/" + id_; }
  std::string bundle() const { return dir() + "/bundle"; }
  std::string config_path() const { return dir() + "/config.json"; }
  std::string state_path() const { return dir() + "/state.json"; }
  std::string log_path() const { return dir() + "/" + id_ + "-json.log"; }
  std::string attach_socket() const { return dir() + "/attach.sock"; }
  std::string runtime_root() const { return root_ + "/runtime"; }
  std::string lock_path() const { return dir() + "/lock"; }

  Result<ContainerConfig> load_config() const;
  Result<> save_config(const ContainerConfig& c) const;
  Result<ContainerState> load_state() const;
  Result<> save_state(const ContainerState& s) const;
  // Serializes commands and the monitor that change this container.
  Result<FileLock> lock() const;

 private:
  std::string root_, id_;
};

// True while the process `pid` exists (and is not a zombie we could reap).
bool process_alive(pid_t pid);

}  // namespace hako::engine
