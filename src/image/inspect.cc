#include "image/inspect.h"

#include "image/reference.h"

namespace hako::image {
namespace {

std::string familiar(const std::string& full) {
  auto r = parse_reference_exact(full);
  return r ? r->familiar_string() : full;
}

// Docker's container config, with every field it always prints.
Json docker_config(const Json& raw) {
  Json c = {{"Hostname", ""},     {"Domainname", ""}, {"User", ""},       {"AttachStdin", false},
            {"AttachStdout", false}, {"AttachStderr", false}, {"Tty", false}, {"OpenStdin", false},
            {"StdinOnce", false}, {"Env", nullptr},   {"Cmd", nullptr},   {"Image", ""},
            {"Volumes", nullptr}, {"WorkingDir", ""}, {"Entrypoint", nullptr}, {"OnBuild", nullptr},
            {"Labels", nullptr}};
  if (raw.is_object())
    for (auto it = raw.begin(); it != raw.end(); ++it) c[it.key()] = it.value();
  return c;
}

}  // namespace

Result<Json> inspect_json(ImageStore& store, const store::ImageRecord& image) {
  TRY_ASSIGN(auto bytes, store.config_bytes(image));
  TRY_ASSIGN(auto raw, parse_json(bytes, "image config"));
  Json tags = Json::array(), digests = Json::array();
  for (const auto& t : ImageStore::tags_of(image)) tags.push_back(familiar(t));
  for (const auto& d : ImageStore::digests_of(image)) digests.push_back(familiar(d));
  Json layers = Json::array();
  if (raw.contains("rootfs") && raw["rootfs"].contains("diff_ids")) layers = raw["rootfs"]["diff_ids"];

  Json graph = {{"Name", std::string(layer::to_string(store.snapshots().driver()))}, {"Data", nullptr}};
  if (!image.layers.empty()) {
    auto& snaps = store.snapshots();
    if (snaps.driver() == layer::Driver::Overlay) {
      // Docker's overlay2 shape: the top layer is UpperDir, the rest LowerDir.
      std::string lower;
      for (size_t i = image.layers.size() - 1; i-- > 0;) {
        if (!lower.empty()) lower += ":";
        lower += snaps.layer_dir(image.layers[i]);
      }
      graph["Data"] = {{"UpperDir", snaps.layer_dir(image.layers.back())}};
      if (!lower.empty()) graph["Data"]["LowerDir"] = lower;
    } else {
      graph["Data"] = {{"Dir", snaps.layer_dir(image.layers.back())}};
    }
  }
  Json j = {{"Id", image.id},
            {"RepoTags", tags},
            {"RepoDigests", digests},
            {"Parent", ""},
            {"Comment", raw.value("comment", "")},
            {"Created", raw.value("created", "")},
            {"DockerVersion", raw.value("docker_version", "")},
            {"Author", raw.value("author", "")},
            {"Config", docker_config(raw.value("config", Json::object()))},
            {"Architecture", raw.value("architecture", "")},
            {"Os", raw.value("os", "")},
            {"Size", image.size},
            {"GraphDriver", graph},
            {"RootFS", {{"Type", "layers"}, {"Layers", layers}}},
            {"Metadata", {{"LastTagTime", "0001-01-01T00:00:00Z"}}}};
  if (raw.contains("variant")) j["Variant"] = raw["variant"];
  return j;
}

Result<std::vector<HistoryRow>> image_history(ImageStore& store, const store::ImageRecord& image) {
  TRY_ASSIGN(auto config, store.config(image));
  std::vector<int64_t> sizes;
  for (const auto& chain : image.layers) {
    auto l = store.db().layer_by_chain_id(chain);
    sizes.push_back(l ? l->size : 0);
  }
  std::vector<HistoryRow> rows;
  size_t layer = 0;
  for (const auto& h : config.history) {
    HistoryRow r{"<missing>", h.created, h.created_by, h.comment, 0};
    if (!h.empty_layer && layer < sizes.size()) r.size = sizes[layer++];
    rows.push_back(std::move(r));
  }
  if (config.history.empty()) {
    // No history recorded: one row per layer, as Docker shows.
    for (auto s : sizes) rows.push_back({"<missing>", config.created, "", "", s});
  }
  std::reverse(rows.begin(), rows.end());
  if (!rows.empty()) rows.front().id = image.id;
  return rows;
}

}  // namespace hako::image
