// pull, push, login, logout.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "engine/events.h"
#include "cli/commands/image_commands.h"
#include "image/distribution.h"
#include "image/registry/credentials.h"
#include "image/registry/progress_display.h"

namespace hako::cli {
namespace {

image::TransferOptions transfer_options(Context& ctx) {
  image::TransferOptions o;
  o.insecure_registries = ctx.globals.insecure_registries;
  o.certs_dirs = ctx.globals.certs_dirs;
  if (!ctx.globals.config_dir.empty()) o.docker_config = ctx.globals.config_dir + "/config.json";
  return o;
}

Result<int> pull(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto exact, image::parse_reference_exact(p.args()[0]));
  bool quiet = p.boolean("quiet");
  if (p.boolean("all-tags")) return fail(ErrorKind::NotSupported, "--all-tags is not supported yet");
  if (exact.tag.empty() && exact.digest.empty() && !quiet) std::printf("Using default tag: latest\n");
  TRY_ASSIGN(auto ref, image::parse_reference(p.args()[0]));
  image::Platform platform = image::default_platform();
  if (p.set("platform")) {
    TRY_ASSIGN(platform, image::parse_platform(p.str("platform")));
  }
  TRY_ASSIGN(auto store, ctx.images());
  std::fflush(stdout);
  image::registry::ProgressDisplay display(1, ::isatty(1) == 1);
  auto o = transfer_options(ctx);
  if (!quiet) {
    o.progress = &display;
    o.status = [&](const std::string& line) { display.print(line); };
  }
  auto r = image::pull(*store, ref, platform, o);
  display.flush();
  if (!r) return std::unexpected(r.error());
  if (!quiet) {
    std::printf("Digest: %s\n", r->digest.c_str());
    std::printf("Status: %s for %s\n", r->downloaded_new ? "Downloaded newer image" : "Image is up to date",
                ref.familiar_string().c_str());
  }
  engine::emit_image_event(ctx.globals.root, "pull", ref.familiar_string(), ref.familiar_string());
  std::printf("%s\n", ref.string().c_str());
  return 0;
}

Result<int> push(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto ref, image::parse_reference(p.args()[0]));
  if (!ref.digest.empty()) return fail(ErrorKind::InvalidArgument, "pushing by digest is not supported; push a tag");
  TRY_ASSIGN(auto store, ctx.images());
  bool quiet = p.boolean("quiet");
  std::vector<image::Reference> targets = {ref};
  if (p.boolean("all-tags")) {
    targets.clear();
    TRY_ASSIGN(auto images, store->db().list_images());
    for (const auto& im : images)
      for (const auto& t : image::ImageStore::tags_of(im)) {
        auto r = image::parse_reference_exact(t);
        if (r && r->name() == ref.name()) targets.push_back(*r);
      }
    if (targets.empty()) return fail(ErrorKind::NotFound, "An image does not exist locally with the tag: {}", ref.familiar());
  } else if (!store->find(ref.string())) {
    return fail(ErrorKind::NotFound, "An image does not exist locally with the tag: {}", ref.familiar_string());
  }
  image::Reference shown = ref;
  shown.tag.clear();
  if (!quiet) std::printf("The push refers to repository [%s]\n", shown.name().c_str());
  std::fflush(stdout);
  for (const auto& t : targets) {
    image::registry::ProgressDisplay display(1, ::isatty(1) == 1);
    auto o = transfer_options(ctx);
    if (!quiet) o.progress = &display;
    auto r = image::push(*store, t, o);
    display.flush();
    if (!r) return std::unexpected(r.error());
    engine::emit_image_event(ctx.globals.root, "push", t.familiar_string(), t.familiar_string());
    if (!quiet) std::printf("%s: digest: %s size: %llu\n", r->tag.c_str(), r->digest.c_str(),
                            static_cast<unsigned long long>(r->size));
    else std::printf("%s\n", t.string().c_str());
  }
  return 0;
}

