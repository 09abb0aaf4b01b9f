// The inventory as an SPDX 2.3 JSON document: one package for the artifact,
// which the document describes and which contains a package for the
// operating system and one per inventory package.
#include <cctype>
#include <map>

#include "base/json.h"
#include "scan/report/sbom.h"

namespace hako::scan::report {
namespace {

bool id_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-'; }

// Only letters, digits, '.' and '-' (SPDX idstring); anything else becomes '-'.
std::string idstring(std::string_view s) {
  std::string out;
  for (char c : s) out += id_char(c) ? c : '-';
  return out.empty() ? "unknown" : out;
}

// Checks a license expression against SPDX 2.3 Annex D's grammar:
//   compound := simple | simple WITH exception | compound (AND|OR) compound | "(" compound ")"
//   simple   := idstring ["+"] | ["DocumentRef-" idstring ":"] "LicenseRef-" idstring
// Only the syntax: an idstring need not be on the SPDX license list.
class ExpressionChecker {
 public:
  explicit ExpressionChecker(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
      char c = s[i];
      if (c == ' ' || c == '\t') {
        ++i;
      } else if (c == '(' || c == ')') {
        tokens_.emplace_back(1, c);
        ++i;
      } else {
        size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != '(' && s[j] != ')') ++j;
        tokens_.emplace_back(s.substr(i, j - i));
        i = j;
      }
    }
  }

  bool valid() {
    if (tokens_.empty()) return false;
    return compound(0) && pos_ == tokens_.size();
  }

 private:
  static bool is_idstring(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
      if (!id_char(c)) return false;
    return true;
  }
  static bool is_operator(std::string_view s) { return s == "AND" || s == "OR" || s == "WITH"; }

  static bool is_simple(std::string_view s) {
    if (is_operator(s)) return false;
    if (s.starts_with("DocumentRef-")) {
      size_t colon = s.find(':');
      if (colon == std::string_view::npos || !is_idstring(s.substr(12, colon - 12))) return false;
      s = s.substr(colon + 1);
      return s.starts_with("LicenseRef-") && is_idstring(s.substr(11));
    }
    if (s.starts_with("LicenseRef-")) return is_idstring(s.substr(11));
    if (s.ends_with('+')) s.remove_suffix(1);
    return is_idstring(s);
  }

  bool at(std::string_view t) const { return pos_ < tokens_.size() && tokens_[pos_] == t; }

  // One operand: a parenthesised compound or a simple expression with an
  // optional WITH exception.
  bool term(int depth) {
    if (depth > 64 || pos_ >= tokens_.size()) return false;
    if (at("(")) {
      ++pos_;
      if (!compound(depth + 1) || !at(")")) return false;
      ++pos_;
      return true;
    }
    if (!is_simple(tokens_[pos_])) return false;
    ++pos_;
    if (at("WITH")) {
      ++pos_;
      if (pos_ >= tokens_.size() || !is_idstring(tokens_[pos_])) return false;
      ++pos_;
    }
    return true;
  }

  bool compound(int depth) {
    if (!term(depth)) return false;
    while (at("AND") || at("OR")) {
      ++pos_;
      if (!term(depth)) return false;
    }
    return true;
  }

  std::vector<std::string> tokens_;
  size_t pos_ = 0;
};

bool valid_expression(std::string_view s) { return ExpressionChecker(s).valid(); }

// Licenses that are not expressions, each as a LicenseRef with its text.
class ExtractedLicenses {
 public:
  std::string ref_for(const std::string& text) {
    auto it = by_text_.find(text);
    if (it != by_text_.end()) return it->second;
    std::string base = "LicenseRef-" + idstring(text);
    std::string ref = base;
    for (size_t n = 2; used_.contains(ref); ++n) ref = base + "-" + std::to_string(n);
    used_.emplace(ref, text);
    by_text_.emplace(text, ref);
    return ref;
  }

  Json json() const {
    Json out = Json::array();
    for (const auto& [ref, text] : used_) out.push_back({{"licenseId", ref}, {"extractedText", text}, {"name", text}});
    return out;
  }
  bool empty() const { return used_.empty(); }

 private:
  std::map<std::string, std::string> used_;     // ref -> text
  std::map<std::string, std::string> by_text_;  // text -> ref
};

std::string_view root_purpose(const Inventory& inv) {
  if (inv.artifact_type == "container_image" || inv.artifact_type == "archive") return "CONTAINER";
  return "FILE";
}

Json relationship(std::string_view from, std::string_view type, std::string_view to) {
  return {{"spdxElementId", from}, {"relationshipType", type}, {"relatedSpdxElement", to}};
}

}  // namespace

