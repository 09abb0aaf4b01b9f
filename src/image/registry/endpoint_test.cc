#include "image/registry/endpoint.h"

#include <gtest/gtest.h>

#include "base/files.h"
#include "store/test_util.h"

namespace hako::image::registry {

TEST(Endpoint, DockerHubLivesElsewhere) {
  EXPECT_EQ(registry_endpoint_host("docker.io"), "registry-1.docker.io");
  EXPECT_EQ(registry_endpoint_host("ghcr.io"), "ghcr.io");
  EXPECT_EQ(host_part("[::1]:5000"), "::1");
  EXPECT_EQ(host_part("reg:5000"), "reg");
  EXPECT_EQ(host_part("reg"), "reg");
}

TEST(Endpoint, LoopbackAndListedHostsAreInsecure) {
  EXPECT_TRUE(is_insecure_registry("localhost:5000", {}));
  EXPECT_TRUE(is_insecure_registry("127.0.0.1:5000", {}));
  EXPECT_TRUE(is_insecure_registry("127.8.9.10", {}));
  EXPECT_TRUE(is_insecure_registry("[::1]:5000", {}));
  EXPECT_FALSE(is_insecure_registry("docker.io", {}));
  EXPECT_FALSE(is_insecure_registry("10.1.2.3:5000", {}));
  EXPECT_TRUE(is_insecure_registry("10.1.2.3:5000", {"10.0.0.0/8"}));
  EXPECT_FALSE(is_insecure_registry("11.1.2.3:5000", {"10.0.0.0/8"}));
  EXPECT_TRUE(is_insecure_registry("[fd00::5]:5000", {"fd00::/8"}));
  EXPECT_TRUE(is_insecure_registry("myreg:5000", {"myreg:5000"}));
  EXPECT_TRUE(is_insecure_registry("MyReg:5000", {"myreg"}));
  EXPECT_FALSE(is_insecure_registry("myreg:5001", {"myreg:5000"}));
  // Names are not resolved to match a CIDR.
  EXPECT_FALSE(is_insecure_registry("myreg", {"0.0.0.0/0"}));
}

TEST(Endpoint, ReadsCertsDirLikeDocker) {
  store::testing::TempDir tmp;
  std::string first = tmp.path() + "/hako", second = tmp.path() + "/docker";
  ASSERT_TRUE(make_dirs(second + "/reg:5000"));
  ASSERT_TRUE(write_file(second + "/reg:5000/ca.crt", "x"));
  ASSERT_TRUE(write_file(second + "/reg:5000/client.cert", "x"));
  ASSERT_TRUE(write_file(second + "/reg:5000/client.key", "x"));
  auto tls = load_certs_dir({first, second}, "reg:5000");
  ASSERT_TRUE(tls) << tls.error().message();
  EXPECT_EQ(tls->extra_ca_files, std::vector<std::string>{second + "/reg:5000/ca.crt"});
  EXPECT_EQ(tls->client_cert, second + "/reg:5000/client.cert");
  EXPECT_EQ(tls->client_key, second + "/reg:5000/client.key");
  EXPECT_TRUE(tls->verify);

  // The first root with a directory for the host wins.
  ASSERT_TRUE(make_dirs(first + "/reg:5000"));
  tls = load_certs_dir({first, second}, "reg:5000");
  ASSERT_TRUE(tls);
  EXPECT_TRUE(tls->extra_ca_files.empty());

  ASSERT_TRUE(write_file(first + "/reg:5000/lonely.cert", "x"));
  tls = load_certs_dir({first, second}, "reg:5000");
  ASSERT_FALSE(tls);
  EXPECT_NE(tls.error().message().find("missing key"), std::string::npos);

  auto none = load_certs_dir({first, second}, "other");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->client_cert.empty());
}

}  // namespace hako::image::registry
