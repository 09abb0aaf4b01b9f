#include <gtest/gtest.h>

#include "base/json.h"
#include "scan/report/scan_report.h"

namespace hako::scan::report {
namespace {

ScanResult sample() {
  ScanResult r;
  Inventory& inv = r.inventory;
  inv.artifact_name = "debian:12";
  inv.artifact_type = "container_image";
  inv.image_id = "sha256:abc";
  inv.os = {"debian", "12", "Debian GNU/Linux 12 (bookworm)"};
  inv.os_ecosystem = "Debian:12";
  inv.layers = {{"sha256:l1", ""}};
  auto os_pkg = [](std::string name, std::string version, std::string src) {
    InventoryPackage p;
    p.cls = PackageClass::Os;
    p.type = "dpkg";
    p.name = std::move(name);
    p.version = std::move(version);
    p.source_name = std::move(src);
    p.ecosystem = "Debian:12";
    p.path = "var/lib/dpkg/status";
    p.layer = "sha256:l1";
    p.purl = "pkg:deb/debian/" + p.name + "@" + p.version;
    return p;
  };
  inv.packages.push_back(os_pkg("libssl3", "3.0.11-1", "openssl"));
  inv.packages.push_back(os_pkg("zlib1g", "1:1.2.13", "zlib"));
  InventoryPackage lodash;
  lodash.cls = PackageClass::Lang;
  lodash.type = "npm";
  lodash.name = "lodash";
  lodash.version = "4.17.20";
  lodash.ecosystem = "npm";
  lodash.path = "app/package-lock.json";
  lodash.purl = "pkg:npm/lodash@4.17.20";
  inv.packages.push_back(lodash);
  auto vuln = [](std::string id, size_t pkg, std::string installed, std::string fixed, osv::Severity s,
                 std::string title) {
    Vulnerability v;
    v.id = std::move(id);
    v.package = pkg;
    v.installed = std::move(installed);
    v.fixed = std::move(fixed);
    v.severity = s;
    v.title = std::move(title);
    v.primary_url = "https://osv.dev/vulnerability/" + v.id;
    return v;
  };
  r.vulnerabilities.push_back(vuln("CVE-2023-5678", 0, "3.0.11-1", "3.0.13-1", osv::Severity::High, "openssl: DH"));
  r.vulnerabilities.push_back(vuln("CVE-2023-0001", 1, "1:1.2.13", "", osv::Severity::Low, "zlib: minor"));
  r.vulnerabilities.push_back(vuln("GHSA-35jh-r3h4-6jhm", 2, "4.17.20", "4.17.21", osv::Severity::Critical,
                                   std::string(100, 'x')));
  r.vulnerabilities.back().aliases = {"CVE-2021-23337"};
  return r;
}

ReportOptions colored() {
  ReportOptions o;
  o.color = true;
  return o;
}
Filter severity_filter(std::set<osv::Severity> s) {
  Filter f;
  f.severities = std::move(s);
  return f;
}
Filter unfixed_filter() {
  Filter f;
  f.ignore_unfixed = true;
  return f;
}
Filter ignore_filter(const IgnoreList& list) {
  Filter f;
  f.ignore = &list;
  return f;
}

TEST(Targets, OsFirstThenEachFile) {
  auto targets = targets_of(sample());
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].name, "debian:12 (debian 12)");
  EXPECT_EQ(targets[0].type, "debian");
  EXPECT_EQ(targets[0].packages, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(targets[0].vulnerabilities, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(targets[1].name, "app/package-lock.json");
  EXPECT_EQ(targets[1].cls, PackageClass::Lang);
  EXPECT_EQ(targets[1].vulnerabilities, (std::vector<size_t>{2}));
}

TEST(Table, RowsTotalsAndNoFix) {
  std::string t = render_scan_table(sample(), {});
  EXPECT_NE(t.find("debian:12 (debian 12)\n"), std::string::npos) << t;
  EXPECT_NE(t.find("Total: 2 (UNKNOWN: 0, LOW: 1, MEDIUM: 0, HIGH: 1, CRITICAL: 0)"), std::string::npos) << t;
  EXPECT_NE(t.find("SEVERITY  PACKAGE  INSTALLED  FIXED     ID             TITLE\n"), std::string::npos) << t;
  EXPECT_NE(t.find("LOW       zlib1g   1:1.2.13   (no fix)  CVE-2023-0001  zlib: minor\n"), std::string::npos) << t;
  EXPECT_NE(t.find(std::string(57, 'x') + "...\n"), std::string::npos) << t;
  EXPECT_EQ(t.find("\033["), std::string::npos);
  EXPECT_NE(render_scan_table(sample(), colored()).find("\033[1;31mCRITICAL\033[0m"), std::string::npos);
}

TEST(Filter, SeverityUnfixedAndIgnore) {
  auto sev = parse_severity_list("critical, HIGH");
  ASSERT_TRUE(sev.has_value());
  ScanResult r = sample();
  apply_filter(&r, severity_filter(*sev));
  ASSERT_EQ(r.vulnerabilities.size(), 2u);
  r = sample();
  apply_filter(&r, unfixed_filter());
  EXPECT_EQ(r.vulnerabilities.size(), 2u);
  IgnoreList ignore;
  ignore.ids = {"CVE-2021-23337"};
  r = sample();
  EXPECT_EQ(apply_filter(&r, ignore_filter(ignore)), 1u);
  EXPECT_EQ(r.vulnerabilities.size(), 2u);
  auto bad = parse_severity_list("HIGH,SEVERE");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("\"SEVERE\""), std::string::npos);
}

TEST(Json, TrivyShape) {
  auto j = Json::parse(render_scan_json(sample(), {}));
  EXPECT_EQ(j["SchemaVersion"], 2);
  EXPECT_EQ(j["Metadata"]["OS"]["Family"], "debian");
  ASSERT_EQ(j["Results"].size(), 2u);
  EXPECT_EQ(j["Results"][0]["Class"], "os-pkgs");
  const Json& v = j["Results"][0]["Vulnerabilities"][1];
  EXPECT_EQ(v["VulnerabilityID"], "CVE-2023-0001");
  EXPECT_EQ(v["PkgSrcName"], "zlib");
  EXPECT_EQ(v["FixedVersion"], "");
  EXPECT_EQ(v["Status"], "affected");
  EXPECT_EQ(v["Layer"]["DiffID"], "sha256:l1");
  EXPECT_EQ(j["Results"][1]["Vulnerabilities"][0]["PkgIdentifier"]["PURL"], "pkg:npm/lodash@4.17.20");
}

TEST(Sarif, RulesAndResults) {
  auto j = Json::parse(render_scan_sarif(sample(), {}));
  EXPECT_EQ(j["version"], "2.1.0");
  const Json& run = j["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["rules"].size(), 3u);
  ASSERT_EQ(run["results"].size(), 3u);
  EXPECT_EQ(run["results"][2]["level"], "error");
  EXPECT_EQ(run["results"][1]["level"], "note");
  EXPECT_EQ(run["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "app/package-lock.json");
}

}  // namespace
}  // namespace hako::scan::report
