#include "oci/image_spec.h"

#include <gtest/gtest.h>

namespace hako::oci {

static const char* kDockerManifest = R"({
  "schemaVersion": 2,
  "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
  "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1469,
             "digest": "sha256:1a7f3c1c0c1b4e5e0f0f0b0f8b1c5a2a6f8e0e5a4d3c2b1a0f9e8d7c6b5a4f3e"},
  "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 2000,
              "digest": "sha256:aaaa3c1c0c1b4e5e0f0f0b0f8b1c5a2a6f8e0e5a4d3c2b1a0f9e8d7c6b5a4f3e"}]
})";

TEST(ImageSpec, DockerSchema2ManifestIsAManifest) {
  auto m = parse_manifest(kDockerManifest);
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_TRUE(is_manifest_type(m->media_type));
  EXPECT_TRUE(is_config_type(m->config.media_type));
  ASSERT_EQ(m->layers.size(), 1u);
  EXPECT_EQ(*layer_compression(m->layers[0].media_type), Compression::Gzip);
  // Round trip through to_json keeps what matters.
  auto again = parse_manifest(to_json(*m).dump());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->layers[0].digest, m->layers[0].digest);
}

TEST(ImageSpec, IndexWithPlatforms) {
  auto i = parse_index(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
      {"mediaType":"application/vnd.oci.image.manifest.v1+json","size":7,"digest":"sha256:x",
       "platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
      {"mediaType":"application/vnd.oci.image.manifest.v1+json","size":7,"digest":"sha256:y",
       "platform":{"architecture":"amd64","os":"linux"}}]})");
  ASSERT_TRUE(i) << i.error().message();
  ASSERT_EQ(i->manifests.size(), 2u);
  EXPECT_EQ(i->manifests[0].platform->variant, "v8");
  EXPECT_EQ(i->manifests[1].platform->architecture, "amd64");
}

TEST(ImageSpec, ErrorsNameTheField) {
  auto m = parse_manifest(R"({"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:a"},"layers":[]})");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().message(), "config.size: required field is missing");
  auto v1 = parse_manifest(R"({"schemaVersion":1})");
  ASSERT_FALSE(v1);
  EXPECT_EQ(v1.error().kind(), ErrorKind::NotSupported);
  auto not_manifest = parse_manifest(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"})");
  ASSERT_FALSE(not_manifest);
  EXPECT_EQ(parse_index("[").error().kind(), ErrorKind::InvalidArgument);
}

TEST(ImageSpec, ImageConfigWithDockerExtensions) {
  auto c = parse_image_config(R"({"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z",
      "config":{"User":"app","ExposedPorts":{"80/tcp":{}},"Env":["PATH=/bin"],"Cmd":["sh"],"Entrypoint":null,
                "Volumes":{"/data":{}},"WorkingDir":"/srv","Labels":{"a":"b"},"StopSignal":"SIGINT",
                "Healthcheck":{"Test":["CMD","true"],"Interval":5000000000,"Retries":3},"Shell":["/bin/sh","-c"]},
      "rootfs":{"type":"layers","diff_ids":["sha256:1","sha256:2"]},
      "history":[{"created_by":"ADD x","empty_layer":false},{"created_by":"CMD sh","empty_layer":true}]})");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->config.user, "app");
  EXPECT_EQ(c->config.exposed_ports, std::vector<std::string>{"80/tcp"});
  EXPECT_FALSE(c->config.entrypoint);  // null is "not set", not []
  EXPECT_EQ(*c->config.cmd, std::vector<std::string>{"sh"});
  EXPECT_EQ(c->config.healthcheck->interval, 5000000000);
  EXPECT_EQ(c->diff_ids.size(), 2u);
  EXPECT_TRUE(c->history[1].empty_layer);
  auto again = parse_image_config(to_json(*c).dump());
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(again->config.volumes, std::vector<std::string>{"/data"});
  EXPECT_EQ(again->config.healthcheck->retries, 3);
}

TEST(ImageSpec, ConfigNeedsLayersRootfs) {
  auto c = parse_image_config(R"({"architecture":"amd64","os":"linux","rootfs":{"type":"other","diff_ids":[]}})");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message(), "rootfs.type: \"other\" is not \"layers\"");
}

}  // namespace hako::oci
