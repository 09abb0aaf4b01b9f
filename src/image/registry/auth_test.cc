#include "image/registry/auth.h"

#include <gtest/gtest.h>

#include "image/registry/errors.h"

namespace hako::image::registry {

TEST(WwwAuthenticate, ParsesBearer) {
  auto c = parse_www_authenticate(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "bearer");
  EXPECT_EQ(c[0].param("realm"), "https://auth.docker.io/token");
  EXPECT_EQ(c[0].param("service"), "registry.docker.io");
  EXPECT_EQ(c[0].param("scope"), "repository:library/busybox:pull");
}

TEST(WwwAuthenticate, ParsesBasicAndLooseSpacing) {
  auto c = parse_www_authenticate(R"(Basic realm=Registry)");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "basic");
  EXPECT_EQ(c[0].param("realm"), "Registry");

  c = parse_www_authenticate(R"(  BEARER  Realm = "x" ,  Service="y\"z" )");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "bearer");
  EXPECT_EQ(c[0].param("realm"), "x");
  EXPECT_EQ(c[0].param("service"), "y\"z");
}

TEST(WwwAuthenticate, ParsesSeveralChallengesInOneField) {
  auto c = parse_www_authenticate(R"(Bearer realm="a",scope="s1 s2", Basic realm="b", Negotiate)");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].scheme, "bearer");
  EXPECT_EQ(c[0].param("scope"), "s1 s2");
  EXPECT_EQ(c[1].scheme, "basic");
  EXPECT_EQ(c[1].param("realm"), "b");
  EXPECT_EQ(c[2].scheme, "negotiate");
  EXPECT_TRUE(c[2].params.empty());
}

TEST(WwwAuthenticate, ToleratesJunk) {
  EXPECT_TRUE(parse_www_authenticate("").empty());
  EXPECT_TRUE(parse_www_authenticate("@@@").empty());
  auto c = parse_www_authenticate(R"(Bearer realm="unterminated)");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].param("realm"), "unterminated");
  c = parse_www_authenticate("Negotiate dG9rZW4=, Basic realm=r");
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c[0].scheme, "negotiate");
}

TEST(WwwAuthenticate, CollectsEveryHeaderField) {
  Headers h;
  h.add("WWW-Authenticate", R"(Basic realm="r")");
  h.add("www-authenticate", R"(Bearer realm="t")");
  auto c = challenges_of(h);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1].scheme, "bearer");
}

TEST(TokenResponse, AcceptsTokenOrAccessToken) {
  auto now = std::chrono::steady_clock::now();
  auto t = parse_token_response(R"({"token":"abc","expires_in":300})", now);
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->token, "abc");
  EXPECT_GT(t->expires, now + std::chrono::seconds(200));
  t = parse_token_response(R"({"access_token":"xyz"})", now);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->token, "xyz");
  // The spec's minimum lifetime applies to a too-short expires_in.
  t = parse_token_response(R"({"token":"abc","expires_in":1})", now);
  ASSERT_TRUE(t);
  EXPECT_GT(t->expires, now + std::chrono::seconds(30));
  EXPECT_FALSE(parse_token_response(R"({"expires_in":300})", now));
  EXPECT_FALSE(parse_token_response("not json", now));
}

TEST(TokenCache, ExpiresAndDrops) {
  TokenCache cache;
  auto now = std::chrono::steady_clock::now();
  cache.put("k", "Bearer a", now + std::chrono::hours(1));
  cache.put("old", "Bearer b", now - std::chrono::seconds(1));
  EXPECT_EQ(cache.get("k"), "Bearer a");
  EXPECT_FALSE(cache.get("old"));
  cache.drop("k");
  EXPECT_FALSE(cache.get("k"));
}

TEST(RegistryErrors, RendersLikeDocker) {
  std::string body = R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]})";
  EXPECT_EQ(describe_error_body(body), "unauthorized: authentication required");
  Response r;
  r.status = 401;
  r.body = body;
  Error e = response_error(r, "fetching manifest for x");
  EXPECT_EQ(e.kind(), ErrorKind::PermissionDenied);
  EXPECT_EQ(e.message(), "fetching manifest for x: unauthorized: authentication required");

  r.status = 404;
  r.body = R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})";
  e = response_error(r, "manifest for x not found");
  EXPECT_EQ(e.kind(), ErrorKind::NotFound);
  EXPECT_EQ(e.message(), "manifest for x not found: manifest unknown: manifest unknown");

  // A code says more than a status some proxies rewrite.
  r.status = 400;
  r.body = R"({"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]})";
  EXPECT_EQ(response_error(r, "w").kind(), ErrorKind::NotFound);

  r.status = 503;
  r.reason = "Service Unavailable";
  r.body = "<html>busy</html>";
  e = response_error(r, "w");
  EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
  EXPECT_EQ(e.message(), "w: unexpected HTTP status 503 Service Unavailable");

  r.status = 401;
  r.body = R"({"details":"incorrect username or password"})";
  EXPECT_EQ(response_error(r, "login").message(), "login: incorrect username or password");
  r.body.clear();
  EXPECT_EQ(response_error(r, "HEAD").message(), "HEAD: unauthorized: authentication required");
}

TEST(Scopes, NameRepositoryAndActions) {
  EXPECT_EQ(repository_scope("library/busybox", false), "repository:library/busybox:pull");
  EXPECT_EQ(repository_scope("a/b", true), "repository:a/b:pull,push");
}

}  // namespace hako::image::registry
