#include "store/blob_store.h"

#include <sys/stat.h>

#include <thread>

#include <gtest/gtest.h>

#include "store/test_util.h"

namespace hako::store {

using testing::TempDir;

// Files left in ingest/.
static size_t count_files(const std::string& dir) {
  return BlobStore::open(dir)->list_ingest()->size();
}

// The anonymous-write tests run with O_TMPFILE and with named temp files.
class AnonymousWrite : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(BlobStore, AnonymousWrite, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "OTmpfile" : "NamedTemp"; });

TEST_P(AnonymousWrite, PutReadVerify) {
  TempDir tmp;
  auto store = BlobStore::open(tmp.path(), GetParam());
  ASSERT_TRUE(store) << store.error().message();
  auto d = store->put("hello");
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(*d, sha256_of("hello"));
  EXPECT_TRUE(store->exists(*d));
  EXPECT_EQ(store->blob_path(*d), tmp.path() + "/blobs/sha256/" + d->hex);
  EXPECT_EQ(*store->size(*d), 5u);
  EXPECT_EQ(*store->read(*d, true), "hello");
  EXPECT_TRUE(store->verify(*d));
  auto listed = store->list();
  ASSERT_TRUE(listed);
  EXPECT_EQ(*listed, std::vector<Digest>{*d});
  // Putting the same content again is a no-op that succeeds.
  EXPECT_EQ(*store->put("hello"), *d);
  EXPECT_EQ(count_files(tmp.path()), 0u);
  EXPECT_TRUE(*store->remove(*d));
  EXPECT_FALSE(*store->remove(*d));
  EXPECT_EQ(store->read(*d).error().kind(), ErrorKind::NotFound);
  EXPECT_EQ(store->size(*d).error().kind(), ErrorKind::NotFound);
}

TEST(BlobStore, VerifyOnReadCatchesCorruption) {
  TempDir tmp;
  auto store = BlobStore::open(tmp.path());
  auto d = *store->put("original");
  ::chmod(store->blob_path(d).c_str(), 0644);
  ASSERT_TRUE(write_file(store->blob_path(d), "tampered"));
  EXPECT_EQ(*store->read(d, false), "tampered");
  auto r = store->read(d, true);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Internal);
  EXPECT_FALSE(store->verify(d));
}

TEST_P(AnonymousWrite, DigestMismatchLeavesNothing) {
  TempDir tmp;
  auto store = BlobStore::open(tmp.path(), GetParam());
  Digest expected = sha256_of("expected");
  auto r = store->put("actual", expected);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::InvalidArgument);
  EXPECT_NE(r.error().message().find(expected.to_string()), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find(sha256_of("actual").to_string()), std::string::npos);
  EXPECT_TRUE(store->list()->empty());
  EXPECT_EQ(count_files(tmp.path()), 0u);

  // Size mismatch on a resumable ingest also drops its data.
  auto w = store->resume_write("ref");
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->write("abc"));
  auto c = w->commit(sha256_of("abc"), 4);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind(), ErrorKind::InvalidArgument);
  EXPECT_NE(c.error().message().find("expected 4 bytes, got 3"), std::string::npos) << c.error().message();
  EXPECT_TRUE(store->list()->empty());
  EXPECT_EQ(count_files(tmp.path()), 0u);
}

TEST(BlobStore, ResumeIngestRehashesPrefix) {
  TempDir tmp;
  auto store = BlobStore::open(tmp.path());
  std::string content(200000, 'x');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>('a' + i % 26);
  Digest expected = sha256_of(content);
  {
    auto w = store->resume_write(expected.to_string());
    ASSERT_TRUE(w) << w.error().message();
    EXPECT_EQ(w->offset(), 0u);
    ASSERT_TRUE(w->write(std::string_view(content).substr(0, 70000)));
    // A second writer for the same ref is refused while the first lives.
    auto other = store->resume_write(expected.to_string());
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().kind(), ErrorKind::Conflict);
  }  // dropped without commit: the "download" was killed
  EXPECT_EQ(count_files(tmp.path()), 1u);
  auto w = store->resume_write(expected.to_string());
  ASSERT_TRUE(w) << w.error().message();
  EXPECT_EQ(w->offset(), 70000u);
  ASSERT_TRUE(w->write(std::string_view(content).substr(w->offset())));
  auto d = w->commit(expected, content.size());
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(*store->read(expected, true), content);
  EXPECT_EQ(count_files(tmp.path()), 0u);
  // After commit the ref starts fresh.
  EXPECT_EQ(store->resume_write(expected.to_string())->offset(), 0u);
  EXPECT_TRUE(store->abort_ingest(expected.to_string()));
  EXPECT_EQ(count_files(tmp.path()), 0u);
}

TEST_P(AnonymousWrite, AbortDropsAnonymousWrite) {
  TempDir tmp;
  auto store = BlobStore::open(tmp.path(), GetParam());
  {
    auto w = store->begin_write();
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->write("partial"));
  }
  {
    auto w = store->resume_write("x");
    ASSERT_TRUE(w->write("partial"));
    w->abort();
  }
  EXPECT_EQ(count_files(tmp.path()), 0u);
  EXPECT_TRUE(store->list()->empty());
}

TEST_P(AnonymousWrite, ConcurrentWritersOfTheSameBlob) {
  TempDir tmp;
  auto store = BlobStore::open(tmp.path(), GetParam());
  std::string content(1 << 20, 'q');
  Digest expected = sha256_of(content);
  constexpr int kWriters = 8;
  std::vector<std::thread> threads;
  std::vector<int> ok(kWriters, 0);
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      auto w = store->begin_write();
      if (!w) return;
      for (size_t off = 0; off < content.size(); off += 4096) {
        if (!w->write(std::string_view(content).substr(off, 4096))) return;
      }
      auto d = w->commit(expected, content.size());
      ok[i] = d && *d == expected;
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kWriters; ++i) EXPECT_TRUE(ok[i]) << "writer " << i;
  EXPECT_EQ(*store->list(), std::vector<Digest>{expected});
  EXPECT_TRUE(store->verify(expected));
  EXPECT_EQ(count_files(tmp.path()), 0u);
}

}  // namespace hako::store
