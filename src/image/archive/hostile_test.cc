// Broken and hostile archives: each fails naming the problem and leaves the
// store exactly as it was.
#include <gtest/gtest.h>

#include "image/archive/archive.h"
#include "image/archive/test_util.h"

namespace hako::image {
namespace {

using namespace testing;
using store::Digest;
using store::sha256_of;

class HostileTest : public StoreFixture {
 protected:
  void SetUp() override {
    // Something already in the store that the archives also carry: it must
    // survive a failed load.
    kept_ = *store.put(layer_tar("kept"));
  }

  // Loads `tar`, expects failure mentioning `needle`, and an unchanged store.
  void expect_refused(const std::string& tar, const std::string& needle) {
    auto before = sorted_blobs(store);
    auto r = load(tar, store);
    ASSERT_FALSE(r.has_value()) << "expected failure mentioning " << needle;
    EXPECT_NE(r.error().message().find(needle), std::string::npos) << r.error().message();
    EXPECT_EQ(sorted_blobs(store), before);
    auto ingest = store.list_ingest();
    ASSERT_TRUE(ingest.has_value());
    EXPECT_TRUE(ingest->empty());
  }

  // The start of a valid layout: some blobs that will be staged first.
  TarBuilder& layout_start(TarBuilder& t) {
    t.file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    t.file("blobs/sha256/" + kept_.hex, layer_tar("kept"));
    t.file("blobs/sha256/" + sha256_of("new blob").hex, "new blob");
    t.file("other/file", "new file content");
    return t;
  }

  Digest kept_;
};

TEST_F(HostileTest, DotDotPath) {
  TarBuilder t;
  layout_start(t).file("../evil", "x");
  expect_refused(t.finish(), "..");
}

TEST_F(HostileTest, AbsolutePath) {
  TarBuilder t;
  layout_start(t).file("/etc/evil", "x");
  expect_refused(t.finish(), "absolute");
}

TEST_F(HostileTest, DigestMismatchInBlobs) {
  TarBuilder t;
  layout_start(t).file("blobs/sha256/" + sha256_of("promised").hex, "delivered");
  expect_refused(t.finish(), "digest mismatch");
}

TEST_F(HostileTest, SymlinkAsBlob) {
  TarBuilder t;
  layout_start(t).symlink("blobs/sha256/" + sha256_of("x").hex, "/etc/passwd");
  expect_refused(t.finish(), "symlink");
}

TEST_F(HostileTest, HardlinkAsBlob) {
  TarBuilder t;
  layout_start(t).hardlink("blobs/sha256/" + sha256_of("x").hex, "other/file");
  expect_refused(t.finish(), "hardlink");
}

TEST_F(HostileTest, SymlinkLeavingArchive) {
  TarBuilder t;
  layout_start(t).symlink("aaa/layer.tar", "../../etc/shadow");
  expect_refused(t.finish(), "leaves the archive");
}

TEST_F(HostileTest, SymlinkAsMetadata) {
  TarBuilder t;
  layout_start(t).symlink("index.json", "other/file");
  expect_refused(t.finish(), "index.json");
}

TEST_F(HostileTest, ManifestJsonReferencesMissingFile) {
  std::string cfg = config_json({});
  Json m = Json::array({{{"Config", "c.json"}, {"RepoTags", {"a:1"}}, {"Layers", {"nope/layer.tar"}}}});
  TarBuilder t;
  t.file("c.json", cfg).file("blobs/sha256/" + kept_.hex, layer_tar("kept")).file("manifest.json", m.dump());
  expect_refused(t.finish(), "nope/layer.tar");
}

TEST_F(HostileTest, ManifestJsonMalformed) {
  TarBuilder t;
  t.file("x.json", "{}").file("manifest.json", "[{\"Config\": ");
  expect_refused(t.finish(), "manifest.json");
}

TEST_F(HostileTest, IndexJsonMalformed) {
  TarBuilder t;
  layout_start(t).file("index.json", "{not json");
  expect_refused(t.finish(), "index.json");
}

TEST_F(HostileTest, IndexWithoutOciLayout) {
  TarBuilder t;
  t.file("blobs/sha256/" + sha256_of("new blob").hex, "new blob");
  t.file("index.json", R"({"schemaVersion":2,"manifests":[]})");
  expect_refused(t.finish(), "oci-layout");
}

TEST_F(HostileTest, OciLayoutWithoutVersion) {
  TarBuilder t;
  t.file("oci-layout", "{}").file("index.json", R"({"schemaVersion":2,"manifests":[]})");
  expect_refused(t.finish(), "imageLayoutVersion");
}

TEST_F(HostileTest, IndexReferencesMissingBlob) {
  Json idx = {{"schemaVersion", 2},
              {"manifests", {{{"mediaType", oci::media::kManifest}, {"digest", sha256_of("m").to_string()},
                              {"size", 1}}}}};
  TarBuilder t;
  layout_start(t).file("index.json", idx.dump());
  expect_refused(t.finish(), sha256_of("m").to_string());
}

TEST_F(HostileTest, DescriptorSizeMismatch) {
  std::string blob = "new blob";
  Json idx = {{"schemaVersion", 2},
              {"manifests", {{{"mediaType", oci::media::kManifest}, {"digest", sha256_of(blob).to_string()},
                              {"size", 3}}}}};
  TarBuilder t;
  layout_start(t).file("index.json", idx.dump());
  expect_refused(t.finish(), "descriptor says 3");
}

TEST_F(HostileTest, ManifestWithMissingLayer) {
  // A valid manifest whose layer the archive lacks.
  std::string cfg = config_json({sha256_of("l").to_string()});
  oci::Manifest m;
  m.media_type = oci::media::kManifest;
  m.config = descriptor(oci::media::kConfig, sha256_of(cfg), cfg.size());
  m.layers.push_back(descriptor(oci::media::kLayer, sha256_of("l"), 1));
  std::string mb = oci::to_json(m).dump();
  Json idx = {{"schemaVersion", 2},
              {"manifests", {{{"mediaType", oci::media::kManifest}, {"digest", sha256_of(mb).to_string()},
                              {"size", mb.size()}}}}};
  TarBuilder t;
  layout_start(t).file("blobs/sha256/" + sha256_of(cfg).hex, cfg).file("blobs/sha256/" + sha256_of(mb).hex, mb);
  t.file("index.json", idx.dump());
  expect_refused(t.finish(), "layers[0]");
}

TEST_F(HostileTest, NotAnArchive) {
  expect_refused(std::string(4096, '\x07'), "archive");
  expect_refused("", "neither manifest.json nor index.json");
}

TEST_F(HostileTest, TruncatedArchive) {
  TarBuilder t;
  layout_start(t).file("blobs/sha256/" + sha256_of(std::string(100000, 'a')).hex, std::string(100000, 'a'));
  std::string tar = t.finish();
  expect_refused(tar.substr(0, tar.size() - 60000), "archive");
}

}  // namespace
}  // namespace hako::image
