#include "image/reference.h"

#include <gtest/gtest.h>

namespace hako::image {
namespace {

const std::string kHex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kDigest = "sha256:" + kHex64;

struct Valid {
  std::string input;
  std::string domain, path, tag, digest;
  std::string familiar;  // familiar_string() of the parse_reference result
};

class ValidReference : public ::testing::TestWithParam<Valid> {};

TEST_P(ValidReference, ParsesLikeDocker) {
  const Valid& v = GetParam();
  auto r = parse_reference(v.input);
  ASSERT_TRUE(r) << v.input << ": " << r.error().message();
  EXPECT_EQ(r->domain, v.domain) << v.input;
  EXPECT_EQ(r->path, v.path) << v.input;
  EXPECT_EQ(r->tag, v.tag) << v.input;
  EXPECT_EQ(r->digest, v.digest) << v.input;
  EXPECT_EQ(r->familiar_string(), v.familiar) << v.input;
  // The full string form must parse back to the same reference.
  auto again = parse_reference(r->string());
  ASSERT_TRUE(again) << r->string();
  EXPECT_EQ(*again, *r);
  auto familiar_again = parse_reference(r->familiar_string());
  ASSERT_TRUE(familiar_again) << r->familiar_string();
  EXPECT_EQ(*familiar_again, *r);
}

INSTANTIATE_TEST_SUITE_P(
    Docker, ValidReference,
    ::testing::Values(
        Valid{"busybox", "docker.io", "library/busybox", "latest", "", "busybox:latest"},
        Valid{"busybox:1.36", "docker.io", "library/busybox", "1.36", "", "busybox:1.36"},
        Valid{"library/busybox", "docker.io", "library/busybox", "latest", "", "busybox:latest"},
        Valid{"docker.io/library/busybox:latest", "docker.io", "library/busybox", "latest", "",
              "busybox:latest"},
        Valid{"docker.io/foo", "docker.io", "library/foo", "latest", "", "foo:latest"},
        Valid{"index.docker.io/foo", "docker.io", "library/foo", "latest", "", "foo:latest"},
        Valid{"index.docker.io/user/app:v1", "docker.io", "user/app", "v1", "", "user/app:v1"},
        Valid{"user/app", "docker.io", "user/app", "latest", "", "user/app:latest"},
        Valid{"foo/bar/baz", "docker.io", "foo/bar/baz", "latest", "", "foo/bar/baz:latest"},
        // "library/" is only dropped for one-component official names.
        Valid{"library/a/b", "docker.io", "library/a/b", "latest", "", "library/a/b:latest"},
        Valid{"localhost/foo", "localhost", "foo", "latest", "", "localhost/foo:latest"},
        Valid{"localhost:5000/foo/bar:tag", "localhost:5000", "foo/bar", "tag", "",
              "localhost:5000/foo/bar:tag"},
        Valid{"127.0.0.1:5000/a@" + kDigest, "127.0.0.1:5000", "a", "", kDigest,
              "127.0.0.1:5000/a@" + kDigest},
        Valid{"[::1]:5000/a", "[::1]:5000", "a", "latest", "", "[::1]:5000/a:latest"},
        Valid{"[2001:db8::1]/a", "[2001:db8::1]", "a", "latest", "",
              "[2001:db8::1]/a:latest"},
        Valid{"quay.io/coreos/etcd:v3.5.0", "quay.io", "coreos/etcd", "v3.5.0", "",
              "quay.io/coreos/etcd:v3.5.0"},
        Valid{"ghcr.io/a-b/c_d.e__f---g:T_ag-1.0", "ghcr.io", "a-b/c_d.e__f---g", "T_ag-1.0", "",
              "ghcr.io/a-b/c_d.e__f---g:T_ag-1.0"},
        // An uppercase first component is a registry, as in Docker.
        Valid{"Foo.Example.com/bar", "Foo.Example.com", "bar", "latest", "",
              "Foo.Example.com/bar:latest"},
        Valid{"Foo/bar", "Foo", "bar", "latest", "", "Foo/bar:latest"},
        // "localhost:5000" with no slash is repository localhost, tag 5000.
        Valid{"localhost:5000", "docker.io", "library/localhost", "5000", "", "localhost:5000"},
        Valid{"busybox@" + kDigest, "docker.io", "library/busybox", "", kDigest,
              "busybox@" + kDigest},
        Valid{"busybox:1.36@" + kDigest, "docker.io", "library/busybox", "1.36", kDigest,
              "busybox:1.36@" + kDigest},
        Valid{"a:_tag", "docker.io", "library/a", "_tag", "", "a:_tag"},
        Valid{"a:" + std::string(128, 'x'), "docker.io", "library/a", std::string(128, 'x'), "",
              "a:" + std::string(128, 'x')},
        // Not every 64-hex-digit string is refused: with a tag it is a name.
        Valid{kHex64 + ":tag", "docker.io", "library/" + kHex64, "tag", "", kHex64 + ":tag"},
        Valid{"a@sha512:" + std::string(128, 'e'), "docker.io", "library/a", "",
              "sha512:" + std::string(128, 'e'), "a@sha512:" + std::string(128, 'e')},
        // Unregistered algorithms are accepted per the OCI grammar.
        Valid{"a@multihash+base58:" + std::string(32, 'Q'), "docker.io", "library/a", "",
              "multihash+base58:" + std::string(32, 'Q'),
              "a@multihash+base58:" + std::string(32, 'Q')}));

struct Invalid {
  std::string input;
  std::string message;
};

class InvalidReference : public ::testing::TestWithParam<Invalid> {};

TEST_P(InvalidReference, RefusedWithDockersMessage) {
  const Invalid& v = GetParam();
  auto r = parse_reference(v.input);
  ASSERT_FALSE(r) << v.input << " parsed as " << r->string();
  EXPECT_EQ(r.error().kind(), ErrorKind::InvalidArgument);
  EXPECT_EQ(r.error().message(), v.message) << v.input;
}

const std::string kFormat = "invalid reference format";

INSTANTIATE_TEST_SUITE_P(
    Docker, InvalidReference,
    ::testing::Values(
        Invalid{"", kFormat}, Invalid{"a//b", kFormat}, Invalid{"a/", kFormat},
        Invalid{"/a", kFormat}, Invalid{"a:", kFormat}, Invalid{":tag", kFormat},
        Invalid{"@" + kDigest, kFormat}, Invalid{"a@", kFormat},
        Invalid{"a@sha256:short", kFormat}, Invalid{"a@sha256", kFormat},
        Invalid{"a@:" + kHex64, kFormat}, Invalid{"a:tag@", kFormat},
        Invalid{"a@" + kDigest + "@" + kDigest, kFormat},
        Invalid{"a:b:c", kFormat}, Invalid{"a:.tag", kFormat}, Invalid{"a:-tag", kFormat},
        Invalid{"a:" + std::string(129, 'x'), kFormat}, Invalid{"a b", kFormat},
        Invalid{"a..b", kFormat}, Invalid{"a___b", kFormat}, Invalid{"-a", kFormat},
        Invalid{"a-", kFormat}, Invalid{"a.", kFormat}, Invalid{"_a", kFormat},
        Invalid{"a._b", kFormat}, Invalid{"a/b!c", kFormat}, Invalid{"a:tag/b", kFormat},
        Invalid{"-host.com/a", kFormat}, Invalid{"host-.com/a", kFormat},
        Invalid{"host..com/a", kFormat}, Invalid{"host.com:/a", kFormat},
        Invalid{"host.com:port/a", kFormat}, Invalid{"host_name.com/a", kFormat},
        Invalid{"[::1/a", kFormat}, Invalid{"[]/a", kFormat}, Invalid{"[::g]/a", kFormat},
        Invalid{"docker.io/", kFormat}, Invalid{"localhost:5000/", kFormat},
        Invalid{"a@SHA256:" + kHex64,
                "invalid reference format: repository name (library/a@SHA256) must be lowercase"},
        Invalid{"Uppercase",
                "invalid reference format: repository name (library/Uppercase) must be lowercase"},
        Invalid{"Busybox:latest",
                "invalid reference format: repository name (library/Busybox) must be lowercase"},
        Invalid{"user/App",
                "invalid reference format: repository name (user/App) must be lowercase"},
        Invalid{"localhost:5000/Foo:tag",
                "invalid reference format: repository name (Foo) must be lowercase"},
        Invalid{kHex64, "invalid repository name (" + kHex64 +
                            "), cannot specify 64-byte hexadecimal strings"},
        Invalid{"a@sha256:" + std::string(40, 'a'), "invalid checksum digest length"},
        Invalid{"a@sha256:" + std::string(64, 'A'), "invalid checksum digest format"},
        Invalid{"a@sha512:" + kHex64, "invalid checksum digest length"},
        Invalid{"a/" + std::string(244, 'b'),  // "docker.io/a/" + 244 = 256
                "repository name must not be more than 255 characters"}));

TEST(Reference, LengthLimitCountsTheNormalizedName) {
  // "docker.io/a/" + 243 is exactly 255: the domain counts, though the
  // user never wrote it.
  EXPECT_FALSE(parse_reference("a/" + std::string(244, 'b')));
  auto fits = parse_reference("a/" + std::string(243, 'b'));
  ASSERT_TRUE(fits) << fits.error().message();
  EXPECT_EQ(fits->name().size(), 255u);
}

TEST(Reference, ExactKeepsAnAbsentTagEmpty) {
  auto r = parse_reference_exact("busybox");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->tag, "");
  EXPECT_EQ(r->string(), "docker.io/library/busybox");
  EXPECT_EQ(r->familiar_string(), "busybox");
  auto d = parse_reference("busybox@" + kDigest);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->tag, "") << "a digest alone gets no default tag";
}

