// tag, rmi, image inspect, history, image prune, import.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <set>

#include "base/clock.h"
#include "base/fd.h"
#include "engine/build_executor.h"
#include "engine/events.h"
#include "cli/commands/image_commands.h"
#include "cli/format/template.h"
#include "cli/units.h"
#include "image/import.h"
#include "image/inspect.h"
#include "image/reference.h"

namespace hako::cli {
namespace {

Result<int> tag(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto store, ctx.images());
  TRY_ASSIGN(auto im, store->find(p.args()[0]));
  TRY_ASSIGN(auto target, image::parse_reference(p.args()[1]));
  if (!target.digest.empty()) return fail(ErrorKind::InvalidArgument, "refusing to create a tag with a digest reference");
  TRY(store->db().tag(target.string(), im.id));
  engine::emit_image_event(ctx.globals.root, "tag", im.id, Context::familiar(target.string()));
  return 0;
}

Result<int> rmi(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto store, ctx.images());
  int rc = 0;
  for (const auto& a : p.args()) {
    auto lines = store->remove(a, p.boolean("force"));
    if (!lines) {
      std::fprintf(stderr, "Error: %s\n", lines.error().message().c_str());
      rc = 1;
      continue;
    }
    for (const auto& l : *lines) {
      std::printf("%s\n", l.c_str());
      if (l.starts_with("Untagged: ")) engine::emit_image_event(ctx.globals.root, "untag", l.substr(10), l.substr(10));
      if (l.starts_with("Deleted: ")) engine::emit_image_event(ctx.globals.root, "delete", l.substr(9), "");
    }
  }
  return rc;
}

Result<int> inspect(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto store, ctx.images());
  std::vector<Json> found;
  std::vector<std::string> missing;
  for (const auto& a : p.args()) {
    auto im = store->find(a);
    if (!im) {
      if (im.error().kind() != ErrorKind::NotFound) return std::unexpected(im.error());
      missing.push_back(a);
      continue;
    }
    TRY_ASSIGN(auto j, image::inspect_json(*store, *im));
    found.push_back(std::move(j));
  }
  TRY(print_inspected(found, p.str("format"), p.set("format")));
  for (const auto& m : missing) std::fprintf(stderr, "Error: No such image: %s\n", m.c_str());
  return missing.empty() ? 0 : 1;
}

Result<int> history(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto store, ctx.images());
  TRY_ASSIGN(auto im, store->find(p.args()[0]));
  TRY_ASSIGN(auto rows, image::image_history(*store, im));
  bool human = p.str("human") != "false", no_trunc = p.boolean("no-trunc");
  std::vector<Json> out;
  for (const auto& r : rows) {
    std::string id = r.id == "<missing>" || no_trunc ? r.id : image::short_id(r.id);
    auto created = parse_rfc3339(r.created);
    std::string created_by = r.created_by;
    if (!no_trunc && created_by.size() > 45) created_by = created_by.substr(0, 44) + "…";
    out.push_back({{"ID", id},
                   {"CreatedSince", created ? time_ago(*created) : "N/A"},
                   {"CreatedAt", r.created},
                   {"CreatedBy", created_by},
                   {"Size", human ? human_size(static_cast<double>(r.size)) : std::to_string(r.size)},
                   {"Comment", r.comment}});
  }
  std::string format = p.boolean("quiet") ? "{{.ID}}" : p.str("format");
  static const std::map<std::string, std::string> headers = {
      {"ID", "IMAGE"}, {"CreatedSince", "CREATED"}, {"CreatedAt", "CREATED AT"},
      {"CreatedBy", "CREATED BY"}, {"Size", "SIZE"}, {"Comment", "COMMENT"}};
  TRY_ASSIGN(auto text, format::render_listing(
                            format, "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}", out,
                            headers));
  std::fputs(text.c_str(), stdout);
  return 0;
}

}  // namespace

