#include <gtest/gtest.h>

#include "scan/inventory/test_root.h"
#include "scan/scanner/collect.h"

namespace hako::scan {
namespace {

std::string status_entry(const std::string& name, const std::string& version, const std::string& source = "") {
  std::string s = "Package: " + name + "\nStatus: install ok installed\nArchitecture: amd64\nVersion: " + version + "\n";
  if (!source.empty()) s += "Source: " + source + "\n";
  return s + "\n";
}

const char* kOsRelease = "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n";

const report::InventoryPackage* find(const report::Inventory& inv, const std::string& name) {
  for (const auto& p : inv.packages)
    if (p.name == name) return &p;
  return nullptr;
}

// Three overlay-style layers: the base has libc and the os-release, the
// second installs curl (rewriting status) and an npm lockfile, the third
// upgrades libssl and adds nothing else.
struct OverlayImage {
  TestRoot merged, l1, l2, l3;
  LayerTrees trees;
  OverlayImage() {
    std::string base = status_entry("libc6", "2.36-9", "glibc") + status_entry("libssl3", "3.0.9-1", "openssl");
    std::string with_curl = base + status_entry("curl", "7.88.1-10");
    std::string upgraded = status_entry("libc6", "2.36-9", "glibc") + status_entry("libssl3", "3.0.11-1", "openssl") +
                           status_entry("curl", "7.88.1-10");
    const char* lock = R"({"lockfileVersion":3,"packages":{"":{"name":"app"},"node_modules/lodash":{"version":"4.17.20"}}})";
    l1.write("etc/os-release", kOsRelease);
    l1.write("var/lib/dpkg/status", base);
    l2.write("var/lib/dpkg/status", with_curl);
    l2.write("app/package-lock.json", lock);
    l3.write("var/lib/dpkg/status", upgraded);
    merged.write("etc/os-release", kOsRelease);
    merged.write("var/lib/dpkg/status", upgraded);
    merged.write("app/package-lock.json", lock);
    trees.layers = {{l1.path(), "sha256:l1"}, {l2.path(), "sha256:l2"}, {l3.path(), "sha256:l3"}};
  }
};

TEST(Collect, AttributesPackagesToTheLayerThatBroughtThem) {
  OverlayImage img;
  report::Inventory inv;
  auto r = collect_packages(img.merged.path(), &img.trees, &inv);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(inv.os_ecosystem, "Debian:12");
  ASSERT_EQ(inv.packages.size(), 4u);
  EXPECT_EQ(find(inv, "libc6")->layer, "sha256:l1");
  EXPECT_EQ(find(inv, "curl")->layer, "sha256:l2");
  EXPECT_EQ(find(inv, "libssl3")->layer, "sha256:l3");  // the upgrade's layer, not the base
  EXPECT_EQ(find(inv, "libssl3")->source_name, "openssl");
  const auto* lodash = find(inv, "lodash");
  ASSERT_NE(lodash, nullptr);
  EXPECT_EQ(lodash->cls, report::PackageClass::Lang);
  EXPECT_EQ(lodash->type, "npm");
  EXPECT_EQ(lodash->path, "app/package-lock.json");
  EXPECT_EQ(lodash->layer, "sha256:l2");
  EXPECT_EQ(inv.packages.front().cls, report::PackageClass::Os);
}

TEST(Collect, CumulativeLayersFindTheLowestUnchangedCopy) {
  // vfs: every layer directory is the whole tree so far.
  TestRoot l1, l2;
  std::string status = status_entry("libc6", "2.36-9", "glibc");
  l1.write("etc/os-release", kOsRelease);
  l1.write("var/lib/dpkg/status", status);
  l1.write("srv/requirements.txt", "flask==2.0.0\n");
  l2.write("etc/os-release", kOsRelease);
  l2.write("var/lib/dpkg/status", status + status_entry("bash", "5.2.15-2"));
  l2.write("srv/requirements.txt", "flask==2.0.0\n");
  l2.write("srv/other/requirements.txt", "jinja2==3.0.0\n");
  LayerTrees trees{{{l1.path(), "sha256:a"}, {l2.path(), "sha256:b"}}, true};
  report::Inventory inv;
  ASSERT_TRUE(collect_packages(l2.path(), &trees, &inv));
  EXPECT_EQ(find(inv, "libc6")->layer, "sha256:a");
  EXPECT_EQ(find(inv, "bash")->layer, "sha256:b");
  EXPECT_EQ(find(inv, "flask")->layer, "sha256:a");
  EXPECT_EQ(find(inv, "jinja2")->layer, "sha256:b");
  EXPECT_EQ(find(inv, "jinja2")->type, "pip");
}

TEST(Collect, WithoutLayersNothingIsAttributed) {
  OverlayImage img;
  report::Inventory inv;
  ASSERT_TRUE(collect_packages(img.merged.path(), nullptr, &inv));
  for (const auto& p : inv.packages) EXPECT_EQ(p.layer, "") << p.name;
}

class Match : public ::testing::Test {
 protected:
  TestRoot dir;
  std::optional<osv::Database> db;
  void SetUp() override {
    auto d = osv::Database::open(dir.path() + "/osv.db");
    ASSERT_TRUE(d) << d.error().message();
    db.emplace(std::move(*d));
  }
  void import(const std::string& json) {
    dir.write("adv/a.json", json);
    auto s = db->import_path(dir.path() + "/adv");
    ASSERT_TRUE(s) << s.error().message();
  }
};

TEST_F(Match, DebianAdvisoriesMatchBySourcePackageAndRelease) {
  import(R"([
    {"id":"CVE-1","modified":"2024-01-01T00:00:00Z","summary":"openssl bug",
     "affected":[{"package":{"ecosystem":"Debian:12","name":"openssl"},
                  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.11-1"}]}],
                  "ecosystem_specific":{"urgency":"high"}}]},
    {"id":"CVE-2","modified":"2024-01-01T00:00:00Z","summary":"glibc unfixed",
     "affected":[{"package":{"ecosystem":"Debian:12","name":"glibc"},
                  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]},
    {"id":"CVE-3","modified":"2024-01-01T00:00:00Z","summary":"bookworm does not have it",
     "affected":[{"package":{"ecosystem":"Debian:11","name":"glibc"},
                  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]},
    {"id":"GHSA-x","modified":"2024-01-01T00:00:00Z","summary":"lodash prototype pollution",
     "affected":[{"package":{"ecosystem":"npm","name":"lodash"},
                  "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"4.17.21"}]}]}]}
  ])");
  OverlayImage img;
  report::Inventory inv;
  ASSERT_TRUE(collect_packages(img.merged.path(), &img.trees, &inv));
  std::vector<std::string> warnings;
  auto v = find_vulnerabilities(inv, *db, &warnings);
  ASSERT_TRUE(v) << v.error().message();
  std::vector<std::string> got;
  for (const auto& x : *v) got.push_back(inv.packages[x.package].name + " " + x.id + " " + x.installed + " -> " + x.fixed);
  // libssl3 3.0.11-1 is the fixed version: not affected.
  EXPECT_EQ(got, (std::vector<std::string>{"libc6 CVE-2 2.36-9 -> ", "lodash GHSA-x 4.17.20 -> 4.17.21"}));
  EXPECT_TRUE(warnings.empty());
}

TEST_F(Match, UnknownDistributionIsWarnedNotGuessed) {
  TestRoot root;
  root.write("var/lib/dpkg/status", status_entry("libc6", "2.36-9"));
  report::Inventory inv;
  ASSERT_TRUE(collect_packages(root.path(), nullptr, &inv));
  std::vector<std::string> warnings;
  auto v = find_vulnerabilities(inv, *db, &warnings);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->empty());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("release is unknown"), std::string::npos) << warnings[0];
}

}  // namespace
}  // namespace hako::scan
