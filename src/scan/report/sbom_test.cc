#include "scan/report/sbom.h"

#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "base/json.h"

namespace hako::scan::report {
namespace {

constexpr const char* kLayer0 = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr const char* kLayer1 = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

InventoryPackage os_package(std::string name, std::string version, std::string source, std::string license) {
  InventoryPackage p;
  p.cls = PackageClass::Os;
  p.type = "dpkg";
  p.name = name;
  p.version = version;
  p.ecosystem = "Debian:12";
  p.purl = "pkg:deb/debian/" + name + "@" + version + "?arch=amd64&distro=debian-12";
  p.license = std::move(license);
  p.source_name = std::move(source);
  p.source_version = version;
  p.arch = "amd64";
  p.path = "var/lib/dpkg/status";
  p.layer = kLayer0;
  return p;
}

InventoryPackage npm_package(std::string name, std::string version, std::string purl, std::string license) {
  InventoryPackage p;
  p.cls = PackageClass::Lang;
  p.type = "npm";
  p.name = std::move(name);
  p.version = std::move(version);
  p.ecosystem = "npm";
  p.purl = std::move(purl);
  p.license = std::move(license);
  p.path = "app/package-lock.json";
  p.layer = kLayer1;
  return p;
}

Inventory sample() {
  Inventory inv;
  inv.artifact_name = "example.com/app:1.0";
  inv.artifact_type = "container_image";
  inv.image_id = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
  inv.repo_tags = {"example.com/app:1.0"};
  inv.repo_digests = {"example.com/app@sha256:2222222222222222222222222222222222222222222222222222222222222222"};
  inv.os = {"debian", "12", "Debian GNU/Linux 12 (bookworm)"};
  inv.os_ecosystem = "Debian:12";
  inv.layers = {{kLayer0, "ADD rootfs.tar /"}, {kLayer1, "COPY app /app"}};
  inv.packages.push_back(os_package("libssl3", "3.0.11-1~deb12u2", "openssl", "Apache-2.0"));
  inv.packages.push_back(os_package("zlib1g", "1:1.2.13.dfsg-1", "zlib", "Zlib license, see copyright"));
  inv.packages.push_back(npm_package("lodash", "4.17.21", "pkg:npm/lodash@4.17.21", "MIT"));
  inv.packages.push_back(npm_package("local-thing", "0.1.0", "", ""));
  return inv;
}

SbomOptions options() { return {"1.2.3", "2026-12-06T07:00:00Z", "3e671687-395b-41f5-a30f-a58921a69b79"}; }

Json parse(const std::string& text) {
  auto j = parse_json(text, "sbom");
  EXPECT_TRUE(j) << (j ? "" : j.error().message());
  return j ? *j : Json();
}

std::string property(const Json& component, const std::string& name) {
  for (const auto& p : component.value("properties", Json::array()))
    if (p["name"] == name) return p["value"];
  return "";
}

TEST(SbomCycloneDx, Document) {
  std::string text = render_cyclonedx(sample(), options());
  ASSERT_TRUE(text.ends_with("}\n"));
  Json bom = parse(text);
  EXPECT_EQ(bom["$schema"], "http://cyclonedx.org/schema/bom-1.5.schema.json");
  EXPECT_EQ(bom["bomFormat"], "CycloneDX");
  EXPECT_EQ(bom["specVersion"], "1.5");
  EXPECT_EQ(bom["serialNumber"], "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79");
  EXPECT_EQ(bom["version"], 1);
  EXPECT_EQ(bom["metadata"]["timestamp"], "2026-12-06T07:00:00Z");
  EXPECT_EQ(bom["metadata"]["tools"]["components"][0]["name"], "hako");
  EXPECT_EQ(bom["metadata"]["tools"]["components"][0]["version"], "1.2.3");

  const Json& root = bom["metadata"]["component"];
  EXPECT_EQ(root["type"], "container");
  EXPECT_EQ(root["name"], "example.com/app:1.0");
  EXPECT_EQ(property(root, "hako:image:id"), sample().image_id);
  EXPECT_EQ(property(root, "hako:image:repo_tag"), "example.com/app:1.0");
  EXPECT_EQ(property(root, "hako:image:diff_id"), kLayer0);

  const Json& components = bom["components"];
  ASSERT_EQ(components.size(), 5u);  // the OS and four packages
  EXPECT_EQ(components[0]["type"], "operating-system");
  EXPECT_EQ(components[0]["name"], "debian");
  EXPECT_EQ(components[0]["version"], "12");

  std::set<std::string> refs = {root["bom-ref"]};
  for (const auto& c : components) EXPECT_TRUE(refs.insert(c["bom-ref"].get<std::string>()).second) << c["bom-ref"];

  const Json& ssl = components[1];
  EXPECT_EQ(ssl["type"], "library");
  EXPECT_EQ(ssl["name"], "libssl3");
  EXPECT_EQ(ssl["version"], "3.0.11-1~deb12u2");
  EXPECT_EQ(ssl["purl"], "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12");
  EXPECT_EQ(ssl["bom-ref"], ssl["purl"]);
  EXPECT_EQ(ssl["licenses"][0]["license"]["name"], "Apache-2.0");
  EXPECT_EQ(property(ssl, "hako:package:type"), "dpkg");
  EXPECT_EQ(property(ssl, "hako:package:path"), "var/lib/dpkg/status");
  EXPECT_EQ(property(ssl, "hako:package:source_name"), "openssl");
  EXPECT_EQ(property(ssl, "hako:package:source_version"), "3.0.11-1~deb12u2");
  EXPECT_EQ(property(ssl, "hako:layer:diff_id"), kLayer0);

  const Json& lodash = components[3];
  EXPECT_EQ(lodash["licenses"][0]["license"]["name"], "MIT");
  EXPECT_EQ(property(lodash, "hako:package:source_name"), "");

  const Json& local = components[4];
  EXPECT_FALSE(local.contains("purl"));
  EXPECT_FALSE(local.contains("licenses"));
  EXPECT_FALSE(local["bom-ref"].get<std::string>().empty());

  ASSERT_EQ(bom["dependencies"].size(), 1u);
  const Json& dep = bom["dependencies"][0];
  EXPECT_EQ(dep["ref"], root["bom-ref"]);
  ASSERT_EQ(dep["dependsOn"].size(), 5u);
  for (size_t i = 0; i < components.size(); ++i) EXPECT_EQ(dep["dependsOn"][i], components[i]["bom-ref"]);
}

TEST(SbomCycloneDx, DuplicatePurlsGetDistinctRefs) {
  Inventory inv = sample();
  inv.packages.push_back(npm_package("lodash", "4.17.21", "pkg:npm/lodash@4.17.21", "MIT"));
  inv.packages.push_back(npm_package("other", "1.0.0", "", ""));
  Json bom = parse(render_cyclonedx(inv, options()));
  std::set<std::string> refs = {bom["metadata"]["component"]["bom-ref"]};
  for (const auto& c : bom["components"])
    EXPECT_TRUE(refs.insert(c["bom-ref"].get<std::string>()).second) << c["bom-ref"];
  EXPECT_EQ(bom["components"].size(), 7u);
  EXPECT_EQ(bom["components"][5]["purl"], "pkg:npm/lodash@4.17.21");
}

TEST(SbomCycloneDx, FilesystemWithoutOs) {
  Inventory inv;
  inv.artifact_name = "/srv/root";
  inv.artifact_type = "filesystem";
  inv.packages.push_back(npm_package("lodash", "4.17.21", "pkg:npm/lodash@4.17.21", "MIT"));
  inv.packages.back().layer = "";
  Json bom = parse(render_cyclonedx(inv, options()));
  EXPECT_EQ(bom["metadata"]["component"]["type"], "application");
  EXPECT_EQ(property(bom["metadata"]["component"], "hako:image:id"), "");
  EXPECT_EQ(property(bom["metadata"]["component"], "hako:artifact:type"), "filesystem");
  ASSERT_EQ(bom["components"].size(), 1u);
  EXPECT_EQ(bom["components"][0]["type"], "library");
  EXPECT_EQ(property(bom["components"][0], "hako:layer:diff_id"), "");
}

TEST(SbomSpdx, Document) {
  std::string text = render_spdx_json(sample(), options());
  ASSERT_TRUE(text.ends_with("}\n"));
  Json doc = parse(text);
  EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
  EXPECT_EQ(doc["dataLicense"], "CC0-1.0");
  EXPECT_EQ(doc["SPDXID"], "SPDXRef-DOCUMENT");
  EXPECT_EQ(doc["name"], "example.com/app:1.0");
  EXPECT_EQ(doc["documentNamespace"],
            "https://hako.invalid/spdx/example.com-app-1.0-3e671687-395b-41f5-a30f-a58921a69b79");
  EXPECT_EQ(doc["creationInfo"]["created"], "2026-12-06T07:00:00Z");
  EXPECT_EQ(doc["creationInfo"]["creators"][0], "Tool: hako-1.2.3");

  const std::regex id_re("^SPDXRef-[A-Za-z0-9.-]+$");
  std::set<std::string> ids = {"SPDXRef-DOCUMENT"};
  const Json& packages = doc["packages"];
  ASSERT_EQ(packages.size(), 6u);  // the artifact, the OS, four packages
  for (const auto& p : packages) {
    std::string id = p["SPDXID"];
    EXPECT_TRUE(std::regex_match(id, id_re)) << id;
    EXPECT_TRUE(ids.insert(id).second) << id;
    EXPECT_EQ(p["downloadLocation"], "NOASSERTION");
    EXPECT_EQ(p["filesAnalyzed"], false);
  }
  EXPECT_EQ(packages[0]["SPDXID"], "SPDXRef-Artifact");
  EXPECT_EQ(packages[0]["primaryPackagePurpose"], "CONTAINER");
  EXPECT_EQ(packages[1]["name"], "debian");
  EXPECT_EQ(packages[1]["versionInfo"], "12");
  EXPECT_EQ(packages[1]["primaryPackagePurpose"], "OPERATING_SYSTEM");

  const Json& ssl = packages[2];
  EXPECT_EQ(ssl["name"], "libssl3");
  EXPECT_EQ(ssl["versionInfo"], "3.0.11-1~deb12u2");
  EXPECT_EQ(ssl["licenseConcluded"], "NOASSERTION");
  EXPECT_EQ(ssl["licenseDeclared"], "Apache-2.0");
  EXPECT_EQ(ssl["copyrightText"], "NOASSERTION");
  EXPECT_EQ(ssl["sourceInfo"], "built package from: openssl 3.0.11-1~deb12u2");
  ASSERT_EQ(ssl["externalRefs"].size(), 1u);
  EXPECT_EQ(ssl["externalRefs"][0]["referenceCategory"], "PACKAGE-MANAGER");
  EXPECT_EQ(ssl["externalRefs"][0]["referenceType"], "purl");
  EXPECT_EQ(ssl["externalRefs"][0]["referenceLocator"],
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12");

  // A license that is no expression is kept as extracted licensing info.
  std::string zlib_license = packages[3]["licenseDeclared"];
  EXPECT_TRUE(zlib_license.starts_with("LicenseRef-")) << zlib_license;
  ASSERT_EQ(doc["hasExtractedLicensingInfos"].size(), 1u);
  EXPECT_EQ(doc["hasExtractedLicensingInfos"][0]["licenseId"], zlib_license);
  EXPECT_EQ(doc["hasExtractedLicensingInfos"][0]["extractedText"], "Zlib license, see copyright");

  EXPECT_EQ(packages[4]["licenseDeclared"], "MIT");
  EXPECT_EQ(packages[4]["externalRefs"][0]["referenceLocator"], "pkg:npm/lodash@4.17.21");
  EXPECT_FALSE(packages[4].contains("sourceInfo"));
  EXPECT_FALSE(packages[5].contains("externalRefs"));
  EXPECT_EQ(packages[5]["licenseDeclared"], "NOASSERTION");

  const Json& rels = doc["relationships"];
  ASSERT_EQ(rels.size(), 6u);  // DESCRIBES, then CONTAINS for the OS and each package
  EXPECT_EQ(rels[0]["spdxElementId"], "SPDXRef-DOCUMENT");
  EXPECT_EQ(rels[0]["relationshipType"], "DESCRIBES");
  EXPECT_EQ(rels[0]["relatedSpdxElement"], "SPDXRef-Artifact");
  for (const auto& r : rels) {
    EXPECT_TRUE(ids.contains(r["spdxElementId"].get<std::string>())) << r;
    EXPECT_TRUE(ids.contains(r["relatedSpdxElement"].get<std::string>())) << r;
  }
  for (size_t i = 1; i < rels.size(); ++i) {
    EXPECT_EQ(rels[i]["spdxElementId"], "SPDXRef-Artifact");
    EXPECT_EQ(rels[i]["relationshipType"], "CONTAINS");
    EXPECT_EQ(rels[i]["relatedSpdxElement"], packages[i]["SPDXID"]);
  }
}

TEST(SbomSpdx, LicenseExpressions) {
  auto declared = [](std::string license) {
    Inventory inv;
    inv.artifact_name = "x";
    inv.artifact_type = "filesystem";
    inv.packages.push_back(npm_package("a", "1", "pkg:npm/a@1", std::move(license)));
    Json doc = parse(render_spdx_json(inv, options()));
    return doc["packages"][1]["licenseDeclared"].get<std::string>();
  };
  EXPECT_EQ(declared("MIT OR Apache-2.0"), "MIT OR Apache-2.0");
  EXPECT_EQ(declared("(MIT AND BSD-3-Clause) OR GPL-2.0-or-later"), "(MIT AND BSD-3-Clause) OR GPL-2.0-or-later");
  EXPECT_EQ(declared("GPL-2.0+ WITH Classpath-exception-2.0"), "GPL-2.0+ WITH Classpath-exception-2.0");
  EXPECT_EQ(declared("LicenseRef-Custom"), "LicenseRef-Custom");
  EXPECT_TRUE(declared("MIT OR").starts_with("LicenseRef-"));
  EXPECT_TRUE(declared("(MIT").starts_with("LicenseRef-"));
  EXPECT_TRUE(declared("MIT/X11").starts_with("LicenseRef-"));
  EXPECT_TRUE(declared("BSD, MIT").starts_with("LicenseRef-"));
}

TEST(SbomTable, GroupsByTarget) {
  std::string out = render_sbom_table(sample());
  EXPECT_EQ(out,
            "example.com/app:1.0 (debian 12)\n"
            "===============================\n"
            "NAME     VERSION           LICENSE                      LAYER\n"
            "libssl3  3.0.11-1~deb12u2  Apache-2.0                   0123456789ab\n"
            "zlib1g   1:1.2.13.dfsg-1   Zlib license, see copyright  0123456789ab\n"
            "Total: 2 packages\n"
            "\n"
            "app/package-lock.json (npm)\n"
            "===========================\n"
            "NAME         VERSION  LICENSE  LAYER\n"
            "lodash       4.17.21  MIT      fedcba987654\n"
            "local-thing  0.1.0    -        fedcba987654\n"
            "Total: 2 packages\n");
}

TEST(SbomTable, Empty) {
  Inventory inv;
  inv.artifact_name = "/srv/empty";
  inv.artifact_type = "filesystem";
  EXPECT_EQ(render_sbom_table(inv), "No packages found.\n");
  inv.packages.push_back(npm_package("a", "1", "pkg:npm/a@1", ""));
  inv.packages.back().layer = "";
  EXPECT_EQ(render_sbom_table(inv),
            "app/package-lock.json (npm)\n"
            "===========================\n"
            "NAME  VERSION  LICENSE  LAYER\n"
            "a     1        -        -\n"
            "Total: 1 package\n");
}

}  // namespace
}  // namespace hako::scan::report
