// Containers made from images: the engine behind create, start, stop, kill,
// rm, ps, wait and inspect. No daemon: every call works on the store under
// the engine root with file locks, and a running container's only helper
// is its monitor (engine/monitor/monitor.h).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "engine/container_files.h"
#include "image/image_store.h"

namespace hako::engine {

// "running", "paused" and "restarting": the statuses of a live container.
inline bool is_running_status(const std::string& s) { return s == "running" || s == "paused" || s == "restarting"; }

struct CreateRequest {
  ContainerConfig config;  // id and created are filled in by create()
  // Makes the OCI runtime spec once the container's rootfs is mounted at
  // `rootfs` (users are looked up in its /etc/passwd) and config.id is
  // known; may fill in more of `config` (args, stop signal, healthcheck).
  std::function<Result<Json>(const std::string& rootfs, ContainerConfig& config)> build_spec;
};

struct ContainerInfo {
  store::ContainerRecord record;
  ContainerConfig config;
  ContainerState state;
  std::string status;  // the state's status, corrected for a dead monitor
  // Running, paused or restarting: it has a process or a monitor about to start one.
  bool active() const { return is_running_status(status); }
};

class Engine {
 public:
  // `hako_binary` is what a monitor runs for --rm; `monitor_binary` the
  // monitor itself (both default to the directory of /proc/self/exe).
  Engine(image::ImageStore& images, std::string root);

  image::ImageStore& images() { return images_; }
  const std::string& root() const { return root_; }
  // Where hako's own executables are (hako-monitor, hako-init).
  const std::string& bin_dir() const { return bin_dir_; }
  ContainerFiles files(const std::string& id) const { return ContainerFiles(root_, id); }

  // Records the container (its name is unique: a taken one is Conflict with
  // Docker's message) and prepares its writable layer. Returns the id.
  Result<std::string> create(CreateRequest request);

  // Starts a created or exited container: mounts its rootfs, writes the
  // bundle and starts a monitor. With wait_for_attach the monitor creates
  // the container and waits for an attach client to say Start.
  Result<> start(const std::string& id, bool wait_for_attach = false);

  // Docker's stop: the stop signal, then SIGKILL after `timeout` seconds.
  Result<> stop(const std::string& id, std::optional<int> timeout);
  Result<> kill(const std::string& id, int signal);
  Result<> pause(const std::string& id);
  Result<> unpause(const std::string& id);
  // Removes a stopped container (force: kills a running one first).
  Result<> remove(const std::string& id, bool force);
  // Gives the container a new (valid, free) name; the caller checks the
  // name's syntax.
  Result<> rename(const std::string& id, const std::string& new_name);
  // Blocks until the container is not running; returns its exit code.
  Result<int> wait(const std::string& id);

  // By full id, unique id prefix or name ("No such container: x").
  Result<std::string> resolve(std::string_view text);
  Result<ContainerInfo> info(const std::string& id);
  Result<std::vector<ContainerInfo>> list();

  // Where the monitor's attach socket is, once started.
  std::string attach_socket(const std::string& id) const { return files(id).attach_socket(); }

 private:
  Result<> wait_until_stopped(const std::string& id, int timeout_ms);
  image::ImageStore& images_;
  std::string root_;
  std::string bin_dir_;
};

// A new random 64-hex container id.
std::string new_container_id();

}  // namespace hako::engine
