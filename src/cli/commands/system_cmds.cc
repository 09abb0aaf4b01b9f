// info, version, system df, system prune and container prune: what the
// engine holds and how to reclaim it. There is no daemon, so "server"
// figures describe the store under --root.
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "base/clock.h"
#include "base/files.h"
#include "cgroups/manager.h"
#include "cli/commands/container_commands.h"
#include "cli/commands/image_commands.h"
#include "cli/format/template.h"
#include "cli/units.h"
#include "cli/version.h"
#include "engine/build_executor.h"
#include "engine/volumes.h"
#include "layer/snapshots.h"
#include "volume/volume_store.h"

namespace hako::cli {
namespace {


// PRETTY_NAME from os-release, as Docker's "Operating System".
std::string operating_system() {
  std::ifstream in("/etc/os-release");
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with("PRETTY_NAME=")) {
      std::string v = line.substr(12);
      if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
      return v;
    }
  return "Linux";
}

std::string architecture() {
  utsname u{};
  ::uname(&u);
  return u.machine;
}

// Prints `data` with a --format template, true when one was given.
Result<bool> print_formatted(const ParsedFlags& p, const Json& data) {
  if (!p.set("format")) return false;
  TRY_ASSIGN(auto out, format::render_each(p.str("format"), {data}));
  std::fputs(out.c_str(), stdout);
  return true;
}

Result<int> info(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto all, eng->list());
  TRY_ASSIGN(auto images, eng->images().db().list_images());
  int running = 0, paused = 0, stopped = 0;
  for (const auto& ci : all) {
    if (ci.status == "paused") ++paused;
    else if (ci.active()) ++running;
    else ++stopped;
  }
  utsname u{};
  ::uname(&u);
  struct sysinfo si{};
  ::sysinfo(&si);
  char host[256] = "";
  ::gethostname(host, sizeof host - 1);
  bool v2 = cgroups::detect_version({}) == cgroups::Version::V2;
  Json data = {{"ID", ""},
               {"Containers", all.size()},
               {"ContainersRunning", running},
               {"ContainersPaused", paused},
               {"ContainersStopped", stopped},
               {"Images", images.size()},
               {"Driver", std::string(layer::to_string(eng->images().snapshots().driver()))},
               {"LoggingDriver", "json-file"},
               {"CgroupDriver", "cgroupfs"},
               {"CgroupVersion", v2 ? "2" : "1"},
               {"KernelVersion", u.release},
               {"OperatingSystem", operating_system()},
               {"OSType", "linux"},
               {"Architecture", architecture()},
               {"NCPU", ::sysconf(_SC_NPROCESSORS_ONLN)},
               {"MemTotal", static_cast<int64_t>(si.totalram) * si.mem_unit},
               {"DockerRootDir", ctx.globals.root},
               {"Name", host},
               {"ServerVersion", kVersion},
               {"DefaultRuntime", "hako-runtime"},
               {"Runtimes", {{"hako-runtime", {{"path", "hako-runtime"}}}}},
               {"SecurityOptions", {"name=seccomp,profile=builtin"}},
               {"Daemonless", true}};
  TRY_ASSIGN(bool formatted, print_formatted(p, data));
  if (formatted) return 0;
  std::printf("Client:\n Version:    %s\n Context:    default\n Debug Mode: %s\n\n", kVersion,
              ctx.globals.debug ? "true" : "false");
  std::printf("Server:\n");
  std::printf(" Containers: %zu\n  Running: %d\n  Paused: %d\n  Stopped: %d\n", all.size(), running, paused, stopped);
  std::printf(" Images: %zu\n", images.size());
  std::printf(" Server Version: %s (daemonless)\n", kVersion);
  std::printf(" Storage Driver: %s\n", data["Driver"].get<std::string>().c_str());
  std::printf(" Logging Driver: json-file\n Cgroup Driver: cgroupfs\n Cgroup Version: %s\n", v2 ? "2" : "1");
  std::printf(" Runtimes: hako-runtime\n Default Runtime: hako-runtime\n");
  std::printf(" Security Options:\n  seccomp\n   Profile: builtin\n");
  std::printf(" Kernel Version: %s\n Operating System: %s\n OSType: linux\n Architecture: %s\n", u.release,
              data["OperatingSystem"].get<std::string>().c_str(), data["Architecture"].get<std::string>().c_str());
  std::printf(" CPUs: %ld\n Total Memory: %s\n Name: %s\n Docker Root Dir: %s\n", ::sysconf(_SC_NPROCESSORS_ONLN),
              human_binary_size(static_cast<double>(data["MemTotal"].get<int64_t>())).c_str(), host,
              ctx.globals.root.c_str());
  return 0;
}

