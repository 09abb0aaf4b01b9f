#include "store/gc.h"

#include <sys/stat.h>
#include <sys/time.h>

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "store/test_util.h"

namespace hako::store {

using testing::TempDir;

static void make_old(const std::string& path) {
  struct timeval old[2] = {{1000000000, 0}, {1000000000, 0}};
  ASSERT_EQ(::utimes(path.c_str(), old), 0);
}

TEST(Gc, RemovesOnlyUnreferencedBlobsAndStaleIngest) {
  TempDir tmp;
  auto blobs = BlobStore::open(tmp.path());
  auto md = Metadata::open(tmp.path() + "/metadata.db");
  ASSERT_TRUE(blobs && md);
  Digest config = *blobs->put("config"), manifest = *blobs->put("manifest"), layer = *blobs->put("layer");
  Digest garbage1 = *blobs->put("garbage1"), garbage2 = *blobs->put("garbage2");
  ASSERT_TRUE(md->put_layer(LayerRecord{sha256_of("chain").to_string(), sha256_of("diff").to_string(),
                                        layer.to_string(), 5, "/l", std::nullopt}));
  ASSERT_TRUE(md->put_image(ImageRecord{config.to_string(), 1, 5, {sha256_of("chain").to_string()},
                                        {{manifest.to_string(), "m", "linux/amd64"}}, {}}));

  // Ingest: one abandoned, one fresh, one old but still held by a writer.
  { auto w = blobs->resume_write("abandoned"); ASSERT_TRUE(w->write("xx")); }
  { auto w = blobs->resume_write("fresh"); ASSERT_TRUE(w->write("yy")); }
  auto live = blobs->resume_write("live");
  ASSERT_TRUE(live->write("zz"));
  auto ingest = *blobs->list_ingest();
  ASSERT_EQ(ingest.size(), 3u);
  // Age everything, then touch "fresh" again by resuming it.
  for (auto& f : ingest) make_old(f.path);
  { auto w = blobs->resume_write("fresh"); ASSERT_TRUE(w); }

  auto dry = collect_garbage(*md, *blobs, GcOptions{std::chrono::hours(1), true});
  ASSERT_TRUE(dry) << dry.error().message();
  EXPECT_EQ(dry->removed_blobs.size(), 2u);
  EXPECT_EQ(blobs->list()->size(), 5u);

  auto report = collect_garbage(*md, *blobs, GcOptions{std::chrono::hours(1), false});
  ASSERT_TRUE(report) << report.error().message();
  std::vector<Digest> removed = report->removed_blobs;
  std::sort(removed.begin(), removed.end());
  std::vector<Digest> want{garbage1, garbage2};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(removed, want);
  EXPECT_EQ(report->removed_ingest.size(), 1u);
  EXPECT_EQ(report->bytes_freed, 8u + 8u + 2u);
  for (auto& d : {config, manifest, layer}) EXPECT_TRUE(blobs->verify(d)) << d.to_string();
  EXPECT_FALSE(blobs->exists(garbage1));
  EXPECT_EQ(blobs->list_ingest()->size(), 2u);
  EXPECT_EQ(live->offset(), 2u);
  // The abandoned download starts over; the live one is untouched.
  EXPECT_EQ(blobs->resume_write("abandoned")->offset(), 0u);
}

// A writer holding writer_lock() between writing a blob and recording it
// must not lose the blob to a GC that starts in between.
TEST(Gc, WaitsForWritersBetweenBlobAndRow) {
  TempDir tmp;
  auto blobs = BlobStore::open(tmp.path());
  auto md = Metadata::open(tmp.path() + "/metadata.db");
  ASSERT_TRUE(blobs && md);
  std::atomic<bool> blob_written{false};
  Digest written;
  std::thread writer([&] {
    auto lock = writer_lock(tmp.path());
    ASSERT_TRUE(lock);
    written = *blobs->put("racing config");
    blob_written = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto own = Metadata::open(tmp.path() + "/metadata.db");  // its own connection
    ASSERT_TRUE(own->put_image(ImageRecord{written.to_string(), 1, 1, {}, {}, {}}));
  });
  while (!blob_written) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto report = collect_garbage(*md, *blobs);
  writer.join();
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_TRUE(report->removed_blobs.empty());
  EXPECT_TRUE(blobs->verify(written));
}

}  // namespace hako::store
