#include "image/archive/archive.h"

#include <fcntl.h>

#include <thread>

#include <gtest/gtest.h>

#include "image/archive/test_util.h"

namespace hako::image {
namespace {

using namespace testing;
using store::Digest;
using store::sha256_of;

using ArchiveTest = StoreFixture;

std::vector<Digest> sorted(std::vector<Digest> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

TEST_F(ArchiveTest, RoundtripKeepsDigestsAndNames) {
  TestImage a = make_image(store, {"base", "app"});
  TestImage b = make_image(store, {"other"}, /*gzip=*/true);
  TestImage c = make_image(store, {"base", "more"});  // shares a layer with a
  std::vector<ArchiveEntry> images = {
      entry(a.manifest, {"docker.io/library/busybox:latest", "localhost:5000/app:1"}),
      entry(b.manifest, {}, oci::media::kManifest),
      entry(c.manifest, {"docker.io/user/c:v2"}),
  };
  std::string tar = save(images, store);
  EXPECT_EQ(tar, save(images, store)) << "output must be deterministic";

  // ustar headers only, all owned by 0:0 at time 0, sorted.
  EXPECT_EQ(tar.find("PaxHeader"), std::string::npos);
  {
    struct archive* r = archive_read_new();
    archive_read_support_format_tar(r);
    archive_read_open_memory(r, tar.data(), tar.size());
    archive_entry* e;
    std::vector<std::string> names;
    while (archive_read_next_header(r, &e) == ARCHIVE_OK) {
      names.push_back(archive_entry_pathname(e));
      EXPECT_EQ(archive_entry_mtime(e), 0);
      EXPECT_EQ(archive_entry_uid(e), 0);
      EXPECT_EQ(archive_entry_gid(e), 0);
    }
    archive_read_free(r);
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    EXPECT_EQ(names.front(), "blobs/");
    EXPECT_EQ(names.back(), "oci-layout");
  }

  auto files = untar(tar);
  ASSERT_TRUE(files.contains("oci-layout"));
  auto docker = Json::parse(files["manifest.json"]);
  ASSERT_EQ(docker.size(), 3u);
  EXPECT_EQ(docker[0]["RepoTags"], Json({"busybox:latest", "localhost:5000/app:1"}));
  EXPECT_EQ(docker[0]["Config"], "blobs/sha256/" + a.config.hex);
  EXPECT_EQ(docker[1]["Layers"][0], "blobs/sha256/" + b.layers[0].hex);
  auto index = Json::parse(files["index.json"]);
  ASSERT_EQ(index["manifests"].size(), 4u);  // two names, untagged, one name
  EXPECT_EQ(index["manifests"][1]["annotations"]["io.containerd.image.name"], "localhost:5000/app:1");
  EXPECT_EQ(index["manifests"][1]["annotations"]["org.opencontainers.image.ref.name"], "1");
  EXPECT_FALSE(index["manifests"][2].contains("annotations"));
  size_t blob_files = 0;
  for (auto& [path, content] : files)
    if (path.starts_with("blobs/sha256/")) blob_files++;
  EXPECT_EQ(blob_files, 3u + 3u + 4u);  // manifests, configs, layers (base once)

  auto loaded = load(tar, other);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  ASSERT_EQ(loaded->size(), 3u);
  EXPECT_EQ((*loaded)[0].manifest, a.manifest);
  EXPECT_EQ((*loaded)[0].names, (std::vector<std::string>{"docker.io/library/busybox:latest", "localhost:5000/app:1"}));
  EXPECT_EQ((*loaded)[0].media_type, oci::media::kManifest);
  EXPECT_EQ((*loaded)[1].manifest, b.manifest);
  EXPECT_TRUE((*loaded)[1].names.empty());
  EXPECT_EQ((*loaded)[2].manifest, c.manifest);
  EXPECT_EQ((*loaded)[2].names, std::vector<std::string>{"docker.io/user/c:v2"});
  EXPECT_EQ(sorted_blobs(other), sorted_blobs(store));

  // Again into a store that has it all: nothing changes.
  auto again = load(tar, other);
  ASSERT_TRUE(again.has_value()) << again.error().message();
  EXPECT_EQ(again->size(), 3u);
  EXPECT_EQ(sorted_blobs(other), sorted_blobs(store));
}

TEST_F(ArchiveTest, SameManifestTwiceIsMerged) {
  TestImage a = make_image(store, {"x"});
  std::vector<ArchiveEntry> images = {entry(a.manifest, {"docker.io/library/a:1"}),
                                      entry(a.manifest, {"docker.io/library/a:2"})};
  auto loaded = load(save(images, store), other);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ((*loaded)[0].names, (std::vector<std::string>{"docker.io/library/a:1", "docker.io/library/a:2"}));
}

TEST_F(ArchiveTest, IndexWithAbsentPlatform) {
  TestImage amd = make_image(store, {"amd"});
  oci::Index idx;
  idx.media_type = oci::media::kIndex;
  for (const char* arch : {"amd64", "arm64"}) {
    bool present = std::string(arch) == "amd64";
    idx.manifests.push_back(descriptor(oci::media::kManifest, present ? amd.manifest : sha256_of("absent"),
                                       present ? amd.manifest_bytes.size() : 6));
    idx.manifests.back().platform.emplace();
    idx.manifests.back().platform->os = "linux";
    idx.manifests.back().platform->architecture = arch;
  }
  Digest index = *store.put(oci::to_json(idx).dump());
  std::vector<ArchiveEntry> images = {entry(index, {"docker.io/library/multi:1"})};
  std::string tar = save(images, store);

  auto files = untar(tar);
  auto docker = Json::parse(files["manifest.json"]);
  ASSERT_EQ(docker.size(), 1u);
  EXPECT_EQ(docker[0]["Config"], "blobs/sha256/" + amd.config.hex);
  EXPECT_EQ(docker[0]["RepoTags"], Json({"multi:1"}));
  EXPECT_EQ(Json::parse(files["index.json"])["manifests"][0]["mediaType"], oci::media::kIndex);

  auto loaded = load(tar, other);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ((*loaded)[0].manifest, index);
  EXPECT_EQ((*loaded)[0].media_type, oci::media::kIndex);
  EXPECT_EQ(sorted_blobs(other), sorted({index, amd.manifest, amd.config, amd.layers[0]}));
}

// What Docker < 25 writes: v1 ids as directories, the config as <hex>.json,
// manifest.json at the end, a shared layer as a symlink.
TEST_F(ArchiveTest, LegacyDockerArchive) {
  std::string base = layer_tar("base"), app = layer_tar("app"), gz = layer_tar("gz", oci::Compression::Gzip);
  std::string cfg1 = config_json({sha256_of(base).to_string(), sha256_of(app).to_string()});
  std::string cfg2 = config_json({sha256_of(base).to_string(), sha256_of(layer_tar("gz")).to_string()});
  Json manifest = Json::array();
  manifest.push_back({{"Config", sha256_of(cfg1).hex + ".json"},
                      {"RepoTags", {"busybox:latest", "localhost:5000/x/y:2"}},
                      {"Layers", {"aaa/layer.tar", "bbb/layer.tar"}}});
  manifest.push_back({{"Config", sha256_of(cfg2).hex + ".json"},
                      {"RepoTags", nullptr},
                      {"Layers", {"./ccc/layer.tar", "ddd/layer.tar"}}});
  std::string cfg3 = config_json({sha256_of(base).to_string()}, "arm64");
  manifest.push_back({{"Config", sha256_of(cfg3).hex + ".json"}, {"Layers", {"eee/layer.tar"}}});
  std::string tar = TarBuilder()
                        .dir("aaa/")
                        .file("aaa/VERSION", "1.0")
                        .file("aaa/json", R"({"id":"aaa"})")
                        .file("aaa/layer.tar", base)
                        .file("bbb/layer.tar", app)
                        .symlink("ccc/layer.tar", "../aaa/layer.tar")
                        .file("ddd/layer.tar", gz)
                        .hardlink("eee/layer.tar", "aaa/layer.tar")
                        .file(sha256_of(cfg3).hex + ".json", cfg3)
                        .file(sha256_of(cfg1).hex + ".json", cfg1)
                        .file(sha256_of(cfg2).hex + ".json", cfg2)
                        .file("repositories", R"({"busybox":{"latest":"bbb"}})")
                        .file("manifest.json", manifest.dump())
                        .finish();
  auto loaded = load(tar, store);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  ASSERT_EQ(loaded->size(), 3u);
  const ArchiveEntry& e1 = (*loaded)[0];
  EXPECT_EQ(e1.names, (std::vector<std::string>{"docker.io/library/busybox:latest", "localhost:5000/x/y:2"}));
  EXPECT_EQ(e1.media_type, oci::media::kDockerManifest);
  auto m1 = oci::parse_manifest(*store.read(e1.manifest));
  ASSERT_TRUE(m1.has_value()) << m1.error().message();
  EXPECT_EQ(m1->media_type, oci::media::kDockerManifest);
  EXPECT_EQ(m1->config.digest, sha256_of(cfg1).to_string());
  EXPECT_EQ(m1->config.media_type, oci::media::kDockerConfig);
  EXPECT_EQ(m1->config.size, static_cast<int64_t>(cfg1.size()));
  ASSERT_EQ(m1->layers.size(), 2u);
  EXPECT_EQ(m1->layers[0].digest, sha256_of(base).to_string());
  EXPECT_EQ(m1->layers[0].media_type, kDockerLayerMediaType);
  EXPECT_EQ(m1->layers[1].size, static_cast<int64_t>(app.size()));

  const ArchiveEntry& e2 = (*loaded)[1];
  EXPECT_TRUE(e2.names.empty());
  auto m2 = oci::parse_manifest(*store.read(e2.manifest));
  ASSERT_TRUE(m2.has_value());
  EXPECT_EQ(m2->layers[0].digest, sha256_of(base).to_string());
  EXPECT_EQ(m2->layers[1].digest, sha256_of(gz).to_string());
  EXPECT_EQ(m2->layers[1].media_type, oci::media::kDockerLayerGzip);
  const ArchiveEntry& e3 = (*loaded)[2];
  auto m3 = oci::parse_manifest(*store.read(e3.manifest));
  ASSERT_TRUE(m3.has_value());
  EXPECT_EQ(m3->layers[0].digest, sha256_of(base).to_string());

  // VERSION and v1 json files are gone again.
  EXPECT_EQ(sorted_blobs(store), sorted({e1.manifest, e2.manifest, e3.manifest, sha256_of(cfg1), sha256_of(cfg2),
                                         sha256_of(cfg3), sha256_of(base), sha256_of(app), sha256_of(gz)}));

  // The synthesized manifest is the same on a second load.
  auto again = load(tar, other);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ((*again)[0].manifest, e1.manifest);
}

TEST_F(ArchiveTest, LegacyChecksDiffIds) {
  std::string base = layer_tar("base");
  std::string cfg = config_json({sha256_of(base).to_string()});
  auto build = [&](Json layers) {
    Json m = Json::array({{{"Config", "c.json"}, {"RepoTags", {"a:1"}}, {"Layers", layers}}});
    return TarBuilder().file("c.json", cfg).file("l/layer.tar", base).file("x/layer.tar", layer_tar("x"))
        .file("manifest.json", m.dump()).finish();
  };
  auto count = load(build({"l/layer.tar", "l/layer.tar"}), store);
  ASSERT_FALSE(count.has_value());
  EXPECT_NE(count.error().message().find("diff_ids"), std::string::npos) << count.error().message();
  auto wrong = load(build({"x/layer.tar"}), store);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message().find("x/layer.tar"), std::string::npos) << wrong.error().message();
  EXPECT_TRUE(sorted_blobs(store).empty());
}

// An OCI layout as umoci or skopeo write it, with an index inside the index.
TEST_F(ArchiveTest, OciLayoutWithNestedIndex) {
  TestImage amd = make_image(store, {"amd"});
  oci::Index inner;
  inner.media_type = oci::media::kIndex;
  inner.manifests.push_back(descriptor(oci::media::kManifest, amd.manifest, amd.manifest_bytes.size()));
  inner.manifests.push_back(descriptor(oci::media::kManifest, sha256_of("gone"), 4));
  std::string inner_bytes = oci::to_json(inner).dump();
  Digest inner_d = sha256_of(inner_bytes);
  oci::Index top;
  top.media_type = oci::media::kIndex;
  oci::Descriptor d = descriptor(oci::media::kIndex, inner_d, inner_bytes.size());
  d.annotations["org.opencontainers.image.ref.name"] = "latest";
  top.manifests.push_back(d);
  d.annotations["org.opencontainers.image.ref.name"] = "foo/bar:t1";
  top.manifests.push_back(d);
  d.annotations = {{"io.containerd.image.name", "docker.io/library/redis:7"}};
  top.manifests.push_back(d);

  TarBuilder t;
  t.file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})").file("index.json", oci::to_json(top).dump());
  t.dir("blobs/").dir("blobs/sha256/");
  t.file("blobs/sha256/" + inner_d.hex, inner_bytes);
  for (const Digest& b : {amd.manifest, amd.config, amd.layers[0]}) t.file("blobs/sha256/" + b.hex, *store.read(b));
  t.file("blobs/sha256/" + sha256_of("stale").hex, "stale");
  auto loaded = load(t.finish(), other);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ((*loaded)[0].manifest, inner_d);
  EXPECT_EQ((*loaded)[0].media_type, oci::media::kIndex);
  EXPECT_EQ((*loaded)[0].names, (std::vector<std::string>{"docker.io/foo/bar:t1", "docker.io/library/redis:7"}));
  EXPECT_EQ((*loaded)[0].ref_names, std::vector<std::string>{"latest"});
  EXPECT_EQ(sorted_blobs(other), sorted({inner_d, amd.manifest, amd.config, amd.layers[0]}));  // stale removed
}