Result<int> version(Context&, const ParsedFlags& p) {
  utsname u{};
  ::uname(&u);
  std::string os_arch = std::string("linux/") + (architecture() == "x86_64" ? "amd64" : architecture());
  Json client = {{"Version", kVersion}, {"GitCommit", kCommit}, {"Os", "linux"},
                 {"Arch", architecture() == "x86_64" ? "amd64" : architecture()}, {"Context", "default"}};
  Json server = {{"Version", kVersion},
                 {"GitCommit", kCommit},
                 {"KernelVersion", u.release},
                 {"Os", "linux"},
                 {"Arch", client["Arch"]},
                 {"Components",
                  {{{"Name", "Engine"}, {"Version", kVersion}},
                   {{"Name", "hako-runtime"}, {"Version", kVersion}, {"Details", {{"OCI", kOciSpecVersion}}}}}}};
  Json data = {{"Client", client}, {"Server", server}};
  TRY_ASSIGN(bool formatted, print_formatted(p, data));
  if (formatted) return 0;
  std::printf("Client:\n Version:           %s\n Git commit:        %s\n OS/Arch:           %s\n Context:           default\n\n",
              kVersion, kCommit, os_arch.c_str());
  std::printf("Server: hako (daemonless)\n Engine:\n  Version:          %s\n  Git commit:       %s\n  OS/Arch:          %s\n",
              kVersion, kCommit, os_arch.c_str());
  std::printf(" hako-runtime:\n  Version:          %s\n  OCI spec:         %s\n", kVersion, kOciSpecVersion);
  return 0;
}

// The bytes a container's writable layer holds.
int64_t container_size(engine::Engine& eng, const std::string& id) {
  return tree_size(eng.images().snapshots().changes_dir(id)).value_or(0);
}

struct PrunedContainers {
  std::vector<std::string> ids;
  int64_t reclaimed = 0;
};

// Removes every container that is not running (created, exited, dead),
// optionally only those created before `until` and carrying `labels`.
Result<PrunedContainers> prune_containers(engine::Engine& eng, std::optional<int64_t> until) {
  TRY_ASSIGN(auto all, eng.list());
  PrunedContainers out;
  for (const auto& ci : all) {
    if (ci.active()) continue;
    if (until && parse_rfc3339(ci.config.created).value_or(0) >= *until) continue;
    int64_t size = container_size(eng, ci.config.id);
    if (auto r = eng.remove(ci.config.id, false); !r) {
      std::fprintf(stderr, "Error response from daemon: %s\n", r.error().message().c_str());
      continue;
    }
    out.ids.push_back(ci.config.id);
    out.reclaimed += size;
  }
  return out;
}

Result<int> container_prune(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto until, prune_until_filter(p.list("filter")));
  if (!p.boolean("force") && !confirm("WARNING! This will remove all stopped containers.")) return 0;
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto pruned, prune_containers(*eng, until));
  if (!pruned.ids.empty()) {
    std::printf("Deleted Containers:\n");
    for (const auto& id : pruned.ids) std::printf("%s\n", id.c_str());
    std::printf("\n");
  }
  std::printf("Total reclaimed space: %s\n", human_size(static_cast<double>(pruned.reclaimed)).c_str());
  return 0;
}