TEST(Reference, NameAndFamiliar) {
  auto r = parse_reference("busybox");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name(), "docker.io/library/busybox");
  EXPECT_EQ(r->familiar(), "busybox");
  EXPECT_EQ(r->string(), "docker.io/library/busybox:latest");
  auto u = parse_reference("localhost:5000/app:1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->name(), "localhost:5000/app");
  EXPECT_EQ(u->familiar(), "localhost:5000/app");
  EXPECT_EQ(u->string(), "localhost:5000/app:1");
}

TEST(Reference, ValidateDigest) {
  EXPECT_TRUE(validate_digest(kDigest));
  EXPECT_FALSE(validate_digest("sha256:" + kHex64.substr(1)));
  EXPECT_FALSE(validate_digest(kHex64));
  EXPECT_FALSE(validate_digest("sha256:" + kHex64 + "0"));
}

TEST(Reference, TagGrammar) {
  EXPECT_TRUE(is_valid_tag("latest"));
  EXPECT_TRUE(is_valid_tag("1.36.0-musl_x"));
  EXPECT_TRUE(is_valid_tag("A"));
  EXPECT_FALSE(is_valid_tag(""));
  EXPECT_FALSE(is_valid_tag(".a"));
  EXPECT_FALSE(is_valid_tag("a+b"));
  EXPECT_FALSE(is_valid_tag(std::string(129, 'a')));
}

}  // namespace
}  // namespace hako::image