// Docker 25: the layout has no names, manifest.json has the RepoTags.
TEST_F(ArchiveTest, CombinedLayoutTakesNamesFromManifestJson) {
  TestImage a = make_image(store, {"a"});
  oci::Index top;
  top.media_type = oci::media::kIndex;
  top.manifests.push_back(descriptor(oci::media::kManifest, a.manifest, a.manifest_bytes.size()));
  Json list = Json::array({{{"Config", "blobs/sha256/" + a.config.hex},
                            {"RepoTags", {"app:v1"}},
                            {"Layers", {"blobs/sha256/" + a.layers[0].hex}}}});
  TarBuilder t;
  t.file("manifest.json", list.dump());
  for (const Digest& b : {a.manifest, a.config, a.layers[0]}) t.file("blobs/sha256/" + b.hex, *store.read(b));
  t.file("index.json", oci::to_json(top).dump()).file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  auto loaded = load(t.finish(), other);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ((*loaded)[0].manifest, a.manifest);
  EXPECT_EQ((*loaded)[0].names, std::vector<std::string>{"docker.io/library/app:v1"});
}

TEST_F(ArchiveTest, CompressedArchives) {
  TestImage a = make_image(store, {"z"});
  std::vector<ArchiveEntry> images = {entry(a.manifest, {"docker.io/library/z:1"})};
  std::string plain = save(images, store);
  for (auto c : {oci::Compression::Gzip, oci::Compression::Zstd}) {
    TarBuilder t(c);
    for (auto& [path, content] : untar(plain)) t.file(path, content);
    std::string packed = t.finish();
    ASSERT_NE(packed.substr(0, 4), plain.substr(0, 4));
    TempDir d;
    auto s = *store::BlobStore::open(d / "s");
    auto loaded = load(packed, s);
    ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
    ASSERT_EQ(loaded->size(), 1u);
    EXPECT_EQ((*loaded)[0].manifest, a.manifest);
    EXPECT_EQ(sorted_blobs(s), sorted_blobs(store));
  }
}