Result<int> system_prune(Context& ctx, const ParsedFlags& p) {
  bool all = p.boolean("all");
  TRY_ASSIGN(auto until, prune_until_filter(p.list("filter")));
  if (!p.boolean("force")) {
    std::string warning = "WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n";
    if (p.boolean("volumes")) warning += "  - all anonymous volumes not used by at least one container\n";
    warning += all ? "  - all images without at least one container associated to them\n  - all build cache\n"
                   : "  - all dangling images\n  - unused build cache\n";
    if (!confirm(warning.c_str())) return 0;
  }
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto containers, prune_containers(*eng, until));
  if (!containers.ids.empty()) {
    std::printf("Deleted Containers:\n");
    for (const auto& id : containers.ids) std::printf("%s\n", id.c_str());
    std::printf("\n");
  }
  TRY_ASSIGN(auto networks, prune_networks(*eng, {}));
  if (!networks.empty()) {
    std::printf("Deleted Networks:\n");
    for (const auto& n : networks) std::printf("%s\n", n.c_str());
    std::printf("\n");
  }
  TRY_ASSIGN(auto images, prune_images(eng->images(), all, until));
  if (!images.lines.empty()) {
    std::printf("Deleted Images:\n");
    for (const auto& l : images.lines) std::printf("%s\n", l.c_str());
    std::printf("\n");
  }
  std::vector<std::string> in_use;
  TRY_ASSIGN(auto live, eng->list());
  for (const auto& c : live) in_use.push_back(c.record.image_id);
  TRY_ASSIGN(auto cache_freed, engine::prune_build_cache(eng->images(), in_use));
  std::printf("Total reclaimed space: %s\n",
              human_size(static_cast<double>(containers.reclaimed + images.reclaimed +
                                             static_cast<int64_t>(cache_freed))).c_str());
  return 0;
}

std::string percent_of(int64_t part, int64_t whole) {
  return fmt::format("{} ({}%)", human_size(static_cast<double>(part)),
                     whole > 0 ? static_cast<int>(100.0 * static_cast<double>(part) / static_cast<double>(whole)) : 0);
}