bool confirm(const char* warning) {
  std::fprintf(stdout, "%s\nAre you sure you want to continue? [y/N] ", warning);
  std::fflush(stdout);
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

Result<std::optional<int64_t>> prune_until_filter(const std::vector<std::string>& filters) {
  std::optional<int64_t> until;
  for (const auto& f : filters) {
    if (f.starts_with("until=")) {
      auto t = parse_rfc3339(f.substr(6));
      if (!t) return fail(ErrorKind::InvalidArgument, "invalid filter 'until={}' (use an RFC 3339 time)", f.substr(6));
      until = t;
    } else {
      return fail(ErrorKind::InvalidArgument, "invalid filter '{}'", f.substr(0, f.find('=')));
    }
  }
  return until;
}

Result<PruneResult> prune_images(image::ImageStore& store, bool all, std::optional<int64_t> until) {
  TRY_ASSIGN(auto images, store.db().list_images());
  TRY_ASSIGN(auto containers, store.db().list_containers());
  PruneResult out;
  // Dangling-image prune leaves the build cache to `builder prune`.
  std::set<std::string> cache;
  if (!all) {
    TRY_ASSIGN(cache, engine::build_cache_images(store));
  }
  for (const auto& im : images) {
    if (cache.count(im.id)) continue;
    bool used = false;
    for (const auto& c : containers) used = used || c.image_id == im.id;
    if (used) continue;
    if (!all && !image::ImageStore::tags_of(im).empty()) continue;
    if (until && im.created >= *until) continue;
    for (const auto& n : im.names) out.lines.push_back("untagged: " + Context::familiar(n));
    TRY_ASSIGN(auto layers, store.delete_image(im.id));
    out.lines.push_back("deleted: " + im.id);
    for (const auto& l : layers) out.lines.push_back("deleted: " + l);
    out.reclaimed += im.size;
  }
  return out;
}

namespace {

Result<int> prune(Context& ctx, const ParsedFlags& p) {
  bool all = p.boolean("all");
  TRY_ASSIGN(auto until, prune_until_filter(p.list("filter")));
  if (!p.boolean("force") &&
      !confirm(all ? "WARNING! This will remove all images without at least one container associated to them."
                   : "WARNING! This will remove all dangling images."))
    return 0;
  TRY_ASSIGN(auto store, ctx.images());
  TRY_ASSIGN(auto pruned, prune_images(*store, all, until));
  if (!pruned.lines.empty()) {
    std::printf("Deleted Images:\n");
    for (const auto& l : pruned.lines) std::printf("%s\n", l.c_str());
    std::printf("\n");
  }
  std::printf("Total reclaimed space: %s\n", human_size(static_cast<double>(pruned.reclaimed)).c_str());
  return 0;
}

Result<int> import_cmd(Context& ctx, const ParsedFlags& p) {
  std::string source = p.args()[0];
  if (source.starts_with("http://") || source.starts_with("https://"))
    return fail(ErrorKind::NotSupported, "importing from a URL is not supported yet; download it and import the file");
  image::ImportOptions o;
  o.changes = p.list("change");
  o.message = p.str("message");
  if (p.set("platform")) {
    TRY_ASSIGN(o.platform, image::parse_platform(p.str("platform")));
  }
  if (p.args().size() > 1) {
    TRY_ASSIGN(auto ref, image::parse_reference(p.args()[1]));
    if (!ref.digest.empty()) return fail(ErrorKind::InvalidArgument, "refusing to create a tag with a digest reference");
    o.name = ref.string();
  }
  TRY_ASSIGN(int raw, open_input(source));
  UniqueFd fd(raw);
  TRY_ASSIGN(auto store, ctx.images());
  TRY_ASSIGN(auto added, image::import_rootfs(*store, fd.get(), o));
  engine::emit_image_event(ctx.globals.root, "import", added.id, o.name.empty() ? "" : Context::familiar(o.name));
  std::printf("%s\n", added.id.c_str());
  return 0;
}

}  // namespace

Command tag_command() {
  return {"tag", {"image tag"}, "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
          "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE", {}, tag, 2, 2};
}

Command rmi_command() {
  return {"rmi",
          {"image rm", "image remove"},
          "[OPTIONS] IMAGE [IMAGE...]",
          "Remove one or more images",
          {{"force", 'f', Flag::Bool, "", "Force removal of the image"},
           {"no-prune", 0, Flag::Bool, "", "Do not delete untagged parents"}},
          rmi,
          1};
}

Command image_inspect_command() {
  return {"image inspect",
          {},
          "[OPTIONS] IMAGE [IMAGE...]",
          "Display detailed information on one or more images",
          {{"format", 'f', Flag::String, "", "Format output using a custom template"},
           {"type", 0, Flag::String, "", "Only inspect objects of the given type (image)"}},
          inspect,
          1};
}

Command history_command() {
  return {"history",
          {"image history"},
          "[OPTIONS] IMAGE",
          "Show the history of an image",
          {{"format", 0, Flag::String, "", "Format output using a custom template"},
           {"human", 'H', Flag::String, "true", "Print sizes and dates in human readable format", "bool"},
           {"no-trunc", 0, Flag::Bool, "", "Don't truncate output"},
           {"quiet", 'q', Flag::Bool, "", "Only show image IDs"}},
          history,
          1,
          1};
}

Command image_prune_command() {
  return {"image prune",
          {},
          "[OPTIONS]",
          "Remove unused images",
          {{"all", 'a', Flag::Bool, "", "Remove all unused images, not just dangling ones"},
           {"filter", 0, Flag::List, "", "Provide filter values (e.g. \"until=<timestamp>\")"},
           {"force", 'f', Flag::Bool, "", "Do not prompt for confirmation"}},
          prune,
          0,
          0};
}

Command import_command() {
  return {"import",
          {"image import"},
          "[OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
          "Import the contents from a tarball to create a filesystem image",
          {{"change", 'c', Flag::List, "", "Apply Dockerfile instruction to the created image"},
           {"message", 'm', Flag::String, "", "Set commit message for imported image"},
           {"platform", 0, Flag::String, "", "Set platform if server is multi-platform capable"}},
          import_cmd,
          1,
          2};
}

std::vector<Command> image_commands() {
  std::vector<Command> v = {images_command(),  pull_command(),   push_command(),  tag_command(),
                            rmi_command(),     image_inspect_command(), history_command(),
                            image_prune_command(), import_command(), save_command(), load_command(),
                            login_command(),   logout_command()};
  return v;
}

}  // namespace hako::cli