// Both directions through a pipe at once: nothing needs to seek.
TEST_F(ArchiveTest, StreamsThroughAPipe) {
  TestImage a = make_image(store, {"p1", "p2"}, /*gzip=*/true);
  std::vector<ArchiveEntry> images = {entry(a.manifest, {"docker.io/library/p:1"})};
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  UniqueFd rd(fds[0]), wr(fds[1]);
  Result<> written;
  std::thread writer([&] {
    written = write_image_archive(wr.get(), images, store);
    wr.reset();
  });
  auto loaded = read_image_archive(rd.get(), other);
  writer.join();
  ASSERT_TRUE(written.has_value()) << written.error().message();
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  EXPECT_EQ((*loaded)[0].manifest, a.manifest);
  EXPECT_EQ(sorted_blobs(other), sorted_blobs(store));
}

TEST_F(ArchiveTest, WriteRefusesMissingBlobs) {
  TestImage a = make_image(store, {"m"});
  ASSERT_TRUE(store.remove(a.layers[0]).has_value());
  std::vector<ArchiveEntry> images = {entry(a.manifest)};
  UniqueFd fd(::memfd_create("x", MFD_CLOEXEC));
  auto r = write_image_archive(fd.get(), images, store);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind(), ErrorKind::NotFound);
  EXPECT_NE(r.error().message().find(a.layers[0].to_string()), std::string::npos) << r.error().message();
}

}  // namespace
}  // namespace hako::image