Result<int> system_df(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  auto& db = eng->images().db();
  TRY_ASSIGN(auto images, db.list_images());
  // Cached build steps count as build cache, not images.
  TRY_ASSIGN(auto cache_ids, engine::build_cache_images(eng->images()));
  TRY_ASSIGN(auto cache_usage, engine::build_cache_usage(eng->images()));
  std::erase_if(images, [&](const store::ImageRecord& im) { return cache_ids.count(im.id) > 0; });
  TRY_ASSIGN(auto all, eng->list());
  std::set<std::string> used_images;
  for (const auto& ci : all) used_images.insert(ci.record.image_id);
  // Layers are shared: each counts once, and is reclaimable only when no
  // image a container uses has it.
  std::map<std::string, int64_t> layer_size;
  std::set<std::string> used_layers;
  for (const auto& im : images)
    for (const auto& chain : im.layers) {
      if (!layer_size.contains(chain)) {
        auto layer = db.layer_by_chain_id(chain);
        layer_size[chain] = layer ? layer->size : 0;
      }
      if (used_images.contains(im.id)) used_layers.insert(chain);
    }
  int64_t images_total = 0, images_reclaimable = 0;
  for (const auto& [chain, size] : layer_size) {
    images_total += size;
    if (!used_layers.contains(chain)) images_reclaimable += size;
  }
  int64_t containers_total = 0, containers_reclaimable = 0;
  int active_containers = 0;
  std::vector<Json> container_rows;
  for (const auto& ci : all) {
    int64_t size = container_size(*eng, ci.config.id);
    containers_total += size;
    if (ci.active()) ++active_containers;
    else containers_reclaimable += size;
    container_rows.push_back({{"ID", ci.config.id.substr(0, 12)}, {"Image", ci.config.image},
                              {"Names", ci.config.name}, {"Size", human_size(static_cast<double>(size))},
                              {"Status", ci.status}});
  }
  // Volumes: the size of each data directory; LINKS is how many
  // containers use it, and an unused one is reclaimable.
  volume::VolumeStore volume_store(db, eng->root());
  TRY_ASSIGN(auto volumes, volume_store.list());
  int64_t volumes_total = 0, volumes_reclaimable = 0;
  int active_volumes = 0;
  std::vector<Json> volume_rows;
  for (const auto& v : volumes) {
    int64_t size = tree_size(volume_store.data_dir(v.name)).value_or(0);
    TRY_ASSIGN(auto users, engine::volume_users(*eng, v.name));
    volumes_total += size;
    if (users.empty()) volumes_reclaimable += size;
    else ++active_volumes;
    volume_rows.push_back({{"VolumeName", v.name}, {"Links", users.size()}, {"Size", human_size(static_cast<double>(size))}});
  }
  std::vector<Json> rows = {
      {{"Type", "Images"}, {"TotalCount", images.size()}, {"Active", used_images.size()},
       {"Size", human_size(static_cast<double>(images_total))}, {"Reclaimable", percent_of(images_reclaimable, images_total)}},
      {{"Type", "Containers"}, {"TotalCount", all.size()}, {"Active", active_containers},
       {"Size", human_size(static_cast<double>(containers_total))},
       {"Reclaimable", percent_of(containers_reclaimable, containers_total)}},
      {{"Type", "Local Volumes"}, {"TotalCount", volumes.size()}, {"Active", active_volumes},
       {"Size", human_size(static_cast<double>(volumes_total))},
       {"Reclaimable", percent_of(volumes_reclaimable, volumes_total)}},
      {{"Type", "Build Cache"}, {"TotalCount", cache_usage.entries}, {"Active", 0},
       {"Size", human_size(static_cast<double>(cache_usage.size))},
       {"Reclaimable", human_size(static_cast<double>(cache_usage.size))}}};
  static const std::map<std::string, std::string> headers = {
      {"Type", "TYPE"}, {"TotalCount", "TOTAL"}, {"Active", "ACTIVE"}, {"Size", "SIZE"}, {"Reclaimable", "RECLAIMABLE"},
      {"ID", "CONTAINER ID"}, {"Image", "IMAGE"}, {"Names", "NAMES"}, {"Status", "STATUS"},
      {"VolumeName", "VOLUME NAME"}, {"Links", "LINKS"}};
  if (p.boolean("verbose")) {
    std::printf("Containers space usage:\n\n");
    TRY_ASSIGN(auto out, format::render_listing("", "table {{.ID}}\t{{.Image}}\t{{.Size}}\t{{.Status}}\t{{.Names}}",
                                                container_rows, headers));
    std::fputs(out.c_str(), stdout);
    std::printf("\nLocal Volumes space usage:\n\n");
    TRY_ASSIGN(auto vols, format::render_listing("", "table {{.VolumeName}}\t{{.Links}}\t{{.Size}}", volume_rows, headers));
    std::fputs(vols.c_str(), stdout);
    return 0;
  }
  TRY_ASSIGN(auto out, format::render_listing(p.str("format"),
                                              "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}",
                                              rows, headers));
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace

std::vector<Command> system_commands() {
  Flag format{"format", 'f', Flag::String, "", "Format output using a custom template"};
  Flag force{"force", 'f', Flag::Bool, "", "Do not prompt for confirmation"};
  Flag filter{"filter", 0, Flag::List, "", "Provide filter values (e.g. \"until=<timestamp>\")"};
  return {
      {"info", {"system info"}, "[OPTIONS]", "Display system-wide information", {format}, info, 0, 0},
      {"version", {}, "[OPTIONS]", "Show the hako version information", {format}, version, 0, 0},
      {"system df", {}, "[OPTIONS]", "Show hako disk usage",
       {{"format", 0, Flag::String, "", "Format output using a custom template"},
        {"verbose", 'v', Flag::Bool, "", "Show detailed information on space usage"}},
       system_df, 0, 0},
      {"system prune", {}, "[OPTIONS]", "Remove unused data",
       {{"all", 'a', Flag::Bool, "", "Remove all unused images not just dangling ones"}, filter, force,
        {"volumes", 0, Flag::Bool, "", "Prune anonymous volumes"}},
       system_prune, 0, 0},
      {"container prune", {}, "[OPTIONS]", "Remove all stopped containers", {filter, force}, container_prune, 0, 0},
      events_command(),
  };
}

}  // namespace hako::cli
