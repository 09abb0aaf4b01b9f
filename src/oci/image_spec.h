// OCI image-spec documents (descriptors, manifests, indexes, image configs),
// with Docker schema2 media types accepted as their equivalents.
//
// Parsers check types and required fields and name the offending field by
// path, like the runtime-spec parser. Digests are always computed over the
// bytes as received; to_json() is for documents hako writes itself.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"

namespace hako::oci {

namespace media {
inline constexpr const char* kIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* kLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr const char* kLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr const char* kLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr const char* kEmpty = "application/vnd.oci.empty.v1+json";
inline constexpr const char* kLayout = "application/vnd.oci.layout.header.v1+json";
inline constexpr const char* kDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr const char* kDockerLayer = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr const char* kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr const char* kDockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
}  // namespace media

bool is_index_type(std::string_view media_type);
bool is_manifest_type(std::string_view media_type);
bool is_config_type(std::string_view media_type);
bool is_layer_type(std::string_view media_type);
enum class Compression { None, Gzip, Zstd };
// The compression a layer media type implies; NotSupported for others.
Result<Compression> layer_compression(std::string_view media_type);

struct PlatformSpec {
  std::string os, architecture, variant, os_version;
  std::vector<std::string> os_features;
};

struct Descriptor {
  std::string media_type;
  std::string digest;  // "sha256:<hex>"
  int64_t size = 0;
  std::vector<std::string> urls;
  std::map<std::string, std::string> annotations;
  std::optional<PlatformSpec> platform;
  std::string artifact_type;
};

struct Manifest {
  int schema_version = 2;
  std::string media_type;
  std::string artifact_type;
  Descriptor config;
  std::vector<Descriptor> layers;
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;
};

struct Index {
  int schema_version = 2;
  std::string media_type;
  std::vector<Descriptor> manifests;
  std::map<std::string, std::string> annotations;
};

struct HealthConfig {
  std::vector<std::string> test;
  int64_t interval = 0, timeout = 0, start_period = 0, start_interval = 0;  // nanoseconds
  int retries = 0;
};

struct History {
  std::string created, created_by, author, comment;
  bool empty_layer = false;
};

// The "config" object of an image config (the container defaults).
struct ContainerConfig {
  std::string user;
  std::vector<std::string> exposed_ports;  // "80/tcp"
  std::vector<std::string> env;
  std::optional<std::vector<std::string>> entrypoint, cmd;  // absent differs from []
  std::vector<std::string> volumes;
  std::string working_dir;
  std::map<std::string, std::string> labels;
  std::string stop_signal;
  bool args_escaped = false;
  std::optional<HealthConfig> healthcheck;  // Docker's extension
  std::vector<std::string> onbuild;         // Docker's extension
  std::optional<std::vector<std::string>> shell;  // Docker's extension
};

struct ImageConfig {
  std::string created, author, architecture, os, os_version, variant;
  std::vector<std::string> os_features;
  ContainerConfig config;
  std::vector<std::string> diff_ids;  // rootfs.diff_ids, bottom layer first
  std::vector<History> history;
};

Result<Descriptor> parse_descriptor(const JsonObject& o);
Result<Manifest> parse_manifest(std::string_view bytes);
Result<Index> parse_index(std::string_view bytes);
Result<ImageConfig> parse_image_config(std::string_view bytes);

Json to_json(const Descriptor& d);
Json to_json(const Manifest& m);
Json to_json(const Index& i);
Json to_json(const ImageConfig& c);

}  // namespace hako::oci
