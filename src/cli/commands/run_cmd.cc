// `hako run` and `hako create`.
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "base/files.h"
#include "cli/commands/container_commands.h"
#include "engine/attach_client.h"
#include "engine/logs/log_options.h"
#include "engine/network_setup.h"
#include "engine/volumes.h"
#include "engine/spec/run_options.h"
#include "engine/spec/spec_builder.h"
#include "image/distribution.h"
#include "image/reference.h"
#include "image/registry/progress_display.h"

namespace hako::cli {
namespace {

// Docker gives containers a private cgroup namespace on cgroup v2 hosts only.
bool cgroup2_host() {
  struct statfs s;
  return ::statfs("/sys/fs/cgroup", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

std::vector<Flag> flags_for(bool for_run) {
  std::vector<Flag> out;
  for (const auto& s : engine::run_flag_specs(for_run)) {
    Flag f;
    f.name = s.name;
    f.shorthand = s.shorthand;
    f.type = !s.takes_value ? Flag::Bool : s.repeatable ? Flag::List : Flag::String;
    f.default_value = s.default_value;
    f.help = s.help;
    f.value_name = s.value_name;
    out.push_back(std::move(f));
  }
  return out;
}

engine::FlagValues given(const ParsedFlags& p, bool for_run) {
  engine::FlagValues v;
  for (const auto& s : engine::run_flag_specs(for_run))
    if (p.set(s.name)) v[s.name] = p.list(s.name);
  return v;
}

// The image to run: found locally, or pulled as --pull says.
Result<store::ImageRecord> image_for(Context& ctx, const engine::RunOptions& o) {
  TRY_ASSIGN(auto store, ctx.images());
  auto local = store->find(o.image);
  if (local && o.pull != "always") return local;
  if (!local && local.error().kind() != ErrorKind::NotFound) return local;
  if (o.pull == "never") return fail(ErrorKind::NotFound, "No such image: {}", o.image);
  TRY_ASSIGN(auto ref, image::parse_reference(o.image));
  if (!local) std::fprintf(stderr, "Unable to find image '%s' locally\n", ref.familiar_string().c_str());
  image::TransferOptions t;
  t.insecure_registries = ctx.globals.insecure_registries;
  t.certs_dirs = ctx.globals.certs_dirs;
  if (!ctx.globals.config_dir.empty()) t.docker_config = ctx.globals.config_dir + "/config.json";
  image::registry::ProgressDisplay display(2, ::isatty(2) == 1);
  t.progress = &display;
  t.status = [&](const std::string& line) { display.print(line); };
  image::Platform platform = image::default_platform();
  if (!o.platform.empty()) {
    TRY_ASSIGN(platform, image::parse_platform(o.platform));
  }
  auto pulled = image::pull(*store, ref, platform, t);
  display.flush();
  if (!pulled) return std::unexpected(pulled.error());
  return store->find(ref.string());
}

// --rm: the container and its anonymous volumes go, as Docker's.
void remove_with_volumes(engine::Engine& eng, const std::string& id) {
  Json run_options = Json::object();
  if (auto ci = eng.info(id)) run_options = ci->config.run_options;
  if (eng.remove(id, true)) (void)engine::remove_anonymous_volumes(eng, run_options);
}

Result<std::string> create_from(Context& ctx, const engine::RunOptions& o) {
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto image, image_for(ctx, o));
  TRY_ASSIGN(auto image_config, eng->images().config(image));
  for (const auto& n : o.notes) std::fprintf(stderr, "WARNING: %s\n", n.c_str());

  engine::CreateRequest req;
  auto& c = req.config;
  c.name = o.name;
  c.image = o.image;
  c.image_id = image.id;
  c.tty = o.tty;
  c.open_stdin = o.interactive;
  c.auto_remove = o.rm;
  c.log_driver = o.log_driver;
  TRY_ASSIGN(auto log_opts, engine::logs::parse_json_file_log_opts(o.log_opts));
  c.log_max_size = log_opts.max_size;
  c.log_max_file = log_opts.max_file;
  TRY_ASSIGN(Json net_request, engine::network_request(*eng, o, image_config.config.exposed_ports));
  c.run_options["net"] = net_request;
  TRY_ASSIGN(auto inherited, engine::volumes_from(*eng, o.volumes_from));
  std::vector<std::string> volume_flags = inherited;
  volume_flags.insert(volume_flags.end(), o.volumes.begin(), o.volumes.end());
  TRY_ASSIGN(auto resolved, engine::resolve_mounts(eng->images().db(), eng->root(), volume_flags, o.mounts,
                                                   image_config.config.volumes));
  c.run_options["Mounts"] = resolved.used;
  std::string init_binary = eng->bin_dir() + "/hako-init";
  if (o.init && !path_exists(init_binary))
    return fail(ErrorKind::NotFound, "--init: {} not found (it is installed beside hako)", init_binary);
  req.build_spec = [&o, &image_config, &init_binary, &net_request, &resolved, eng](
                       const std::string& rootfs, engine::ContainerConfig& c) -> Result<Json> {
    TRY(engine::copy_up_volumes(rootfs, resolved));
    engine::SpecInput in;
    in.mounts = resolved.mounts;
    in.init_source = init_binary;
    in.options = &o;
    in.image = &image_config;
    in.rootfs = rootfs;
    in.container_id = c.id;
    in.cgroupns_private = cgroup2_host();
    TRY_ASSIGN(auto built, engine::build_container_spec(in));
    for (const auto& w : built.warnings) std::fprintf(stderr, "WARNING: %s\n", w.c_str());
    // The generated /etc files, unless the user mounts their own.
    Json& mounts = built.spec["mounts"];
    for (const auto& m : engine::etc_file_mounts(*eng, c.id, net_request)) {
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
      engine::Healthcheck h;
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
    return built.spec;
  };
  // Detached --rm: the monitor removes the container when it ends; in the
  // foreground the command does it, so it returns only once it is gone.
  c.run_options["monitor_removes"] = o.rm && o.detach;
  return eng->create(std::move(req));
}

Result<int> create(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto o, engine::parse_run_options(given(p, false), p.args()));
  TRY_ASSIGN(auto id, create_from(ctx, o));
  std::printf("%s\n", id.c_str());
  return 0;
}

Result<int> run(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto o, engine::parse_run_options(given(p, true), p.args()));
  TRY_ASSIGN(auto id, create_from(ctx, o));
  TRY_ASSIGN(auto eng, ctx.engine());
  std::fflush(stdout);
  auto started = eng->start(id, /*wait_for_attach=*/!o.detach);
  if (!started) {
    if (o.rm) remove_with_volumes(*eng, id);
    // Docker's codes: 127 for a command that is not there, 126 for one that
    // cannot be run.
    std::fprintf(stderr, "hako: Error response from daemon: %s\n", started.error().message().c_str());
    return started.error().kind() == ErrorKind::NotFound ? 127
           : started.error().kind() == ErrorKind::PermissionDenied ? 126 : 125;
  }
  if (o.detach) {
    std::printf("%s\n", id.c_str());
    return 0;
  }
  engine::AttachOptions a;
  a.send_start = true;
  a.stdin = o.interactive;
  a.tty = o.tty;
  a.detach_keys = o.detach_key_bytes;
  a.proxy_signals = o.sig_proxy && !o.tty;
  auto r = engine::attach(eng->attach_socket(id), a);
  if (!r) return std::unexpected(r.error());
  if (r->detached) return 0;
  int code = r->exit_code;
  if (!r->error.empty()) std::fprintf(stderr, "hako: Error response from daemon: %s\n", r->error.c_str());
  if (o.rm) remove_with_volumes(*eng, id);
  return code;
}

}  // namespace

Command run_command() {
  return {"run", {"container run"}, "[OPTIONS] IMAGE [COMMAND] [ARG...]",
          "Create and run a new container from an image", flags_for(true), run, 1, -1, true, 125};
}

Command create_command() {
  return {"create", {"container create"}, "[OPTIONS] IMAGE [COMMAND] [ARG...]", "Create a new container",
          flags_for(false), create, 1, -1, true, 125};
}

}  // namespace hako::cli
