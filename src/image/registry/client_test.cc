// RegistryClient end to end against FakeRegistry on loopback: auth,
// scheme fallback, manifests, tags and errors. Blob transfers are in
// client_blobs_test.cc.
#include "image/registry/client.h"

#include <gtest/gtest.h>

#include "image/registry/fake_registry.h"

namespace hako::image::registry {

using testing::FakeRegistry;
using testing::ServerResponse;

static const std::string kManifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"})";

// Options for tests: no certs dirs of the machine, a private token cache,
// fast retries.
struct TestClient {
  TokenCache cache;
  std::unique_ptr<RegistryClient> client;

  explicit TestClient(const std::string& host, std::optional<Credentials> creds = std::nullopt) {
    ClientOptions o;
    o.certs_dirs = {};
    o.credentials = std::move(creds);
    o.token_cache = &cache;
    o.retry_delay = std::chrono::milliseconds(1);
    o.connect_timeout = std::chrono::seconds(5);
    auto c = RegistryClient::create(host, o);
    EXPECT_TRUE(c) << c.error().message();
    if (c) client = std::move(*c);
  }
  RegistryClient* operator->() { return client.get(); }
};

TEST(RegistryClient, PingFallsBackToHttpAndAuthenticates) {
  FakeRegistry reg;
  reg.user = "alice";
  reg.password = "secret";
  TestClient c(reg.host(), Credentials{"alice", "secret", ""});
  ASSERT_TRUE(c->insecure());
  auto r = c->ping();
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(c->base_url(), "http://" + reg.host());
  EXPECT_EQ(reg.token_requests, 1);
  EXPECT_NE(reg.last_token_query.find("service=fake"), std::string::npos);
  EXPECT_NE(reg.last_token_query.find("account=alice"), std::string::npos);
}

TEST(RegistryClient, GetsManifestWithBearerTokenCachedPerScope) {
  FakeRegistry reg;
  reg.manifests["v1"] = kManifest;
  TestClient c(reg.host());
  auto m = c->get_manifest("test/app", "v1");
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->bytes, kManifest);
  EXPECT_EQ(m->media_type, "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(m->digest, store::sha256_of(kManifest));
  EXPECT_NE(reg.last_token_query.find("scope=repository%3Atest%2Fapp%3Apull"), std::string::npos)
      << reg.last_token_query;

  auto again = c->get_manifest("test/app", m->digest.to_string());
  ASSERT_FALSE(again);  // not stored under its digest yet
  EXPECT_EQ(again.error().kind(), ErrorKind::NotFound);
  EXPECT_EQ(reg.token_requests, 1);  // the cached token served both

  // Accept lists every manifest type we understand.
  for (const auto& req : reg.server().requests())
    if (req.path == "/v2/test/app/manifests/v1") {
      auto accept = req.headers.get("Accept").value_or("");
      EXPECT_NE(accept.find("application/vnd.oci.image.index.v1+json"), std::string::npos);
      EXPECT_NE(accept.find("application/vnd.docker.distribution.manifest.list.v2+json"), std::string::npos);
    }
}

TEST(RegistryClient, RefreshesARejectedToken) {
  FakeRegistry reg;
  reg.manifests["v1"] = kManifest;
  TestClient c(reg.host());
  ASSERT_TRUE(c->get_manifest("test/app", "v1"));
  reg.token = "rotated";  // the cached token is now refused
  auto m = c->get_manifest("test/app", "v1");
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(reg.token_requests, 2);
}

TEST(RegistryClient, ManifestDigestIsVerified) {
  FakeRegistry reg;
  std::string d = store::sha256_of(kManifest).to_string();
  reg.manifests[d] = kManifest;
  std::string wrong = store::sha256_of("other").to_string();
  reg.manifests[wrong] = kManifest;
  TestClient c(reg.host());
  auto ok = c->get_manifest("test/app", d);
  ASSERT_TRUE(ok) << ok.error().message();
  auto bad = c->get_manifest("test/app", wrong);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), ErrorKind::InvalidArgument);
  EXPECT_NE(bad.error().message().find("digest mismatch"), std::string::npos) << bad.error().message();
}

TEST(RegistryClient, ManifestHeaderDigestMustMatchContent) {
  FakeRegistry reg;
  reg.hook = [&](const testing::ServerRequest& r) -> std::optional<ServerResponse> {
    if (r.path != "/v2/test/app/manifests/v1") return std::nullopt;
    ServerResponse resp;
    resp.body = kManifest;
    resp.header("Content-Type", "application/json");  // generic: the document says what it is
    resp.header("Docker-Content-Digest", store::sha256_of("something else").to_string());
    return resp;
  };
  reg.require_auth = false;
  TestClient c(reg.host());
  auto m = c->get_manifest("test/app", "v1");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind(), ErrorKind::InvalidArgument);
  EXPECT_NE(m.error().message().find("registry says its digest is"), std::string::npos) << m.error().message();
}

TEST(RegistryClient, MediaTypeFromDocumentWhenContentTypeIsGeneric) {
  FakeRegistry reg;
  reg.require_auth = false;
  reg.manifests["idx"] = R"({"schemaVersion":2,"manifests":[]})";
  reg.manifest_type = "text/plain; charset=utf-8";
  TestClient c(reg.host());
  auto m = c->get_manifest("test/app", "idx");
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->media_type, "application/vnd.oci.image.index.v1+json");
}

