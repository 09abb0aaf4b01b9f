// Crash safety: a writer SIGKILLed at random moments must leave a database
// that passes integrity_check and a blobs/ directory with no torn files.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

#include <gtest/gtest.h>

#include "store/blob_store.h"
#include "store/gc.h"
#include "store/metadata.h"
#include "store/test_util.h"

namespace hako::store {

using testing::TempDir;

// The child: write a blob, then the image row that references it, forever.
[[noreturn]] static void write_forever(const std::string& root, unsigned seed) {
  // Alternate rounds use named temp files, which a kill leaves in ingest/.
  auto blobs = BlobStore::open(root, seed % 2 == 0);
  auto md = Metadata::open(root + "/metadata.db");
  if (!blobs || !md) ::_exit(2);
  std::mt19937 rng(seed);
  for (int i = 0;; ++i) {
    std::string content(std::uniform_int_distribution<size_t>(1, 256 * 1024)(rng), '\0');
    for (auto& c : content) c = static_cast<char>(rng());
    auto lock = writer_lock(root);
    if (!lock) ::_exit(3);
    auto w = blobs->begin_write();
    if (!w) ::_exit(4);
    // Several writes, so kills land mid-blob too.
    for (size_t off = 0; off < content.size(); off += 16384) {
      if (!w->write(std::string_view(content).substr(off, 16384))) ::_exit(5);
    }
    auto d = w->commit();
    if (!d) ::_exit(6);
    auto tx = md->transaction();
    if (!tx) ::_exit(7);
    if (!md->put_image(ImageRecord{d->to_string(), i, static_cast<int64_t>(content.size()), {}, {}, {}})) ::_exit(8);
    if (!md->tag(fmt::format("crash:{}-{}", seed, i), d->to_string())) ::_exit(9);
    if (!tx->commit()) ::_exit(10);
  }
}

TEST(CrashSafety, SigkillDuringWritesLeavesConsistentState) {
  TempDir tmp;
  std::random_device rd;
  unsigned seed = rd();
  SCOPED_TRACE(fmt::format("seed {}", seed));
  std::mt19937 rng(seed);
  for (int round = 0; round < 6; ++round) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) write_forever(tmp.path(), seed + static_cast<unsigned>(round));
    auto delay = std::uniform_int_distribution<int>(30, 250)(rng);
    ::usleep(static_cast<useconds_t>(delay) * 1000);
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status);
  }

  auto md = Metadata::open(tmp.path() + "/metadata.db");
  ASSERT_TRUE(md) << md.error().message();
  EXPECT_EQ(*md->integrity_check(), "ok");
  auto blobs = BlobStore::open(tmp.path());
  auto all = blobs->list();
  ASSERT_TRUE(all);
  for (const auto& d : *all) EXPECT_TRUE(blobs->verify(d)) << "torn blob " << d.to_string();
  // Every committed row's blob is there: it was fsynced before the row.
  auto images = md->list_images();
  ASSERT_TRUE(images);
  EXPECT_GT(images->size(), 0u);
  for (const auto& image : *images) {
    auto d = Digest::parse(image.id);
    ASSERT_TRUE(d);
    EXPECT_EQ(static_cast<int64_t>(*blobs->size(*d)), image.size);
    EXPECT_EQ(image.names.size(), 1u);
  }
  // Blobs written but never recorded (killed between commit and row) are
  // exactly what GC collects.
  auto report = collect_garbage(*md, *blobs, GcOptions{std::chrono::seconds(0), false});
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_EQ(blobs->list()->size(), images->size());
  EXPECT_TRUE(blobs->list_ingest()->empty());
}

}  // namespace hako::store