std::string read_line(bool echo) {
  termios old{};
  bool tty = ::isatty(0) == 1 && !echo && ::tcgetattr(0, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(0, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(0, TCSANOW, &old);
    std::printf("\n");
  }
  return line;
}

std::string registry_of(const ParsedFlags& p) {
  if (p.args().empty()) return "docker.io";
  std::string s = p.args()[0];
  for (const char* scheme : {"https://", "http://"})
    if (s.starts_with(scheme)) s.erase(0, std::string_view(scheme).size());
  if (auto slash = s.find('/'); slash != std::string::npos) s.resize(slash);
  if (s == "index.docker.io" || s == "registry-1.docker.io") s = "docker.io";
  return s;
}

Result<int> login(Context& ctx, const ParsedFlags& p) {
  std::string host = registry_of(p);
  image::registry::Credentials c;
  c.username = p.str("username");
  if (c.username.empty()) {
    std::printf("Username: ");
    std::fflush(stdout);
    c.username = read_line(true);
  }
  if (p.boolean("password-stdin")) {
    if (p.set("password")) return fail(ErrorKind::InvalidArgument, "--password and --password-stdin are mutually exclusive");
    std::getline(std::cin, c.password);
    while (!c.password.empty() && (c.password.back() == '\n' || c.password.back() == '\r')) c.password.pop_back();
  } else if (p.set("password")) {
    std::fprintf(stderr, "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
    c.password = p.str("password");
  } else {
    std::printf("Password: ");
    std::fflush(stdout);
    c.password = read_line(false);
  }
  if (c.username.empty()) return fail(ErrorKind::InvalidArgument, "Username is required");
  if (c.password.empty()) return fail(ErrorKind::InvalidArgument, "Password is required");
  image::registry::ClientOptions co;
  co.insecure_registries = ctx.globals.insecure_registries;
  if (!ctx.globals.certs_dirs.empty()) co.certs_dirs = ctx.globals.certs_dirs;
  co.credentials = c;
  TRY_ASSIGN(auto client, image::registry::RegistryClient::create(host, co));
  TRY_CTX(client->ping(), "login to " + host);
  auto o = transfer_options(ctx);
  std::string path = image::registry::docker_config_path(o.docker_config);
  TRY(image::registry::store_credentials(path, host, c));
  std::printf("Login Succeeded\n");
  return 0;
}

Result<int> logout(Context& ctx, const ParsedFlags& p) {
  std::string host = registry_of(p);
  auto o = transfer_options(ctx);
  TRY_ASSIGN(bool had, image::registry::erase_credentials(image::registry::docker_config_path(o.docker_config), host));
  if (!had) std::printf("Not logged in to %s\n", host.c_str());
  else std::printf("Removing login credentials for %s\n", host.c_str());
  return 0;
}

}  // namespace

Command pull_command() {
  return {"pull",
          {"image pull"},
          "[OPTIONS] NAME[:TAG|@DIGEST]",
          "Download an image from a registry",
          {{"all-tags", 'a', Flag::Bool, "", "Download all tagged images in the repository"},
           {"platform", 0, Flag::String, "", "Set platform if server is multi-platform capable"},
           {"quiet", 'q', Flag::Bool, "", "Suppress verbose output"}},
          pull,
          1,
          1};
}

Command push_command() {
  return {"push",
          {"image push"},
          "[OPTIONS] NAME[:TAG]",
          "Upload an image to a registry",
          {{"all-tags", 'a', Flag::Bool, "", "Push all tags of an image to the repository"},
           {"quiet", 'q', Flag::Bool, "", "Suppress verbose output"}},
          push,
          1,
          1};
}

Command login_command() {
  return {"login",
          {},
          "[OPTIONS] [SERVER]",
          "Log in to a registry",
          {{"username", 'u', Flag::String, "", "Username"},
           {"password", 'p', Flag::String, "", "Password"},
           {"password-stdin", 0, Flag::Bool, "", "Take the password from stdin"}},
          login,
          0,
          1};
}

Command logout_command() {
  return {"logout", {}, "[SERVER]", "Log out from a registry", {}, logout, 0, 1};
}

}  // namespace hako::cli
