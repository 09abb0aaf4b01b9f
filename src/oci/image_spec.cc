#include "oci/image_spec.h"

namespace hako::oci {

bool is_index_type(std::string_view t) { return t == media::kIndex || t == media::kDockerManifestList; }
bool is_manifest_type(std::string_view t) { return t == media::kManifest || t == media::kDockerManifest; }
bool is_config_type(std::string_view t) { return t == media::kConfig || t == media::kDockerConfig; }

bool is_layer_type(std::string_view t) { return layer_compression(t).has_value(); }

Result<Compression> layer_compression(std::string_view t) {
  if (t == media::kLayer || t == media::kDockerLayer || t == "application/vnd.oci.image.layer.nondistributable.v1.tar") return Compression::None;
  if (t == media::kLayerGzip || t == media::kDockerLayerGzip || t == media::kDockerForeignLayerGzip ||
      t == "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip")
    return Compression::Gzip;
  if (t == media::kLayerZstd || t == "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd")
    return Compression::Zstd;
  return fail(ErrorKind::NotSupported, "unsupported layer media type \"{}\"", t);
}

namespace {

Result<PlatformSpec> parse_platform_spec(const JsonObject& o) {
  PlatformSpec p;
  TRY_ASSIGN(p.architecture, o.string("architecture"));
  TRY_ASSIGN(p.os, o.string("os"));
  TRY_ASSIGN(auto variant, o.opt_string("variant"));
  p.variant = variant.value_or("");
  TRY_ASSIGN(auto version, o.opt_string("os.version"));
  p.os_version = version.value_or("");
  TRY_ASSIGN(p.os_features, o.strings("os.features"));
  return p;
}

Result<JsonObject> document(const Json& j) { return JsonObject::of(j, ""); }

Result<int> schema_version(const JsonObject& o) {
  TRY_ASSIGN(auto v, o.opt_int("schemaVersion"));
  if (!v) return fail(ErrorKind::InvalidArgument, "schemaVersion: required field is missing");
  if (*v != 2) return fail(ErrorKind::NotSupported, "schemaVersion: {} is not supported (only 2)", *v);
  return 2;
}

// Nanosecond durations; Docker writes them as integers.
Result<int64_t> duration(const JsonObject& o, const char* key) {
  TRY_ASSIGN(auto v, o.opt_int(key));
  return v.value_or(0);
}

std::vector<std::string> keys_of(const Json* j) {
  std::vector<std::string> out;
  if (j && j->is_object())
    for (auto& [k, v] : j->items()) out.push_back(k);
  return out;
}

Result<ContainerConfig> parse_container_config(const JsonObject& o) {
  ContainerConfig c;
  TRY_ASSIGN(auto user, o.opt_string("User"));
  c.user = user.value_or("");
  if (const Json* ports = o.raw("ExposedPorts"); ports && !ports->is_object())
    return fail(ErrorKind::InvalidArgument, "{}: expected an object", o.child_path("ExposedPorts"));
  c.exposed_ports = keys_of(o.raw("ExposedPorts"));
  TRY_ASSIGN(c.env, o.strings("Env"));
  if (o.has("Entrypoint")) {
    TRY_ASSIGN(auto e, o.strings("Entrypoint"));
    c.entrypoint = std::move(e);
  }
  if (o.has("Cmd")) {
    TRY_ASSIGN(auto cmd, o.strings("Cmd"));
    c.cmd = std::move(cmd);
  }
  if (const Json* vols = o.raw("Volumes"); vols && !vols->is_object())
    return fail(ErrorKind::InvalidArgument, "{}: expected an object", o.child_path("Volumes"));
  c.volumes = keys_of(o.raw("Volumes"));
  TRY_ASSIGN(auto wd, o.opt_string("WorkingDir"));
  c.working_dir = wd.value_or("");
  TRY_ASSIGN(c.labels, o.string_map("Labels"));
  TRY_ASSIGN(auto stop, o.opt_string("StopSignal"));
  c.stop_signal = stop.value_or("");
  TRY_ASSIGN(auto escaped, o.opt_bool("ArgsEscaped"));
  c.args_escaped = escaped.value_or(false);
  TRY_ASSIGN(auto health, o.opt_object("Healthcheck"));
  if (health) {
    HealthConfig h;
    TRY_ASSIGN(h.test, health->strings("Test"));
    TRY_ASSIGN(h.interval, duration(*health, "Interval"));
    TRY_ASSIGN(h.timeout, duration(*health, "Timeout"));
    TRY_ASSIGN(h.start_period, duration(*health, "StartPeriod"));
    TRY_ASSIGN(h.start_interval, duration(*health, "StartInterval"));
    TRY_ASSIGN(auto retries, health->opt_int("Retries"));
    h.retries = static_cast<int>(retries.value_or(0));
    c.healthcheck = std::move(h);
  }
  TRY_ASSIGN(c.onbuild, o.strings("OnBuild"));
  if (o.has("Shell")) {
    TRY_ASSIGN(auto shell, o.strings("Shell"));
    c.shell = std::move(shell);
  }
  return c;
}

Json string_set(const std::vector<std::string>& keys) {
  Json j = Json::object();
  for (const auto& k : keys) j[k] = Json::object();
  return j;
}

}  // namespace

Result<Descriptor> parse_descriptor(const JsonObject& o) {
  Descriptor d;
  TRY_ASSIGN(d.media_type, o.string("mediaType"));
  TRY_ASSIGN(d.digest, o.string("digest"));
  TRY_ASSIGN(auto size, o.opt_int("size"));
  if (!size) return fail(ErrorKind::InvalidArgument, "{}: required field is missing", o.child_path("size"));
  if (*size < 0) return fail(ErrorKind::InvalidArgument, "{}: must not be negative", o.child_path("size"));
  d.size = *size;
  TRY_ASSIGN(d.urls, o.strings("urls"));
  TRY_ASSIGN(d.annotations, o.string_map("annotations"));
  TRY_ASSIGN(auto platform, o.opt_object("platform"));
  if (platform) {
    TRY_ASSIGN(auto p, parse_platform_spec(*platform));
    d.platform = std::move(p);
  }
  TRY_ASSIGN(auto artifact, o.opt_string("artifactType"));
  d.artifact_type = artifact.value_or("");
  return d;
}

Result<Manifest> parse_manifest(std::string_view bytes) {
  TRY_ASSIGN(auto j, parse_json(bytes, "manifest"));
  TRY_ASSIGN(auto o, document(j));
  Manifest m;
  TRY_ASSIGN(m.schema_version, schema_version(o));
  TRY_ASSIGN(auto mt, o.opt_string("mediaType"));
  m.media_type = mt.value_or(media::kManifest);
  if (!is_manifest_type(m.media_type))
    return fail(ErrorKind::InvalidArgument, "mediaType: \"{}\" is not an image manifest", m.media_type);
  TRY_ASSIGN(auto artifact, o.opt_string("artifactType"));
  m.artifact_type = artifact.value_or("");
  TRY_ASSIGN(auto config, o.opt_object("config"));
  if (!config) return fail(ErrorKind::InvalidArgument, "config: required field is missing");
  TRY_ASSIGN(m.config, parse_descriptor(*config));
  TRY_ASSIGN(auto layers, o.objects("layers"));
  for (const auto& l : layers) {
    TRY_ASSIGN(auto d, parse_descriptor(l));
    m.layers.push_back(std::move(d));
  }
  TRY_ASSIGN(auto subject, o.opt_object("subject"));
  if (subject) {
    TRY_ASSIGN(auto s, parse_descriptor(*subject));
    m.subject = std::move(s);
  }
  TRY_ASSIGN(m.annotations, o.string_map("annotations"));
  return m;
}

Result<Index> parse_index(std::string_view bytes) {
  TRY_ASSIGN(auto j, parse_json(bytes, "image index"));
  TRY_ASSIGN(auto o, document(j));
  Index i;
  TRY_ASSIGN(i.schema_version, schema_version(o));
  TRY_ASSIGN(auto mt, o.opt_string("mediaType"));
  i.media_type = mt.value_or(media::kIndex);
  if (!is_index_type(i.media_type))
    return fail(ErrorKind::InvalidArgument, "mediaType: \"{}\" is not an image index", i.media_type);
  TRY_ASSIGN(auto manifests, o.objects("manifests"));
  for (const auto& m : manifests) {
    TRY_ASSIGN(auto d, parse_descriptor(m));
    i.manifests.push_back(std::move(d));
  }
  TRY_ASSIGN(i.annotations, o.string_map("annotations"));
  return i;
}

Result<ImageConfig> parse_image_config(std::string_view bytes) {
  TRY_ASSIGN(auto j, parse_json(bytes, "image config"));
  TRY_ASSIGN(auto o, document(j));
  ImageConfig c;
  TRY_ASSIGN(c.architecture, o.string("architecture"));
  TRY_ASSIGN(c.os, o.string("os"));
  for (auto [key, dest] : {std::pair{"created", &c.created}, std::pair{"author", &c.author},
                           std::pair{"os.version", &c.os_version}, std::pair{"variant", &c.variant}}) {
    TRY_ASSIGN(auto v, o.opt_string(key));
    *dest = v.value_or("");
  }
  TRY_ASSIGN(c.os_features, o.strings("os.features"));
  TRY_ASSIGN(auto config, o.opt_object("config"));
  if (config) {
    TRY_ASSIGN(c.config, parse_container_config(*config));
  }
  TRY_ASSIGN(auto rootfs, o.opt_object("rootfs"));
  if (!rootfs) return fail(ErrorKind::InvalidArgument, "rootfs: required field is missing");
  TRY_ASSIGN(auto type, rootfs->string("type"));
  if (type != "layers") return fail(ErrorKind::InvalidArgument, "rootfs.type: \"{}\" is not \"layers\"", type);
  TRY_ASSIGN(c.diff_ids, rootfs->strings("diff_ids"));
  TRY_ASSIGN(auto history, o.objects("history"));
  for (const auto& h : history) {
    History e;
    for (auto [key, dest] : {std::pair{"created", &e.created}, std::pair{"created_by", &e.created_by},
                             std::pair{"author", &e.author}, std::pair{"comment", &e.comment}}) {
      TRY_ASSIGN(auto v, h.opt_string(key));
      *dest = v.value_or("");
    }
    TRY_ASSIGN(auto empty, h.opt_bool("empty_layer"));
    e.empty_layer = empty.value_or(false);
    c.history.push_back(std::move(e));
  }
  return c;
}

Json to_json(const Descriptor& d) {
  Json j = {{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
  if (!d.urls.empty()) j["urls"] = d.urls;
  if (!d.annotations.empty()) j["annotations"] = d.annotations;
  if (d.platform) {
    Json p = {{"architecture", d.platform->architecture}, {"os", d.platform->os}};
    if (!d.platform->variant.empty()) p["variant"] = d.platform->variant;
    if (!d.platform->os_version.empty()) p["os.version"] = d.platform->os_version;
    if (!d.platform->os_features.empty()) p["os.features"] = d.platform->os_features;
    j["platform"] = p;
  }
  if (!d.artifact_type.empty()) j["artifactType"] = d.artifact_type;
  return j;
}

Json to_json(const Manifest& m) {
  Json layers = Json::array();
  for (const auto& l : m.layers) layers.push_back(to_json(l));
  Json j = {{"schemaVersion", 2}, {"mediaType", m.media_type}, {"config", to_json(m.config)}, {"layers", layers}};
  if (!m.artifact_type.empty()) j["artifactType"] = m.artifact_type;
  if (m.subject) j["subject"] = to_json(*m.subject);
  if (!m.annotations.empty()) j["annotations"] = m.annotations;
  return j;
}

Json to_json(const Index& i) {
  Json manifests = Json::array();
  for (const auto& m : i.manifests) manifests.push_back(to_json(m));
  Json j = {{"schemaVersion", 2}, {"mediaType", i.media_type}, {"manifests", manifests}};
  if (!i.annotations.empty()) j["annotations"] = i.annotations;
  return j;
}

Json to_json(const ImageConfig& c) {
  Json config = Json::object();
  const ContainerConfig& k = c.config;
  if (!k.user.empty()) config["User"] = k.user;
  if (!k.exposed_ports.empty()) config["ExposedPorts"] = string_set(k.exposed_ports);
  if (!k.env.empty()) config["Env"] = k.env;
  if (k.entrypoint) config["Entrypoint"] = *k.entrypoint;
  if (k.cmd) config["Cmd"] = *k.cmd;
  if (!k.volumes.empty()) config["Volumes"] = string_set(k.volumes);
  if (!k.working_dir.empty()) config["WorkingDir"] = k.working_dir;
  if (!k.labels.empty()) config["Labels"] = k.labels;
  if (!k.stop_signal.empty()) config["StopSignal"] = k.stop_signal;
  if (k.args_escaped) config["ArgsEscaped"] = true;
  if (k.healthcheck) {
    Json h = {{"Test", k.healthcheck->test}};
    if (k.healthcheck->interval) h["Interval"] = k.healthcheck->interval;
    if (k.healthcheck->timeout) h["Timeout"] = k.healthcheck->timeout;
    if (k.healthcheck->start_period) h["StartPeriod"] = k.healthcheck->start_period;
    if (k.healthcheck->start_interval) h["StartInterval"] = k.healthcheck->start_interval;
    if (k.healthcheck->retries) h["Retries"] = k.healthcheck->retries;
    config["Healthcheck"] = h;
  }
  if (!k.onbuild.empty()) config["OnBuild"] = k.onbuild;
  if (k.shell) config["Shell"] = *k.shell;
  Json history = Json::array();
  for (const auto& h : c.history) {
    Json e = Json::object();
    if (!h.created.empty()) e["created"] = h.created;
    if (!h.created_by.empty()) e["created_by"] = h.created_by;
    if (!h.author.empty()) e["author"] = h.author;
    if (!h.comment.empty()) e["comment"] = h.comment;
    if (h.empty_layer) e["empty_layer"] = true;
    history.push_back(e);
  }
  Json j = {{"architecture", c.architecture}, {"os", c.os}, {"config", config},
            {"rootfs", {{"type", "layers"}, {"diff_ids", c.diff_ids}}}};
  if (!c.created.empty()) j["created"] = c.created;
  if (!c.author.empty()) j["author"] = c.author;
  if (!c.variant.empty()) j["variant"] = c.variant;
  if (!c.os_version.empty()) j["os.version"] = c.os_version;
  if (!c.history.empty()) j["history"] = history;
  return j;
}

}  // namespace hako::oci
