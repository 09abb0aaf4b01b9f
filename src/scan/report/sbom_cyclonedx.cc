// The inventory as a CycloneDX 1.5 JSON BOM: the artifact as
// metadata.component, the operating system and every package as components,
// and one dependency entry that makes the artifact depend on all of them.
#include <set>

#include "base/json.h"
#include "scan/report/sbom.h"

namespace hako::scan::report {
namespace {

Json property(std::string_view name, std::string_view value) { return {{"name", name}, {"value", value}}; }

bool is_image(const Inventory& inv) {
  return inv.artifact_type == "container_image" || inv.artifact_type == "archive";
}

// Hands out bom-refs, each unique in the document: `wanted` when it is free,
// else `fallback` (with a counter if that is taken too).
class RefAllocator {
 public:
  std::string take(const std::string& wanted, const std::string& fallback) {
    if (!wanted.empty() && used_.insert(wanted).second) return wanted;
    if (used_.insert(fallback).second) return fallback;
    for (size_t n = 2;; ++n) {
      std::string ref = fallback + "-" + std::to_string(n);
      if (used_.insert(ref).second) return ref;
    }
  }

 private:
  std::set<std::string> used_;
};

}  // namespace

std::string render_cyclonedx(const Inventory& inv, const SbomOptions& opt) {
  RefAllocator refs;

  Json root_props = Json::array();
  if (!inv.image_id.empty()) root_props.push_back(property("hako:image:id", inv.image_id));
  for (const auto& t : inv.repo_tags) root_props.push_back(property("hako:image:repo_tag", t));
  for (const auto& d : inv.repo_digests) root_props.push_back(property("hako:image:repo_digest", d));
  for (const auto& l : inv.layers) root_props.push_back(property("hako:image:diff_id", l.diff_id));
  if (!inv.artifact_type.empty()) root_props.push_back(property("hako:artifact:type", inv.artifact_type));
  std::string root_ref = refs.take("", "hako:artifact");
  Json root = {{"bom-ref", root_ref},
               {"type", is_image(inv) ? "container" : "application"},
               {"name", inv.artifact_name}};
  if (!root_props.empty()) root["properties"] = std::move(root_props);

  Json tool = {{"type", "application"}, {"name", "hako"}};
  if (!opt.tool_version.empty()) tool["version"] = opt.tool_version;
  Json metadata = Json::object();
  if (!opt.timestamp.empty()) metadata["timestamp"] = opt.timestamp;
  metadata["tools"] = {{"components", Json::array({tool})}};
  metadata["component"] = std::move(root);

  Json components = Json::array();
  Json depends_on = Json::array();
  if (!inv.os.id.empty()) {
    std::string os_ref = "hako:os:" + inv.os.id;
    if (!inv.os.version_id.empty()) os_ref += "@" + inv.os.version_id;
    std::string ref = refs.take("", os_ref);
    Json os = {{"bom-ref", ref}, {"type", "operating-system"}, {"name", inv.os.id}};
    if (!inv.os.version_id.empty()) os["version"] = inv.os.version_id;
    if (!inv.os.pretty_name.empty()) os["description"] = inv.os.pretty_name;
    components.push_back(std::move(os));
    depends_on.push_back(ref);
  }
  for (size_t i = 0; i < inv.packages.size(); ++i) {
    const InventoryPackage& p = inv.packages[i];
    std::string ref = refs.take(p.purl, "hako:package:" + std::to_string(i + 1));
    Json c = {{"bom-ref", ref}, {"type", "library"}, {"name", p.name}};
    if (!p.version.empty()) c["version"] = p.version;
    if (!p.license.empty()) c["licenses"] = Json::array({{{"license", {{"name", p.license}}}}});
    if (!p.purl.empty()) c["purl"] = p.purl;
    Json props = Json::array();
    if (!p.type.empty()) props.push_back(property("hako:package:type", p.type));
    if (!p.path.empty()) props.push_back(property("hako:package:path", p.path));
    if (!p.arch.empty()) props.push_back(property("hako:package:arch", p.arch));
    if (!p.source_name.empty()) props.push_back(property("hako:package:source_name", p.source_name));
    if (!p.source_version.empty()) props.push_back(property("hako:package:source_version", p.source_version));
    if (!p.layer.empty()) props.push_back(property("hako:layer:diff_id", p.layer));
    if (!props.empty()) c["properties"] = std::move(props);
    components.push_back(std::move(c));
    depends_on.push_back(ref);
  }

  Json bom = {{"$schema", "http://cyclonedx.org/schema/bom-1.5.schema.json"},
              {"bomFormat", "CycloneDX"},
              {"specVersion", "1.5"},
              {"serialNumber", "urn:uuid:" + opt.serial},
              {"version", 1},
              {"metadata", std::move(metadata)},
              {"components", std::move(components)},
              {"dependencies", Json::array({{{"ref", root_ref}, {"dependsOn", std::move(depends_on)}}})}};
  return bom.dump(2) + "\n";
}

}  // namespace hako::scan::report
