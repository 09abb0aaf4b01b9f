// RegistryClient blob transfers against FakeRegistry: resume after a
// dropped connection, Range ignored, digest mismatch, retries, redirects,
// mounts and uploads.
#include <fcntl.h>

#include <gtest/gtest.h>

#include "base/files.h"
#include "image/registry/client.h"
#include "image/registry/fake_registry.h"
#include "store/test_util.h"

namespace hako::image::registry {

using testing::FakeRegistry;
using testing::ServerRequest;
using testing::ServerResponse;

namespace {

struct Fixture {
  store::testing::TempDir tmp;
  store::BlobStore store = *store::BlobStore::open(tmp.path());
  FakeRegistry reg;
  TokenCache cache;
  std::unique_ptr<RegistryClient> client;
  std::string data;
  store::Digest digest;

  explicit Fixture(size_t size = 300000) {
    for (size_t i = 0; i < size; ++i) data += static_cast<char>('a' + (i * 7 + i / 13) % 26);
    digest = *store::Digest::parse(reg.put_digest(data));
    ClientOptions o;
    o.certs_dirs = {};
    o.token_cache = &cache;
    o.retry_delay = std::chrono::milliseconds(1);
    client = std::move(*RegistryClient::create(reg.host(), o));
  }

  Result<store::Digest> fetch(store::BlobWriter& w, const ByteProgress& progress = {},
                              const std::atomic<bool>* cancel = nullptr) {
    return client->fetch_blob("test/app", digest, data.size(), w, progress, cancel);
  }

  // GETs of the blob the registry saw, with their Range headers.
  std::vector<std::string> blob_gets() {
    std::vector<std::string> out;
    for (const auto& r : reg.server().requests())
      if (r.method == "GET" && r.path == "/v2/test/app/blobs/" + digest.to_string() &&
          r.headers.get("Authorization"))
        out.push_back(r.headers.get("Range").value_or(""));
    return out;
  }
};

}  // namespace

TEST(RegistryBlobs, ResumesWithRangeAfterDroppedConnection) {
  Fixture f;
  bool dropped = false;
  f.reg.hook = [&](const ServerRequest& r) -> std::optional<ServerResponse> {
    if (dropped || r.method != "GET" || !r.path.ends_with(f.digest.to_string()) || !r.headers.get("Authorization"))
      return std::nullopt;
    dropped = true;
    ServerResponse resp;
    resp.body = f.data;
    resp.truncate_after = 100000;  // Content-Length promises all of it
    return resp;
  };
  auto w = f.store.resume_write(f.digest.to_string());
  ASSERT_TRUE(w) << w.error().message();
  uint64_t last = 0;
  auto d = f.fetch(*w, [&](uint64_t cur, uint64_t total) {
    EXPECT_EQ(total, f.data.size());
    EXPECT_GE(cur, last);
    last = cur;
  });
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(*d, f.digest);
  EXPECT_EQ(last, f.data.size());
  EXPECT_EQ(*f.store.read(f.digest, true), f.data);
  EXPECT_EQ(f.blob_gets(), (std::vector<std::string>{"", "bytes=100000-"}));
}

TEST(RegistryBlobs, SkipsThePrefixWhenRangeIsIgnored) {
  Fixture f;
  {
    auto w = f.store.resume_write(f.digest.to_string());
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->write(std::string_view(f.data).substr(0, 1234)));
  }  // dropped uncommitted: a ref-keyed ingest survives
  f.reg.hook = [&](const ServerRequest& r) -> std::optional<ServerResponse> {
    if (r.method != "GET" || !r.path.ends_with(f.digest.to_string()) || !r.headers.get("Authorization"))
      return std::nullopt;
    ServerResponse resp;  // 200 with everything, Range or not
    resp.body = f.data;
    return resp;
  };
  auto w = f.store.resume_write(f.digest.to_string());
  ASSERT_TRUE(w);
  EXPECT_EQ(w->offset(), 1234u);
  auto d = f.fetch(*w);
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(*f.store.read(f.digest, true), f.data);
  EXPECT_EQ(f.blob_gets(), (std::vector<std::string>{"bytes=1234-"}));
}

