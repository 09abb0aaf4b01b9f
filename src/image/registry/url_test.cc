#include "image/registry/url.h"

#include <gtest/gtest.h>

namespace hako::image::registry {

TEST(Url, SplitsAbsoluteUrls) {
  UrlParts p;
  ASSERT_TRUE(split_url("HTTPS://[::1]:5000/v2/x?a=b#frag", p));
  EXPECT_EQ(p.scheme, "https");
  EXPECT_EQ(p.authority, "[::1]:5000");
  EXPECT_EQ(p.path, "/v2/x");
  EXPECT_EQ(p.query, "a=b");
  ASSERT_TRUE(split_url("http://h", p));
  EXPECT_EQ(p.path, "/");
  EXPECT_FALSE(split_url("/v2/", p));
  EXPECT_FALSE(split_url("http:///x", p));
}

// The Location forms registries send for upload sessions and redirects.
TEST(Url, ResolvesLocations) {
  const std::string base = "https://reg:5000/v2/app/blobs/uploads/";
  EXPECT_EQ(resolve_url(base, "/v2/app/blobs/uploads/abc?_state=x"), "https://reg:5000/v2/app/blobs/uploads/abc?_state=x");
  EXPECT_EQ(resolve_url(base, "https://storage.example/up/1?sig=2"), "https://storage.example/up/1?sig=2");
  EXPECT_EQ(resolve_url(base, "//cdn.example/p"), "https://cdn.example/p");
  EXPECT_EQ(resolve_url(base, "abc"), "https://reg:5000/v2/app/blobs/uploads/abc");
  EXPECT_EQ(resolve_url("https://reg/v2/app/blobs/x", "uploads/abc"), "https://reg/v2/app/blobs/uploads/abc");
  EXPECT_EQ(resolve_url("https://reg/v2/a/b/c", "../d"), "https://reg/v2/a/d");
  EXPECT_EQ(resolve_url("https://reg/v2/a/b/c", "./d/../e"), "https://reg/v2/a/b/e");
  EXPECT_EQ(resolve_url("https://reg/v2/a?x=1", "?y=2"), "https://reg/v2/a?y=2");
  EXPECT_EQ(resolve_url("https://reg/v2/a?x=1", ""), "https://reg/v2/a?x=1");
  EXPECT_EQ(resolve_url("https://reg/a", "/../../x"), "https://reg/x");
  EXPECT_EQ(resolve_url("not a url", "/x"), "");
}

TEST(Url, OriginsCompareSchemeHostAndPort) {
  EXPECT_EQ(url_origin("https://Reg.Example/v2/"), "https://reg.example:443");
  EXPECT_EQ(url_origin("https://reg.example:443/x"), "https://reg.example:443");
  EXPECT_EQ(url_origin("http://reg.example/x"), "http://reg.example:80");
  EXPECT_EQ(url_origin("http://[::1]/x"), "http://[::1]:80");
  EXPECT_EQ(url_origin("http://[::1]:5000/x"), "http://[::1]:5000");
  EXPECT_NE(url_origin("https://reg:5000/"), url_origin("https://reg:5001/"));
  EXPECT_NE(url_origin("https://reg/"), url_origin("http://reg/"));
  EXPECT_EQ(url_origin("relative/path"), "");
}

TEST(Url, AppendsQueryKeepingExistingState) {
  EXPECT_EQ(append_query("https://r/v2/up/1", "digest", "sha256:ab"), "https://r/v2/up/1?digest=sha256%3Aab");
  EXPECT_EQ(append_query("https://r/v2/up/1?_state=a%2Bb", "digest", "d"), "https://r/v2/up/1?_state=a%2Bb&digest=d");
  EXPECT_EQ(append_query("https://r/x?", "k", "v"), "https://r/x?k=v");
  EXPECT_EQ(percent_encode("repository:a/b:pull,push"), "repository%3Aa%2Fb%3Apull%2Cpush");
}

}  // namespace hako::image::registry
