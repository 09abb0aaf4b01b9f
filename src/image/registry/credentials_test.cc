#include "image/registry/credentials.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include <gtest/gtest.h>

#include "base/files.h"
#include "base/json.h"
#include "store/test_util.h"

namespace hako::image::registry {

using store::testing::TempDir;

TEST(Base64, RoundTrips) {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "user:pa:ss", std::string("\0\xff", 2)}) {
    auto d = base64_decode(base64_encode(s));
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, s);
  }
  EXPECT_EQ(base64_encode("user:pass"), "dXNlcjpwYXNz");
  EXPECT_FALSE(base64_decode("abc"));
  EXPECT_FALSE(base64_decode("a$c="));
}

TEST(Credentials, ConfigPathFollowsDockerRules) {
  const char* old_dc = std::getenv("DOCKER_CONFIG");
  std::string saved_dc = old_dc ? old_dc : "";
  const char* old_home = std::getenv("HOME");
  std::string saved_home = old_home ? old_home : "";

  EXPECT_EQ(docker_config_path("/x/c.json"), "/x/c.json");
  ::setenv("DOCKER_CONFIG", "/cfg", 1);
  EXPECT_EQ(docker_config_path(), "/cfg/config.json");
  ::unsetenv("DOCKER_CONFIG");
  ::setenv("HOME", "/home/u", 1);
  EXPECT_EQ(docker_config_path(), "/home/u/.docker/config.json");

  if (old_dc) ::setenv("DOCKER_CONFIG", saved_dc.c_str(), 1);
  if (old_home) ::setenv("HOME", saved_home.c_str(), 1);
  else ::unsetenv("HOME");
}

TEST(Credentials, DockerHubKey) {
  EXPECT_EQ(config_key_for("docker.io"), "https://index.docker.io/v1/");
  EXPECT_EQ(config_key_for("127.0.0.1:5000"), "127.0.0.1:5000");
}

TEST(Credentials, StoreReadEraseRoundTripKeepsOtherKeys) {
  TempDir tmp;
  std::string path = tmp.path() + "/sub/config.json";
  ASSERT_TRUE(make_dirs(tmp.path() + "/sub"));
  ASSERT_TRUE(write_file(path, R"({
    "auths": {"other.example": {"auth": "b3RoZXI6c2VjcmV0"}},
    "credHelpers": {"gcr.io": "gcloud"},
    "psFormat": "table {{.ID}}"
  })"));

  auto none = read_credentials(path, "127.0.0.1:5000");
  ASSERT_TRUE(none) << none.error().message();
  EXPECT_FALSE(*none);

  ASSERT_TRUE(store_credentials(path, "127.0.0.1:5000", {"alice", "pa:ss", ""}));
  ASSERT_TRUE(store_credentials(path, "docker.io", {"bob", "hub", ""}));
  auto got = read_credentials(path, "127.0.0.1:5000");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->username, "alice");
  EXPECT_EQ((*got)->password, "pa:ss");
  auto hub = read_credentials(path, "docker.io");
  ASSERT_TRUE(hub && *hub);
  EXPECT_EQ((*hub)->username, "bob");

  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto j = parse_json(*read_file(path), path);
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["psFormat"], "table {{.ID}}");
  EXPECT_EQ((*j)["credHelpers"]["gcr.io"], "gcloud");
  EXPECT_EQ((*j)["auths"]["other.example"]["auth"], "b3RoZXI6c2VjcmV0");
  EXPECT_TRUE((*j)["auths"].contains("https://index.docker.io/v1/"));

  auto erased = erase_credentials(path, "127.0.0.1:5000");
  ASSERT_TRUE(erased);
  EXPECT_TRUE(*erased);
  EXPECT_FALSE(*read_credentials(path, "127.0.0.1:5000"));
  EXPECT_FALSE(*erase_credentials(path, "127.0.0.1:5000"));
  auto other = read_credentials(path, "other.example");
  ASSERT_TRUE(other && *other);
  EXPECT_EQ((*other)->password, "secret");
}

TEST(Credentials, MatchesKeysWithSchemeAndPath) {
  TempDir tmp;
  std::string path = tmp.path() + "/config.json";
  ASSERT_TRUE(write_file(path, R"({"auths": {
    "https://ghcr.io/v2/": {"auth": "dTpw"},
    "index.docker.io": {"username": "hubuser", "password": "hubpass"}}})"));
  auto g = read_credentials(path, "ghcr.io");
  ASSERT_TRUE(g && *g);
  EXPECT_EQ((*g)->username, "u");
  auto h = read_credentials(path, "docker.io");
  ASSERT_TRUE(h && *h);
  EXPECT_EQ((*h)->username, "hubuser");
  EXPECT_EQ((*h)->password, "hubpass");
  EXPECT_TRUE(*erase_credentials(path, "ghcr.io"));
  EXPECT_FALSE(*read_credentials(path, "ghcr.io"));
}

TEST(Credentials, MissingFileCreatesItWithPrivateDirectory) {
  TempDir tmp;
  std::string path = tmp.path() + "/new/.docker/config.json";
  EXPECT_FALSE(*read_credentials(path, "r"));
  ASSERT_TRUE(store_credentials(path, "r", {"u", "p", "tok"}));
  struct stat st;
  ASSERT_EQ(::stat((tmp.path() + "/new/.docker").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  auto c = read_credentials(path, "r");
  ASSERT_TRUE(c && *c);
  EXPECT_EQ((*c)->identity_token, "tok");
}

TEST(Credentials, FollowsSymlinkedConfig) {
  TempDir tmp;
  std::string real = tmp.path() + "/real.json";
  std::string link = tmp.path() + "/config.json";
  ASSERT_TRUE(write_file(real, "{}"));
  ASSERT_EQ(::symlink(real.c_str(), link.c_str()), 0);
  ASSERT_TRUE(store_credentials(link, "r", {"u", "p", ""}));
  struct stat st;
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_TRUE(*read_credentials(real, "r"));
}

TEST(Credentials, BrokenFilesAreErrorsNotEmpty) {
  TempDir tmp;
  std::string path = tmp.path() + "/config.json";
  ASSERT_TRUE(write_file(path, "{not json"));
  auto r = read_credentials(path, "r");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::InvalidArgument);
  EXPECT_NE(r.error().message().find(path), std::string::npos);
  // And a broken file is never overwritten by a login.
  EXPECT_FALSE(store_credentials(path, "r", {"u", "p", ""}));
  EXPECT_EQ(*read_file(path), "{not json");

  ASSERT_TRUE(write_file(path, R"({"auths": {"r": {"auth": "bm9jb2xvbg=="}}})"));  // "nocolon"
  r = read_credentials(path, "r");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("auths.r.auth"), std::string::npos) << r.error().message();
}

}  // namespace hako::image::registry