TEST(RegistryClient, UnknownManifestIsNotFoundInDockersWords) {
  FakeRegistry reg;
  TestClient c(reg.host());
  auto m = c->get_manifest("test/app", "nope");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind(), ErrorKind::NotFound);
  EXPECT_EQ(m.error().message(),
            "manifest for " + reg.host() + "/test/app:nope not found: manifest unknown: manifest unknown");
}

TEST(RegistryClient, WrongPasswordIsPermissionDenied) {
  FakeRegistry reg;
  reg.user = "alice";
  reg.password = "secret";
  reg.manifests["v1"] = kManifest;
  TestClient c(reg.host(), Credentials{"alice", "wrong", ""});
  auto m = c->get_manifest("test/app", "v1");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind(), ErrorKind::PermissionDenied);
  EXPECT_NE(m.error().message().find("incorrect username or password"), std::string::npos) << m.error().message();

  TestClient anonymous(reg.host());
  auto a = anonymous->get_manifest("test/app", "v1");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().kind(), ErrorKind::PermissionDenied);
}

TEST(RegistryClient, RefusedTokenIsPermissionDeniedWithRegistryWords) {
  FakeRegistry reg;
  // The token server hands out a token the registry never accepts.
  reg.hook = [&](const testing::ServerRequest& r) -> std::optional<ServerResponse> {
    if (r.path != "/token") return std::nullopt;
    return testing::json_response(200, R"({"access_token":"useless"})");
  };
  TestClient c(reg.host());
  auto m = c->get_manifest("test/app", "v1");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind(), ErrorKind::PermissionDenied);
  EXPECT_EQ(m.error().message(),
            "fetching manifest for " + reg.host() + "/test/app:v1: unauthorized: authentication required");
}

TEST(RegistryClient, BasicChallengeSendsCredentials) {
  FakeRegistry reg;
  reg.require_auth = false;
  int challenged = 0;
  reg.hook = [&](const testing::ServerRequest& r) -> std::optional<ServerResponse> {
    if (r.headers.get("Authorization") == "Basic " + base64_encode("u:p")) return std::nullopt;
    ++challenged;
    auto resp = testing::json_response(401, "{}");
    resp.header("WWW-Authenticate", R"(Basic realm="fake")");
    return resp;
  };
  reg.manifests["v1"] = kManifest;
  TestClient c(reg.host(), Credentials{"u", "p", ""});
  ASSERT_TRUE(c->get_manifest("test/app", "v1"));
  ASSERT_TRUE(c->get_manifest("test/app", "v1"));
  EXPECT_EQ(challenged, 2);  // the scheme probe and the first request; then Basic is sent up front
}

TEST(RegistryClient, PutsManifestAndListsTagsAcrossPages) {
  FakeRegistry reg;
  TestClient c(reg.host());
  auto d = c->put_manifest("test/app", "v2", kManifest, "application/vnd.oci.image.manifest.v1+json");
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(*d, store::sha256_of(kManifest));
  EXPECT_EQ(reg.manifests["v2"], kManifest);
  EXPECT_EQ(reg.manifest_type, "application/vnd.oci.image.manifest.v1+json");
  // Under a digest that is not its own it is refused before sending.
  auto bad = c->put_manifest("test/app", store::sha256_of("x").to_string(), kManifest, "a/b");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), ErrorKind::InvalidArgument);
  // The push scope was asked for.
  EXPECT_NE(reg.last_token_query.find("pull%2Cpush"), std::string::npos) << reg.last_token_query;

  reg.tags = {"a", "b", "c", "d", "e"};
  auto tags = c->list_tags("test/app");
  ASSERT_TRUE(tags) << tags.error().message();
  EXPECT_EQ(*tags, reg.tags);
}

TEST(RegistryClient, UnreachableRegistryNamesBothAttempts) {
  int port = testing::unused_port();
  TestClient c("127.0.0.1:" + std::to_string(port));
  auto r = c->ping();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Unavailable);
  std::string host = "127.0.0.1:" + std::to_string(port);
  EXPECT_NE(r.error().message().find("GET https://" + host + "/v2/: connection refused"), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("GET http://" + host + "/v2/: connection refused"), std::string::npos)
      << r.error().message();
}

TEST(HttpClient, TransportErrorsNameMethodAndUrl) {
  int port = testing::unused_port();
  HttpClient http;
  Request req;
  req.url = fmt::format("http://127.0.0.1:{}/v2/?secret=1", port);
  auto r = http.send(req);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Unavailable);
  EXPECT_EQ(r.error().message(), fmt::format("GET http://127.0.0.1:{}/v2/: connection refused", port));
}

TEST(HttpClient, HeadersAreCaseInsensitiveAndMultiValued) {
  testing::TestServer server([](const testing::ServerRequest& r) {
    ServerResponse resp;
    resp.body = r.headers.get("x-echo").value_or("none");
    resp.header("Link", "<a>").header("link", "<b>").header("X-One", "1");
    return resp;
  });
  HttpClient http;
  Request req;
  req.url = server.url() + "/";
  req.headers.add("X-Echo", "hi");
  auto r = http.send(req);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->reason, "OK");
  EXPECT_EQ(r->body, "hi");
  EXPECT_EQ(r->headers.get("x-one"), "1");
  EXPECT_EQ(r->headers.get_all("LINK"), (std::vector<std::string>{"<a>", "<b>"}));

  req.max_body = 1;
  auto big = http.send(req);
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message().find("exceeds 1 bytes"), std::string::npos) << big.error().message();
}

}  // namespace hako::image::registry
