// volume create, ls, inspect, rm, prune.
#include <cstdio>

#include "base/files.h"
#include "cli/commands/image_commands.h"
#include "cli/format/template.h"
#include "cli/units.h"
#include "engine/volumes.h"
#include "volume/volume_store.h"

namespace hako::cli {
namespace {

using volume::VolumeRecord;
using volume::VolumeStore;

Result<std::map<std::string, std::string>> key_values(const std::vector<std::string>& values) {
  std::map<std::string, std::string> out;
  for (const auto& v : values) {
    size_t eq = v.find('=');
    if (eq == 0 || eq == std::string::npos) return fail(ErrorKind::InvalidArgument, "invalid key value pair format: {}", v);
    out[v.substr(0, eq)] = v.substr(eq + 1);
  }
  return out;
}

Json volume_json(const VolumeStore& store, const VolumeRecord& v) {
  return {{"CreatedAt", v.created},
          {"Driver", v.driver},
          {"Labels", v.labels.empty() ? Json(nullptr) : Json(v.labels)},
          {"Mountpoint", store.data_dir(v.name)},
          {"Name", v.name},
          {"Options", v.options.empty() ? Json(nullptr) : Json(v.options)},
          {"Scope", "local"}};
}

Result<int> create(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  VolumeStore store(eng->images().db(), eng->root());
  VolumeRecord v;
  if (!p.args().empty()) v.name = p.args()[0];
  v.driver = p.set("driver") ? p.str("driver") : "local";
  TRY_ASSIGN(v.options, key_values(p.list("opt")));
  for (const auto& l : p.list("label")) {
    size_t eq = l.find('=');
    v.labels[l.substr(0, eq)] = eq == std::string::npos ? "" : l.substr(eq + 1);
  }
  TRY_ASSIGN(auto made, store.create(v));
  std::printf("%s\n", made.name.c_str());
  return 0;
}

bool matches(const VolumeRecord& v, bool dangling, const std::vector<std::string>& filters) {
  for (const auto& f : filters) {
    size_t eq = f.find('=');
    std::string key = f.substr(0, eq), value = eq == std::string::npos ? "" : f.substr(eq + 1);
    if (key == "dangling" && (value == "true" || value == "1") != dangling) return false;
    if (key == "name" && v.name.find(value) == std::string::npos) return false;
    if (key == "driver" && v.driver != value) return false;
    if (key == "label") {
      size_t e2 = value.find('=');
      auto it = v.labels.find(value.substr(0, e2));
      if (it == v.labels.end() || (e2 != std::string::npos && it->second != value.substr(e2 + 1))) return false;
    }
  }
  return true;
}

Result<int> ls(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  VolumeStore store(eng->images().db(), eng->root());
  TRY_ASSIGN(auto all, store.list());
  std::vector<Json> rows;
  for (const auto& v : all) {
    TRY_ASSIGN(auto users, engine::volume_users(*eng, v.name));
    if (!matches(v, users.empty(), p.list("filter"))) continue;
    std::string labels;
    for (const auto& [k, val] : v.labels) labels += (labels.empty() ? "" : ",") + k + "=" + val;
    rows.push_back({{"Driver", v.driver}, {"Name", v.name}, {"Scope", "local"}, {"Mountpoint", store.data_dir(v.name)},
                    {"Labels", labels}});
  }
  std::string format = p.boolean("quiet") ? "{{.Name}}" : p.str("format");
  TRY_ASSIGN(auto out, format::render_listing(format, "table {{.Driver}}\t{{.Name}}", rows,
                                              {{"Driver", "DRIVER"}, {"Name", "VOLUME NAME"}, {"Scope", "SCOPE"},
                                               {"Mountpoint", "MOUNTPOINT"}, {"Labels", "LABELS"}}));
  std::fputs(out.c_str(), stdout);
  return 0;
}

Result<int> inspect(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  VolumeStore store(eng->images().db(), eng->root());
  std::vector<Json> found;
  int rc = 0;
  for (const auto& name : p.args()) {
    auto v = store.get(name);
    if (!v) {
      std::fprintf(stderr, "Error response from daemon: %s\n", v.error().message().c_str());
      rc = 1;
      continue;
    }
    found.push_back(volume_json(store, *v));
  }
  TRY(print_inspected(found, p.str("format"), p.set("format")));
  return rc;
}

// Refuses a volume a container uses, with Docker's message.
Result<> remove_volume(engine::Engine& eng, VolumeStore& store, const std::string& name) {
  TRY(store.get(name));
  TRY_ASSIGN(auto users, engine::volume_users(eng, name));
  if (!users.empty()) {
    std::string ids;
    for (const auto& u : users) ids += (ids.empty() ? "" : ", ") + u;
    return fail(ErrorKind::Conflict, "remove {}: volume is in use - [{}]", name, ids);
  }
  return store.remove(name);
}

Result<int> rm(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  VolumeStore store(eng->images().db(), eng->root());
  int rc = 0;
  for (const auto& name : p.args()) {
    auto r = remove_volume(*eng, store, name);
    if (!r) {
      if (p.boolean("force") && r.error().kind() == ErrorKind::NotFound) continue;
      std::fprintf(stderr, "Error response from daemon: %s\n", r.error().message().c_str());
      rc = 1;
      continue;
    }
    std::printf("%s\n", name.c_str());
  }
  return rc;
}

Result<int> prune(Context& ctx, const ParsedFlags& p) {
  bool all = p.boolean("all");
  if (!p.boolean("force") &&
      !confirm(all ? "WARNING! This will remove all local volumes not used by at least one container."
                   : "WARNING! This will remove anonymous local volumes not used by at least one container."))
    return 0;
  TRY_ASSIGN(auto eng, ctx.engine());
  VolumeStore store(eng->images().db(), eng->root());
  TRY_ASSIGN(auto vols, store.list());
  std::vector<std::string> deleted;
  int64_t reclaimed = 0;
  for (const auto& v : vols) {
    if (!all && !v.anonymous) continue;
    if (!matches(v, true, p.list("filter"))) continue;
    TRY_ASSIGN(auto users, engine::volume_users(*eng, v.name));
    if (!users.empty()) continue;
    reclaimed += tree_size(store.data_dir(v.name)).value_or(0);
    TRY(store.remove(v.name));
    deleted.push_back(v.name);
  }
  if (!deleted.empty()) {
    std::printf("Deleted Volumes:\n");
    for (const auto& d : deleted) std::printf("%s\n", d.c_str());
    std::printf("\n");
  }
  std::printf("Total reclaimed space: %s\n", human_size(static_cast<double>(reclaimed)).c_str());
  return 0;
}

}  // namespace

std::vector<Command> volume_commands() {
  return {
      {"volume create",
       {},
       "[OPTIONS] [VOLUME]",
       "Create a volume",
       {{"driver", 'd', Flag::String, "local", "Specify volume driver name"},
        {"label", 0, Flag::List, "", "Set metadata for a volume"},
        {"opt", 'o', Flag::List, "", "Set driver specific options"}},
       create,
       0,
       1},
      {"volume ls",
       {"volume list"},
       "[OPTIONS]",
       "List volumes",
       {{"filter", 'f', Flag::List, "", "Provide filter values (e.g. \"dangling=true\")"},
        {"format", 0, Flag::String, "", "Format output using a custom template"},
        {"quiet", 'q', Flag::Bool, "", "Only display volume names"}},
       ls,
       0,
       0},
      {"volume inspect",
       {},
       "[OPTIONS] VOLUME [VOLUME...]",
       "Display detailed information on one or more volumes",
       {{"format", 'f', Flag::String, "", "Format output using a custom template"}},
       inspect,
       1},
      {"volume rm",
       {"volume remove"},
       "[OPTIONS] VOLUME [VOLUME...]",
       "Remove one or more volumes",
       {{"force", 'f', Flag::Bool, "", "Force the removal of one or more volumes"}},
       rm,
       1},
      {"volume prune",
       {},
       "[OPTIONS]",
       "Remove unused local volumes",
       {{"all", 'a', Flag::Bool, "", "Remove all unused volumes, not just anonymous ones"},
        {"filter", 0, Flag::List, "", "Provide filter values (e.g. \"label=<label>\")"},
        {"force", 'f', Flag::Bool, "", "Do not prompt for confirmation"}},
       prune,
       0,
       0},
  };
}

}  // namespace hako::cli
