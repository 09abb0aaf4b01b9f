#include "engine/run_container.h"

#include <linux/magic.h>
#include <sys/vfs.h>

#include <algorithm>
#include <cstdio>

#include "base/files.h"
#include "engine/logs/log_options.h"
#include "engine/network_setup.h"
#include "engine/spec/spec_builder.h"
#include "engine/volumes.h"

namespace hako::engine {
namespace {

// Docker gives containers a private cgroup namespace on cgroup v2 hosts only.
bool cgroup2_host() {
  struct statfs s;
  return ::statfs("/sys/fs/cgroup", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

}  // namespace

Result<std::string> create_container(Engine& engine, const RunOptions& o, const store::ImageRecord& image,
                                     const oci::ImageConfig& image_config) {
  for (const auto& n : o.notes) std::fprintf(stderr, "WARNING: %s\n", n.c_str());

  CreateRequest req;
  auto& c = req.config;
  c.name = o.name;
  c.image = o.image;
  c.image_id = image.id;
  c.tty = o.tty;
  c.open_stdin = o.interactive;
  c.auto_remove = o.rm;
  c.log_driver = o.log_driver;
  TRY_ASSIGN(auto log_opts, logs::parse_json_file_log_opts(o.log_opts));
  c.log_max_size = log_opts.max_size;
  c.log_max_file = log_opts.max_file;
  TRY_ASSIGN(Json net_request, network_request(engine, o, image_config.config.exposed_ports));
  c.run_options["net"] = net_request;
  TRY_ASSIGN(auto inherited, volumes_from(engine, o.volumes_from));
  std::vector<std::string> volume_flags = inherited;
  volume_flags.insert(volume_flags.end(), o.volumes.begin(), o.volumes.end());
  TRY_ASSIGN(auto resolved, resolve_mounts(engine.images().db(), engine.root(), volume_flags, o.mounts,
                                           image_config.config.volumes));
  c.run_options["Mounts"] = resolved.used;
  std::string init_binary = engine.bin_dir() + "/hako-init";
  if (o.init && !path_exists(init_binary))
    return fail(ErrorKind::NotFound, "--init: {} not found (it is installed beside hako)", init_binary);
  req.build_spec = [&o, &image_config, &init_binary, &net_request, &resolved, &engine](
                       const std::string& rootfs, ContainerConfig& c) -> Result<Json> {
    TRY(copy_up_volumes(rootfs, resolved));
    SpecInput in;
    in.mounts = resolved.mounts;
    in.init_source = init_binary;
    in.options = &o;
    in.image = &image_config;
    in.rootfs = rootfs;
    in.container_id = c.id;
    in.cgroupns_private = cgroup2_host();
    TRY_ASSIGN(auto built, build_container_spec(in));
    for (const auto& w : built.warnings) std::fprintf(stderr, "WARNING: %s\n", w.c_str());
    // The generated /etc files, unless the user mounts their own.
    Json& mounts = built.spec["mounts"];
    for (const auto& m : etc_file_mounts(engine, c.id, net_request)) {
      bool taken = std::any_of(mounts.begin(), mounts.end(),
                               [&](const Json& x) { return x.value("destination", "") == m["destination"]; });
      if (!taken) mounts.push_back(m);
    }
    if (built.spec.contains("process") && built.spec["process"].contains("args"))
      c.args = built.spec["process"]["args"].get<std::vector<std::string>>();
    c.stop_signal = built.stop_signal;
    c.stop_timeout = built.stop_timeout;
    c.labels = built.labels;
    c.restart.name = built.restart.name;
    c.restart.max_retries = built.restart.max_retries;
    if (built.healthcheck && !built.healthcheck->test.empty() && built.healthcheck->test[0] != "NONE") {
      Healthcheck h;
      h.test = built.healthcheck->test;
      if (built.healthcheck->interval) h.interval_ns = built.healthcheck->interval;
      if (built.healthcheck->timeout) h.timeout_ns = built.healthcheck->timeout;
      h.start_period_ns = built.healthcheck->start_period;
      if (built.healthcheck->retries) h.retries = built.healthcheck->retries;
      c.health = h;
    }
    const Json& proc = built.spec.value("process", Json::object());
    c.run_options["Config"] = {{"Hostname", built.hostname},
                               {"User", proc.contains("user") ? o.user : ""},
                               {"Env", proc.value("env", Json::array())},
                               {"Cmd", o.command.empty() ? Json(image_config.config.cmd.value_or(std::vector<std::string>{}))
                                                         : Json(o.command)},
                               {"Entrypoint", o.entrypoint ? Json(std::vector<std::string>{*o.entrypoint})
                                                           : Json(image_config.config.entrypoint.value_or(
                                                                 std::vector<std::string>{}))},
                               {"WorkingDir", proc.value("cwd", "/")}};
    if (o.stop_timeout) c.run_options["Config"]["StopTimeout"] = *o.stop_timeout;
    // Docker's HostConfig fields for what create was asked (inspect merges
    // them over the live resources).
    Json& host = c.run_options["HostConfig"];
    host["Privileged"] = o.privileged;
    host["ReadonlyRootfs"] = o.read_only;
    host["Init"] = o.init ? Json(true) : Json(nullptr);
    host["CapAdd"] = o.cap_add.empty() ? Json(nullptr) : Json(o.cap_add);
    host["CapDrop"] = o.cap_drop.empty() ? Json(nullptr) : Json(o.cap_drop);
    return built.spec;
  };
  // Detached --rm: the monitor removes the container when it ends; in the
  // foreground the command does it, so it returns only once it is gone.
  c.run_options["monitor_removes"] = o.rm && o.detach;
  return engine.create(std::move(req));
}

}  // namespace hako::engine
