// RegistryClient against the real thing: Debian's docker-registry
// (distribution 2.x) started on loopback for the test, in a temp dir, and
// stopped after. Skips when docker-registry is not installed.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "base/files.h"
#include "image/registry/client.h"
#include "image/registry/test_server.h"
#include "store/test_util.h"

namespace hako::image::registry {

namespace {

constexpr const char* kRegistryBinary = "/usr/bin/docker-registry";
constexpr const char* kHtpasswd = "/usr/bin/htpasswd";
constexpr const char* kOpenssl = "/usr/bin/openssl";

bool port_open(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// Runs argv with stdout+stderr to `log`; returns the pid.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

// Runs argv to completion; true when it exited 0.
bool run(const std::vector<std::string>& argv, const std::string& log) {
  pid_t p = spawn(argv, log);
  int status = 0;
  return p > 0 && ::waitpid(p, &status, 0) == p && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

class RealRegistry {
 public:
  // `prepare` may write files into the registry's directory and returns
  // extra configuration (auth:, or the tls: part of http:); "" on failure.
  using Prepare = std::function<std::optional<std::string>(const std::string& dir)>;

  explicit RealRegistry(const Prepare& prepare = {}) {
    port_ = testing::unused_port();
    std::string extra;
    if (prepare) {
      auto e = prepare(tmp_.path());
      if (!e) return;
      extra = *e;
    }
    std::string config = fmt::format(
        "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}/data\n"
        "  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{}\n{}",
        tmp_.path(), port_, extra);
    if (!write_file(tmp_.path() + "/config.yml", config)) return;
    pid_ = spawn({kRegistryBinary, "serve", tmp_.path() + "/config.yml"}, tmp_.path() + "/registry.log");
    for (int i = 0; i < 200 && !port_open(port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ~RealRegistry() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  bool ready() const { return pid_ > 0 && port_open(port_); }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return read_file(tmp_.path() + "/registry.log").value_or(""); }
  const std::string& dir() const { return tmp_.path(); }

 private:
  store::testing::TempDir tmp_;
  int port_ = 0;
  pid_t pid_ = -1;
};

std::unique_ptr<RegistryClient> client_for(const std::string& host, TokenCache& cache,
                                           std::optional<Credentials> creds = std::nullopt) {
  ClientOptions o;
  o.certs_dirs = {};
  o.token_cache = &cache;
  o.credentials = std::move(creds);
  o.retry_delay = std::chrono::milliseconds(10);
  auto c = RegistryClient::create(host, o);
  return c ? std::move(*c) : nullptr;
}

Result<> upload_string(RegistryClient& c, const std::string& repo, const std::string& dir, const std::string& data) {
  std::string path = dir + "/upload";
  TRY(write_file(path, data));
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  return c.upload_blob(repo, store::sha256_of(data), fd.get(), data.size());
}

}  // namespace

TEST(RealRegistry, PushMountPullRoundTrip) {
  if (::access(kRegistryBinary, X_OK) != 0) GTEST_SKIP() << kRegistryBinary << " is not installed";
  RealRegistry reg;
  ASSERT_TRUE(reg.ready()) << "docker-registry did not start:\n" << reg.log();
  TokenCache cache;
  auto c = client_for(reg.host(), cache);
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->ping()) << reg.log();
  EXPECT_EQ(c->base_url(), "http://" + reg.host());

  std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  std::string layer(200000, '\0');
  for (size_t i = 0; i < layer.size(); ++i) layer[i] = static_cast<char>(i * 31 % 251);
  auto config_d = store::sha256_of(config), layer_d = store::sha256_of(layer);

  auto missing = c->blob_exists("hako/app", layer_d);
  ASSERT_TRUE(missing) << missing.error().message();
  EXPECT_FALSE(*missing);
  auto up = upload_string(*c, "hako/app", reg.dir(), layer);
  ASSERT_TRUE(up) << up.error().message();
  ASSERT_TRUE(upload_string(*c, "hako/app", reg.dir(), config));
  EXPECT_TRUE(*c->blob_exists("hako/app", layer_d));

  auto mounted = c->mount_blob("hako/other", layer_d, "hako/app");
  ASSERT_TRUE(mounted) << mounted.error().message();
  EXPECT_TRUE(*mounted);
  auto not_mounted = c->mount_blob("hako/other", store::sha256_of("nothing"), "hako/app");
  ASSERT_TRUE(not_mounted) << not_mounted.error().message();
  EXPECT_FALSE(*not_mounted);

  std::string manifest = fmt::format(
      R"({{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
      R"("config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":{}}},)"
      R"("layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{}","size":{}}}]}})",
      config_d.to_string(), config.size(), layer_d.to_string(), layer.size());
  auto put = c->put_manifest("hako/app", "v1", manifest, "application/vnd.oci.image.manifest.v1+json");
  ASSERT_TRUE(put) << put.error().message();
  ASSERT_TRUE(c->put_manifest("hako/app", "v2", manifest, "application/vnd.oci.image.manifest.v1+json"));

  auto tags = c->list_tags("hako/app");
  ASSERT_TRUE(tags) << tags.error().message();
  EXPECT_EQ(*tags, (std::vector<std::string>{"v1", "v2"}));

  auto got = c->get_manifest("hako/app", "v1");
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->bytes, manifest);
  EXPECT_EQ(got->media_type, "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(got->digest, *put);
  ASSERT_TRUE(c->get_manifest("hako/app", put->to_string()));

  auto unknown = c->get_manifest("hako/app", "nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind(), ErrorKind::NotFound);
  EXPECT_EQ(unknown.error().message(),
            "manifest for " + reg.host() + "/hako/app:nope not found: manifest unknown: manifest unknown");

  // Pull the layer, resuming from a prefix with a real Range request.
  store::testing::TempDir st;
  auto bs = store::BlobStore::open(st.path());
  ASSERT_TRUE(bs);
  {
    auto w = bs->resume_write(layer_d.to_string());
    ASSERT_TRUE(w && w->write(std::string_view(layer).substr(0, 5000)));
  }
  auto w = bs->resume_write(layer_d.to_string());
  ASSERT_TRUE(w);
  auto fetched = c->fetch_blob("hako/other", layer_d, layer.size(), *w);
  ASSERT_TRUE(fetched) << fetched.error().message();
  EXPECT_EQ(*bs->read(layer_d, true), layer);

  auto w2 = bs->begin_write();
  auto absent = c->fetch_blob("hako/app", store::sha256_of("nothing"), 7, *w2);
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().kind(), ErrorKind::NotFound);
}

TEST(RealRegistry, BasicAuthWithHtpasswd) {
  if (::access(kRegistryBinary, X_OK) != 0) GTEST_SKIP() << kRegistryBinary << " is not installed";
  if (::access(kHtpasswd, X_OK) != 0) GTEST_SKIP() << kHtpasswd << " (apache2-utils) is not installed";
  RealRegistry reg([](const std::string& dir) -> std::optional<std::string> {
    if (!run({kHtpasswd, "-Bbc", dir + "/htpasswd", "alice", "s3cret"}, dir + "/htpasswd.log")) return std::nullopt;
    return fmt::format("auth:\n  htpasswd:\n    realm: hako-test\n    path: {}/htpasswd\n", dir);
  });
  ASSERT_TRUE(reg.ready()) << "docker-registry did not start:\n" << reg.log();
  TokenCache cache;
  auto anonymous = client_for(reg.host(), cache);
  auto r = anonymous->ping();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::PermissionDenied);
  EXPECT_NE(r.error().message().find("unauthorized: authentication required"), std::string::npos)
      << r.error().message();

  auto wrong = client_for(reg.host(), cache, Credentials{"alice", "nope", ""});
  EXPECT_EQ(wrong->ping().error().kind(), ErrorKind::PermissionDenied);

  auto c = client_for(reg.host(), cache, Credentials{"alice", "s3cret", ""});
  auto ok = c->ping();
  ASSERT_TRUE(ok) << ok.error().message();
  auto up = upload_string(*c, "hako/private", reg.dir(), "some layer bytes");
  ASSERT_TRUE(up) << up.error().message();
  EXPECT_TRUE(*c->blob_exists("hako/private", store::sha256_of("some layer bytes")));
}

// A registry on TLS with a private CA that also demands a client
// certificate: the certs.d material must reach curl (extra CA added to the
// system ones, client cert and key).
TEST(RealRegistry, TlsWithCertsDir) {
  if (::access(kRegistryBinary, X_OK) != 0) GTEST_SKIP() << kRegistryBinary << " is not installed";
  if (::access(kOpenssl, X_OK) != 0) GTEST_SKIP() << kOpenssl << " is not installed";
  RealRegistry reg([](const std::string& d) -> std::optional<std::string> {
    std::string log = d + "/openssl.log";
    bool ok =
        run({kOpenssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=hako-test-ca",
             "-keyout", d + "/ca.key", "-out", d + "/ca.crt"}, log) &&
        run({kOpenssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", d + "/srv.key",
             "-out", d + "/srv.csr"}, log) &&
        write_file(d + "/ext.cnf", "subjectAltName=IP:127.0.0.1\n").has_value() &&
        run({kOpenssl, "x509", "-req", "-in", d + "/srv.csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
             "-CAcreateserial", "-days", "1", "-extfile", d + "/ext.cnf", "-out", d + "/srv.crt"}, log) &&
        run({kOpenssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=client", "-keyout",
             d + "/client.key", "-out", d + "/client.csr"}, log) &&
        run({kOpenssl, "x509", "-req", "-in", d + "/client.csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
             "-CAcreateserial", "-days", "1", "-out", d + "/client.cert"}, log);
    if (!ok) return std::nullopt;
    return fmt::format("  tls:\n    certificate: {0}/srv.crt\n    key: {0}/srv.key\n    clientcas:\n      - {0}/ca.crt\n", d);
  });
  ASSERT_TRUE(reg.ready()) << "docker-registry did not start:\n" << reg.log();
  const std::string d = reg.dir();

  HttpClient http;
  Request r;
  r.url = "https://" + reg.host() + "/v2/";
  auto untrusted = http.send(r);
  ASSERT_FALSE(untrusted);
  EXPECT_NE(untrusted.error().message().find("certificate"), std::string::npos) << untrusted.error().message();
  r.tls.extra_ca_files = {d + "/ca.crt"};
  r.tls.client_cert = d + "/client.cert";
  r.tls.client_key = d + "/client.key";
  auto trusted = http.send(r);
  ASSERT_TRUE(trusted) << trusted.error().message();
  EXPECT_EQ(trusted->status, 200);
  // The extra CA was added for that request only.
  r.tls = TlsOptions{};
  EXPECT_FALSE(http.send(r));
  r.tls.extra_ca_files = {d + "/missing.crt"};
  auto missing = http.send(r);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("cannot load CA file(s) " + d + "/missing.crt"), std::string::npos)
      << missing.error().message();

  // A loopback registry is probed over HTTPS first, and keeps it.
  std::string host_dir = d + "/certs.d/" + reg.host();
  ASSERT_TRUE(make_dirs(host_dir));
  for (const char* f : {"ca.crt", "client.cert", "client.key"})
    ASSERT_TRUE(write_file(host_dir + "/" + f, *read_file(d + "/" + f)));
  TokenCache cache;
  ClientOptions o;
  o.certs_dirs = {d + "/certs.d"};
  o.token_cache = &cache;
  auto c = RegistryClient::create(reg.host(), o);
  ASSERT_TRUE(c) << c.error().message();
  auto ping = (*c)->ping();
  ASSERT_TRUE(ping) << ping.error().message();
  EXPECT_EQ((*c)->base_url(), "https://" + reg.host());
  ASSERT_TRUE(upload_string(**c, "hako/tls", d, "layer over tls"));
  EXPECT_TRUE(*(*c)->blob_exists("hako/tls", store::sha256_of("layer over tls")));
}

}  // namespace hako::image::registry
