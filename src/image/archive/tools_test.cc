// Interoperability with umoci and skopeo, when they are installed.
#include <fcntl.h>

#include <cstdlib>

#include <gtest/gtest.h>

#include "image/archive/archive.h"
#include "image/archive/test_util.h"

namespace hako::image {
namespace {

using namespace testing;

bool have(const char* tool) {
  return std::system(fmt::format("command -v {} >/dev/null 2>&1", tool).c_str()) == 0;
}

// Runs a shell command; on failure the test fails with the command's output.
::testing::AssertionResult sh(const std::string& cmd, const TempDir& dir) {
  std::string log = dir / "cmd.log";
  int rc = std::system(fmt::format("( {} ) >{} 2>&1", cmd, log).c_str());
  if (rc == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << cmd << " failed (" << rc << "): " << read_file(log).value_or("");
}

Result<std::vector<ArchiveEntry>> load_file(const std::string& path, const store::BlobStore& s) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_sys("open " + path);
  return read_image_archive(fd.get(), s);
}

class ToolsTest : public StoreFixture {
 protected:
  void SetUp() override {
    if (!have("umoci") || !have("skopeo")) GTEST_SKIP() << "umoci and skopeo are needed (apt-get install umoci skopeo)";
    ASSERT_TRUE(sh(fmt::format("umoci init --layout {0}/D && umoci new --image {0}/D:t1 && mkdir -p {0}/root/etc && "
                               "echo hello >{0}/root/etc/greeting && umoci insert --image {0}/D:t1 {0}/root /",
                               tmp.path()),
                   tmp));
  }
  std::string skopeo() const { return fmt::format("skopeo --insecure-policy --tmpdir {}", tmp.path()); }

  TempDir tmp;
};

TEST_F(ToolsTest, LoadsUmociLayout) {
  ASSERT_TRUE(sh(fmt::format("tar -C {0}/D -cf {0}/layout.tar .", tmp.path()), tmp));
  auto loaded = load_file(tmp / "layout.tar", store);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  ASSERT_EQ(loaded->size(), 1u);
  auto index = Json::parse(*read_file(tmp / "D/index.json"));
  EXPECT_EQ((*loaded)[0].manifest.to_string(), index["manifests"][0]["digest"]);
  EXPECT_EQ((*loaded)[0].ref_names, std::vector<std::string>{"t1"});
  EXPECT_TRUE((*loaded)[0].names.empty());
  auto m = oci::parse_manifest(*store.read((*loaded)[0].manifest));
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->layers.size(), 1u);
  EXPECT_TRUE(store.verify(*store::Digest::parse(m->layers[0].digest)).has_value());
}

TEST_F(ToolsTest, LoadsSkopeoDockerArchive) {
  ASSERT_TRUE(sh(fmt::format("{} copy oci:{}/D:t1 docker-archive:{}/x.tar:foo/bar:t1", skopeo(), tmp.path(),
                             tmp.path()),
                 tmp));
  auto loaded = load_file(tmp / "x.tar", store);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ((*loaded)[0].names, std::vector<std::string>{"docker.io/foo/bar:t1"});
  EXPECT_EQ((*loaded)[0].media_type, oci::media::kDockerManifest);
  auto m = oci::parse_manifest(*store.read((*loaded)[0].manifest));
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->layers.size(), 1u);
  auto cfg = oci::parse_image_config(*store.read(*store::Digest::parse(m->config.digest)));
  ASSERT_TRUE(cfg.has_value());
  EXPECT_EQ(cfg->diff_ids.size(), 1u);
}

TEST_F(ToolsTest, SkopeoReadsWhatWeWrite) {
  ASSERT_TRUE(sh(fmt::format("tar -C {0}/D -cf {0}/layout.tar .", tmp.path()), tmp));
  auto loaded = load_file(tmp / "layout.tar", store);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  std::vector<ArchiveEntry> images = {entry((*loaded)[0].manifest, {"docker.io/foo/bar:t1"})};
  {
    UniqueFd out(::open((tmp / "saved.tar").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    ASSERT_TRUE(out.valid());
    auto w = write_image_archive(out.get(), images, store);
    ASSERT_TRUE(w.has_value()) << w.error().message();
  }
  std::string saved = tmp / "saved.tar";
  EXPECT_TRUE(sh(fmt::format("{} inspect docker-archive:{}", skopeo(), saved), tmp));
  EXPECT_TRUE(sh(fmt::format("{} inspect oci-archive:{}", skopeo(), saved), tmp));
  // Copies read and verify every blob.
  EXPECT_TRUE(sh(fmt::format("{} copy docker-archive:{} oci:{}/out1:a", skopeo(), saved, tmp.path()), tmp));
  EXPECT_TRUE(sh(fmt::format("{} copy oci-archive:{}:t1 oci:{}/out2:b", skopeo(), saved, tmp.path()), tmp));
  auto out2 = Json::parse(*read_file(tmp / "out2/index.json"));
  EXPECT_EQ(out2["manifests"][0]["digest"], (*loaded)[0].manifest.to_string());
}

// A legacy archive gets a synthesized Docker manifest; saving that again
// must still be something skopeo reads and verifies.
TEST_F(ToolsTest, SkopeoReadsResavedLegacyImage) {
  ASSERT_TRUE(sh(fmt::format("{} copy oci:{}/D:t1 docker-archive:{}/x.tar:foo/bar:t1", skopeo(), tmp.path(),
                             tmp.path()),
                 tmp));
  auto loaded = load_file(tmp / "x.tar", store);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  {
    UniqueFd out(::open((tmp / "saved.tar").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    auto w = write_image_archive(out.get(), *loaded, store);
    ASSERT_TRUE(w.has_value()) << w.error().message();
  }
  std::string saved = tmp / "saved.tar";
  EXPECT_TRUE(sh(fmt::format("{} copy docker-archive:{} oci:{}/out1:a", skopeo(), saved, tmp.path()), tmp));
  EXPECT_TRUE(sh(fmt::format("{} copy oci-archive:{} oci:{}/out2:b", skopeo(), saved, tmp.path()), tmp));
}

}  // namespace
}  // namespace hako::image
