// `hako images` / `hako image ls`.
#include <fnmatch.h>

#include <algorithm>
#include <ctime>
#include <set>

#include "base/strings.h"
#include "cli/command.h"
#include "cli/commands/image_commands.h"
#include "cli/format/template.h"
#include "cli/units.h"
#include "engine/build_executor.h"
#include "image/reference.h"

namespace hako::cli {
namespace {

struct Filters {
  std::optional<bool> dangling;
  std::vector<std::pair<std::string, std::optional<std::string>>> labels;
  std::vector<std::string> references;
  std::optional<int64_t> before, since;  // created times
};

Result<Filters> parse_filters(Context& ctx, const std::vector<std::string>& specs) {
  Filters f;
  for (const auto& s : specs) {
    auto eq = s.find('=');
    if (eq == std::string::npos) return fail(ErrorKind::InvalidArgument, "bad format of filter (expected name=value)");
    std::string key = s.substr(0, eq), value = s.substr(eq + 1);
    if (key == "dangling") {
      if (value != "true" && value != "false" && value != "1" && value != "0")
        return fail(ErrorKind::InvalidArgument, "invalid filter 'dangling={}'", value);
      f.dangling = value == "true" || value == "1";
    } else if (key == "label") {
      auto e = value.find('=');
      if (e == std::string::npos) f.labels.emplace_back(value, std::nullopt);
      else f.labels.emplace_back(value.substr(0, e), value.substr(e + 1));
    } else if (key == "reference") {
      f.references.push_back(value);
    } else if (key == "before" || key == "since") {
      TRY_ASSIGN(auto store, ctx.images());
      TRY_ASSIGN(auto im, store->find(value));
      (key == "before" ? f.before : f.since) = im.created;
    } else {
      return fail(ErrorKind::InvalidArgument, "invalid filter '{}'", key);
    }
  }
  return f;
}

std::string created_at(int64_t t) {
  time_t tt = static_cast<time_t>(t);
  tm parts;
  gmtime_r(&tt, &parts);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S +0000 UTC", &parts);
  return buf;
}

Result<int> images(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto store, ctx.images());
  TRY_ASSIGN(auto all, store->db().list_images());
  TRY_ASSIGN(auto filters, parse_filters(ctx, p.list("filter")));
  std::string repo_filter;
  if (!p.args().empty()) {
    TRY_ASSIGN(auto ref, image::parse_reference_exact(p.args()[0]));
    repo_filter = ref.name();
    if (!ref.tag.empty()) repo_filter += ":" + ref.tag;
  }
  bool no_trunc = p.boolean("no-trunc");
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.created > b.created; });

  // Cached build steps are intermediate images: shown with -a only.
  std::set<std::string> hidden;
  if (!p.boolean("all")) {
    TRY_ASSIGN(hidden, engine::build_cache_images(*store));
  }
  std::vector<Json> rows;
  std::set<std::string> seen_ids;
  for (const auto& im : all) {
    if (hidden.count(im.id)) continue;
    auto tags = image::ImageStore::tags_of(im);
    auto digests = image::ImageStore::digests_of(im);
    bool dangling = tags.empty();
    if (filters.dangling && *filters.dangling != dangling) continue;
    if (filters.before && im.created >= *filters.before) continue;
    if (filters.since && im.created <= *filters.since) continue;
    if (!filters.labels.empty()) {
      TRY_ASSIGN(auto config, store->config(im));
      bool ok = true;
      for (const auto& [k, v] : filters.labels) {
        auto it = config.config.labels.find(k);
        if (it == config.config.labels.end() || (v && it->second != *v)) ok = false;
      }
      if (!ok) continue;
    }
    // One row per tag; an untagged image gets one <none> row (named after
    // its repository digest when it has one).
    struct Name {
      std::string repo, tag, digest;
    };
    std::vector<Name> names;
    auto digest_for = [&](const std::string& repo) {
      for (const auto& d : digests)
        if (d.substr(0, d.find('@')) == repo) return d.substr(d.find('@') + 1);
      return std::string("<none>");
    };
    for (const auto& t : tags) {
      auto ref = image::parse_reference_exact(t);
      if (!ref) continue;
      if (!repo_filter.empty() && ref->name() != repo_filter && ref->name() + ":" + ref->tag != repo_filter) continue;
      bool ref_ok = filters.references.empty();
      for (const auto& pat : filters.references)
        ref_ok = ref_ok || fnmatch(pat.c_str(), ref->familiar().c_str(), 0) == 0 ||
                 fnmatch(pat.c_str(), ref->familiar_string().c_str(), 0) == 0;
      if (!ref_ok) continue;
      names.push_back({ref->familiar(), ref->tag, digest_for(ref->name())});
    }
    if (tags.empty() && repo_filter.empty() && filters.references.empty()) {
      if (digests.empty()) {
        names.push_back({"<none>", "<none>", "<none>"});
      } else {
        for (const auto& d : digests) {
          auto ref = image::parse_reference_exact(d);
          names.push_back({ref ? ref->familiar() : "<none>", "<none>", d.substr(d.find('@') + 1)});
        }
      }
    }
    for (const auto& n : names) {
      if (p.boolean("quiet")) {
        if (!seen_ids.insert(im.id).second) continue;
      }
      rows.push_back({{"ID", no_trunc ? im.id : image::short_id(im.id)},
                      {"Repository", n.repo},
                      {"Tag", n.tag},
                      {"Digest", n.digest},
                      {"CreatedSince", time_ago(im.created)},
                      {"CreatedAt", created_at(im.created)},
                      {"Size", human_size(static_cast<double>(im.size))},
                      {"VirtualSize", human_size(static_cast<double>(im.size))},
                      {"SharedSize", "N/A"},
                      {"UniqueSize", "N/A"},
                      {"Containers", "N/A"}});
    }
  }
  std::string format = p.str("format");
  if (p.boolean("quiet")) format = "{{.ID}}";
  std::string table = p.boolean("digests")
                          ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
                          : "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
  static const std::map<std::string, std::string> headers = {
      {"ID", "IMAGE ID"}, {"Repository", "REPOSITORY"}, {"Tag", "TAG"},          {"Digest", "DIGEST"},
      {"CreatedSince", "CREATED"}, {"CreatedAt", "CREATED AT"}, {"Size", "SIZE"}, {"VirtualSize", "VIRTUAL SIZE"},
      {"SharedSize", "SHARED SIZE"}, {"UniqueSize", "UNIQUE SIZE"}, {"Containers", "CONTAINERS"}};
  TRY_ASSIGN(auto out, format::render_listing(format, table, rows, headers));
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace

Command images_command() {
  return {"images",
          {"image ls", "image list"},
          "[OPTIONS] [REPOSITORY[:TAG]]",
          "List images",
          {{"all", 'a', Flag::Bool, "", "Show all images (default hides intermediate images)"},
           {"digests", 0, Flag::Bool, "", "Show digests"},
           {"filter", 'f', Flag::List, "", "Filter output based on conditions provided"},
           {"format", 0, Flag::String, "", "Format output using a custom template: 'table', 'table TEMPLATE', "
                                           "'json', or a Go template"},
           {"no-trunc", 0, Flag::Bool, "", "Don't truncate output"},
           {"quiet", 'q', Flag::Bool, "", "Only show image IDs"}},
          images,
          0,
          1};
}

}  // namespace hako::cli