TEST(RegistryBlobs, DigestMismatchFailsWithoutRetry) {
  Fixture f;
  std::string corrupt = f.data;
  corrupt[5000] ^= 1;
  f.reg.blobs[f.digest.to_string()] = corrupt;
  auto w = f.store.begin_write();
  ASSERT_TRUE(w);
  auto d = f.fetch(*w);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind(), ErrorKind::InvalidArgument);
  EXPECT_NE(d.error().message().find("digest mismatch"), std::string::npos) << d.error().message();
  EXPECT_FALSE(f.store.exists(f.digest));
  EXPECT_EQ(f.blob_gets().size(), 1u);
}

TEST(RegistryBlobs, OversizedBlobIsRefused) {
  Fixture f(1000);
  f.reg.blobs[f.digest.to_string()] = f.data + "trailing junk";
  auto w = f.store.begin_write();
  auto d = f.fetch(*w);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind(), ErrorKind::InvalidArgument);
  EXPECT_NE(d.error().message().find("more than the 1000 bytes"), std::string::npos) << d.error().message();
}

TEST(RegistryBlobs, RetriesServerErrorsThenGivesUp) {
  Fixture f;
  int failures = 1;
  f.reg.hook = [&](const ServerRequest& r) -> std::optional<ServerResponse> {
    if (r.path.find("/blobs/sha256:") == std::string::npos || !r.headers.get("Authorization") || failures == 0)
      return std::nullopt;
    --failures;
    return testing::json_response(503, R"({"errors":[{"code":"UNAVAILABLE","message":"try later"}]})");
  };
  auto w = f.store.begin_write();
  auto d = f.fetch(*w);
  ASSERT_TRUE(d) << d.error().message();

  Fixture g;
  int served = 0;
  g.reg.hook = [&](const ServerRequest& r) -> std::optional<ServerResponse> {
    if (!r.path.ends_with(g.digest.to_string()) || !r.headers.get("Authorization")) return std::nullopt;
    ++served;
    ServerResponse resp;  // always cut short, and Range is ignored
    resp.body = g.data;
    resp.truncate_after = 10;
    return resp;
  };
  auto w2 = g.store.begin_write();
  auto e = g.fetch(*w2);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind(), ErrorKind::Unavailable);
  EXPECT_EQ(served, 3);  // the first try and transfer_retries (2) more
  EXPECT_NE(e.error().message().find("fetching blob " + g.digest.to_string()), std::string::npos)
      << e.error().message();
}

TEST(RegistryBlobs, RedirectToStorageDropsAuthorization) {
  Fixture f;
  std::optional<std::string> storage_auth = "unset";
  testing::TestServer storage([&](const ServerRequest& r) {
    storage_auth = r.headers.get("Authorization");
    ServerResponse resp;
    resp.body = f.data;
    return resp;
  });
  f.reg.hook = [&](const ServerRequest& r) -> std::optional<ServerResponse> {
    if (r.method != "GET" || !r.path.ends_with(f.digest.to_string()) || !r.headers.get("Authorization"))
      return std::nullopt;
    ServerResponse resp;
    resp.status = 307;
    resp.header("Location", storage.url() + "/bucket/blob?signature=abc");
    return resp;
  };
  auto w = f.store.begin_write();
  auto d = f.fetch(*w);
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_FALSE(storage_auth.has_value()) << *storage_auth;
  auto reqs = storage.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].target, "/bucket/blob?signature=abc");
}

TEST(RegistryBlobs, CancelStopsAFetch) {
  Fixture f;
  std::atomic<bool> cancel{true};
  auto w = f.store.begin_write();
  auto d = f.fetch(*w, {}, &cancel);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message().find("cancelled"), std::string::npos) << d.error().message();
}

TEST(RegistryBlobs, ThrowingProgressCallbackBecomesAnError) {
  Fixture f;
  auto w = f.store.begin_write();
  auto d = f.fetch(*w, [](uint64_t, uint64_t) { throw std::runtime_error("display broke"); });
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind(), ErrorKind::Internal);
  EXPECT_NE(d.error().message().find("display broke"), std::string::npos) << d.error().message();
  EXPECT_EQ(f.blob_gets().size(), 1u);  // not retried
}