std::string render_spdx_json(const Inventory& inv, const SbomOptions& opt) {
  std::string tool = opt.tool_version.empty() ? "Tool: hako" : "Tool: hako-" + opt.tool_version;
  auto annotation = [&](const std::string& comment) {
    return Json{{"annotationDate", opt.timestamp},
                {"annotationType", "OTHER"},
                {"annotator", tool},
                {"comment", comment}};
  };
  auto base_package = [](std::string_view id, std::string_view name) {
    return Json{{"SPDXID", id},
                {"name", name},
                {"downloadLocation", "NOASSERTION"},
                {"filesAnalyzed", false},
                {"licenseConcluded", "NOASSERTION"},
                {"licenseDeclared", "NOASSERTION"},
                {"copyrightText", "NOASSERTION"}};
  };

  Json packages = Json::array();
  Json relationships = Json::array();
  const std::string root_id = "SPDXRef-Artifact";
  relationships.push_back(relationship("SPDXRef-DOCUMENT", "DESCRIBES", root_id));

  Json root = base_package(root_id, inv.artifact_name);
  root["primaryPackagePurpose"] = root_purpose(inv);
  Json root_notes = Json::array();
  if (!inv.artifact_type.empty()) root_notes.push_back(annotation("ArtifactType: " + inv.artifact_type));
  if (!inv.image_id.empty()) root_notes.push_back(annotation("ImageID: " + inv.image_id));
  for (const auto& t : inv.repo_tags) root_notes.push_back(annotation("RepoTag: " + t));
  for (const auto& d : inv.repo_digests) root_notes.push_back(annotation("RepoDigest: " + d));
  for (const auto& l : inv.layers) root_notes.push_back(annotation("DiffID: " + l.diff_id));
  if (!root_notes.empty() && !opt.timestamp.empty()) root["annotations"] = std::move(root_notes);
  packages.push_back(std::move(root));

  if (!inv.os.id.empty()) {
    const std::string os_id = "SPDXRef-OperatingSystem";
    Json os = base_package(os_id, inv.os.id);
    if (!inv.os.version_id.empty()) os["versionInfo"] = inv.os.version_id;
    if (!inv.os.pretty_name.empty()) os["description"] = inv.os.pretty_name;
    os["primaryPackagePurpose"] = "OPERATING_SYSTEM";
    packages.push_back(std::move(os));
    relationships.push_back(relationship(root_id, "CONTAINS", os_id));
  }

  ExtractedLicenses extracted;
  for (size_t i = 0; i < inv.packages.size(); ++i) {
    const InventoryPackage& p = inv.packages[i];
    std::string id = "SPDXRef-Package-" + std::to_string(i + 1);
    Json j = base_package(id, p.name);
    if (!p.version.empty()) j["versionInfo"] = p.version;
    if (!p.license.empty())
      j["licenseDeclared"] = valid_expression(p.license) ? p.license : extracted.ref_for(p.license);
    if (!p.purl.empty())
      j["externalRefs"] = Json::array(
          {{{"referenceCategory", "PACKAGE-MANAGER"}, {"referenceType", "purl"}, {"referenceLocator", p.purl}}});
    if (!p.source_name.empty() || !p.source_version.empty()) {
      std::string src = p.source_name.empty() ? p.name : p.source_name;
      if (!p.source_version.empty()) src += " " + p.source_version;
      j["sourceInfo"] = "built package from: " + src;
    }
    j["primaryPackagePurpose"] = "LIBRARY";
    Json notes = Json::array();
    if (!p.type.empty()) notes.push_back(annotation("PkgType: " + p.type));
    if (!p.path.empty()) notes.push_back(annotation("PkgPath: " + p.path));
    if (!p.layer.empty()) notes.push_back(annotation("LayerDiffID: " + p.layer));
    if (!notes.empty() && !opt.timestamp.empty()) j["annotations"] = std::move(notes);
    packages.push_back(std::move(j));
    relationships.push_back(relationship(root_id, "CONTAINS", id));
  }

  Json creators = Json::array({tool});
  Json doc = {{"spdxVersion", "SPDX-2.3"},
              {"dataLicense", "CC0-1.0"},
              {"SPDXID", "SPDXRef-DOCUMENT"},
              {"name", inv.artifact_name},
              {"documentNamespace", "https://hako.invalid/spdx/" + idstring(inv.artifact_name) + "-" + opt.serial},
              {"creationInfo", {{"created", opt.timestamp}, {"creators", creators}}},
              {"packages", std::move(packages)},
              {"relationships", std::move(relationships)}};
  if (!extracted.empty()) doc["hasExtractedLicensingInfos"] = extracted.json();
  return doc.dump(2) + "\n";
}

}  // namespace hako::scan::report
