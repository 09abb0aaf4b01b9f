// `hako run` and `hako create`.
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "base/files.h"
#include "cli/commands/container_commands.h"
#include "engine/attach_client.h"
#include "engine/logs/log_options.h"
#include "engine/run_container.h"
#include "engine/volumes.h"
#include "engine/spec/run_options.h"
#include "image/distribution.h"
#include "image/reference.h"
#include "image/registry/progress_display.h"

namespace hako::cli {
namespace {

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

Result<store::ImageRecord> image_for(Context& ctx, const engine::RunOptions& o) {
  return find_or_pull_image(ctx, o.image, o.pull, o.platform);
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
  return engine::create_container(*eng, o, image, image_config);
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

Result<store::ImageRecord> find_or_pull_image(Context& ctx, const std::string& image_text, const std::string& pull,
                                              const std::string& platform_text) {
  TRY_ASSIGN(auto store, ctx.images());
  auto local = store->find(image_text);
  if (local && pull != "always") return local;
  if (!local && local.error().kind() != ErrorKind::NotFound) return local;
  if (pull == "never") return fail(ErrorKind::NotFound, "No such image: {}", image_text);
  TRY_ASSIGN(auto ref, image::parse_reference(image_text));
  if (!local) std::fprintf(stderr, "Unable to find image '%s' locally\n", ref.familiar_string().c_str());
  image::TransferOptions t;
  t.insecure_registries = ctx.globals.insecure_registries;
  t.certs_dirs = ctx.globals.certs_dirs;
  if (!ctx.globals.config_dir.empty()) t.docker_config = ctx.globals.config_dir + "/config.json";
  image::registry::ProgressDisplay display(2, ::isatty(2) == 1);
  t.progress = &display;
  t.status = [&](const std::string& line) { display.print(line); };
  image::Platform platform = image::default_platform();
  if (!platform_text.empty()) {
    TRY_ASSIGN(platform, image::parse_platform(platform_text));
  }
  auto pulled = image::pull(*store, ref, platform, t);
  display.flush();
  if (!pulled) return std::unexpected(pulled.error());
  return store->find(ref.string());
}

Command run_command() {
  return {"run", {"container run"}, "[OPTIONS] IMAGE [COMMAND] [ARG...]",
          "Create and run a new container from an image", flags_for(true), run, 1, -1, true, 125};
}

Command create_command() {
  return {"create", {"container create"}, "[OPTIONS] IMAGE [COMMAND] [ARG...]", "Create a new container",
          flags_for(false), create, 1, -1, true, 125};
}

}  // namespace hako::cli