TEST(RegistryBlobs, ExistsAndMount) {
  Fixture f;
  auto yes = f.client->blob_exists("test/app", f.digest);
  ASSERT_TRUE(yes) << yes.error().message();
  EXPECT_TRUE(*yes);
  auto no = f.client->blob_exists("test/app", store::sha256_of("absent"));
  ASSERT_TRUE(no) << no.error().message();
  EXPECT_FALSE(*no);

  f.reg.mountable[f.digest.to_string()] = "base/image";
  auto mounted = f.client->mount_blob("test/app", f.digest, "base/image");
  ASSERT_TRUE(mounted) << mounted.error().message();
  EXPECT_TRUE(*mounted);
  EXPECT_NE(f.reg.last_token_query.find("scope=repository%3Abase%2Fimage%3Apull"), std::string::npos);
  auto declined = f.client->mount_blob("test/app", f.digest, "elsewhere");
  ASSERT_TRUE(declined) << declined.error().message();
  EXPECT_FALSE(*declined);
  auto reqs = f.reg.server().requests();
  EXPECT_EQ(reqs.back().method, "DELETE");  // the unwanted session is cancelled
  EXPECT_EQ(reqs.back().path, "/v2/test/app/blobs/uploads/session-1");
}

// Several transfers on one client, as a pull runs them: each takes its own
// HTTP handle from the pool and the token is shared.
TEST(RegistryBlobs, ConcurrentFetchesShareOneClient) {
  Fixture f(1000);
  std::vector<std::pair<store::Digest, std::string>> blobs;
  for (int i = 0; i < 8; ++i) {
    std::string data = fmt::format("layer {} ", i) + std::string(50000 + i, static_cast<char>('a' + i));
    blobs.emplace_back(*store::Digest::parse(f.reg.put_digest(data)), data);
  }
  std::vector<TransferJob> jobs;
  std::atomic<int> progress_calls{0};
  for (const auto& [digest, data] : blobs)
    jobs.push_back([&, digest = digest, size = data.size()](const std::atomic<bool>& cancelled) -> Result<> {
      TRY_ASSIGN(auto w, f.store.resume_write(digest.to_string()));
      TRY(f.client->fetch_blob("test/app", digest, size, w, [&](uint64_t, uint64_t) { ++progress_calls; },
                               &cancelled));
      return {};
    });
  auto r = run_transfers(std::move(jobs), 3);
  ASSERT_TRUE(r) << r.error().message();
  for (const auto& [digest, data] : blobs) EXPECT_EQ(*f.store.read(digest, true), data);
  EXPECT_GT(progress_calls.load(), 0);
  EXPECT_LE(f.reg.token_requests, 3);  // at most one per thread racing the first 401
}

static void upload_roundtrip(bool absolute) {
  Fixture f;
  f.reg.blobs.clear();
  f.reg.absolute_upload_location = absolute;
  std::string path = f.tmp.path() + "/layer";
  ASSERT_TRUE(write_file(path, f.data));
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(fd);
  uint64_t last = 0;
  auto r = f.client->upload_blob("test/app", f.digest, fd.get(), f.data.size(),
                                 [&](uint64_t cur, uint64_t) { last = cur; });
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(f.reg.blobs[f.digest.to_string()], f.data);
  EXPECT_EQ(last, f.data.size());
  bool saw_put = false;
  for (const auto& req : f.reg.server().requests())
    if (req.method == "PUT" && req.headers.get("Authorization")) {
      saw_put = true;
      // The session's own query survives, the digest is appended.
      EXPECT_EQ(req.query, "_state=s%2B1&digest=sha256%3A" + f.digest.hex);
      EXPECT_EQ(req.headers.get("Content-Type"), "application/octet-stream");
    }
  EXPECT_TRUE(saw_put);
}

TEST(RegistryBlobs, UploadsWithRelativeLocation) { upload_roundtrip(false); }
TEST(RegistryBlobs, UploadsWithAbsoluteLocation) { upload_roundtrip(true); }

TEST(RegistryBlobs, UploadOfWrongContentFailsWithRegistryWords) {
  Fixture f;
  std::string path = f.tmp.path() + "/layer";
  ASSERT_TRUE(write_file(path, "not the blob"));
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  auto r = f.client->upload_blob("test/app", f.digest, fd.get(), 12);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Unavailable);
  EXPECT_NE(r.error().message().find("digest invalid: provided digest did not match"), std::string::npos)
      << r.error().message();
}

}  // namespace hako::image::registry
