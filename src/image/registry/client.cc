// RegistryClient setup, scheme choice, and the manifest and tag calls.
// Blob transfers are in client_blobs.cc.
#include "image/registry/client.h"

#include <cctype>
#include <thread>

#include "base/json.h"
#include "base/strings.h"
#include "image/registry/endpoint.h"
#include "image/registry/errors.h"
#include "image/registry/url.h"
#include "oci/image_spec.h"

namespace hako::image::registry {

const char* const kManifestAccept =
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

// Manifests are small; a bigger answer is a misbehaving server (containerd
// uses the same limit).
static constexpr size_t kMaxManifestBytes = 4 << 20;

// True when the user named the registry ("host:port" or "host") in the
// insecure list; CIDR entries are not looked at (loopback ones are the
// default anyway).
static bool listed_explicitly(const std::string& registry, const std::vector<std::string>& list) {
  std::string host = registry.substr(0, registry.rfind(':'));
  for (const auto& entry : list)
    if (entry == registry || entry == host) return true;
  return false;
}

Result<std::unique_ptr<RegistryClient>> RegistryClient::create(std::string registry, ClientOptions options) {
  if (registry.empty()) return fail(ErrorKind::InvalidArgument, "registry name is empty");
  TRY_ASSIGN(TlsOptions tls, load_certs_dir(options.certs_dirs, registry));
  return std::unique_ptr<RegistryClient>(new RegistryClient(std::move(registry), std::move(options), std::move(tls)));
}

RegistryClient::RegistryClient(std::string registry, ClientOptions options, TlsOptions tls)
    : registry_(std::move(registry)),
      host_(registry_endpoint_host(registry_)),
      options_(std::move(options)),
      tls_(std::move(tls)),
      insecure_(is_insecure_registry(registry_, options_.insecure_registries)),
      auth_(registry_, options_.credentials, options_.user_agent,
            options_.token_cache ? *options_.token_cache : TokenCache::process()) {
  // Loopback registries are insecure by default (as in Docker), unless
  // certs.d holds a CA for them: whoever put it there wants it checked.
  bool only_by_default = insecure_ && !listed_explicitly(registry_, options_.insecure_registries);
  if (only_by_default && !tls_.extra_ca_files.empty()) insecure_ = false;
  if (insecure_) tls_.verify = false;
}

std::string RegistryClient::base_url() {
  std::lock_guard lock(scheme_mu_);
  return (scheme_.empty() ? std::string("https") : scheme_) + "://" + host_;
}

std::string RegistryClient::name(std::string_view repo) const { return registry_ + "/" + std::string(repo); }

Request RegistryClient::make_request(std::string method) const {
  Request r;
  r.method = std::move(method);
  r.headers.set("User-Agent", options_.user_agent);
  r.connect_timeout = options_.connect_timeout;
  r.stall_timeout = options_.stall_timeout;
  return r;
}

bool RegistryClient::backoff(int attempt, const std::atomic<bool>* cancel) const {
  auto delay = options_.retry_delay * (1 << std::min(attempt - 1, 6));
  auto until = std::chrono::steady_clock::now() + delay;
  while (std::chrono::steady_clock::now() < until) {
    if (cancel && cancel->load()) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(50), until - std::chrono::steady_clock::now()));
  }
  return !(cancel && cancel->load());
}

Result<> RegistryClient::ensure_scheme(HttpClient& http) {
  // Held while probing, so concurrent first calls probe once.
  std::lock_guard lock(scheme_mu_);
  if (!scheme_.empty()) return {};
  if (!insecure_) {
    scheme_ = "https";
    return {};
  }
  // Any HTTP answer, even a 401 or 404, proves the scheme works.
  Request probe = make_request("GET");
  probe.tls = tls_;
  probe.url = "https://" + host_ + "/v2/";
  auto https = http.send(probe);
  if (https) {
    scheme_ = "https";
    return {};
  }
  probe.url = "http://" + host_ + "/v2/";
  auto plain = http.send(probe);
  if (plain) {
    scheme_ = "http";
    return {};
  }
  return fail(ErrorKind::Unavailable, "registry {} is unreachable over HTTPS ({}) and HTTP ({})", registry_,
              https.error().message(), plain.error().message());
}

Result<Response> RegistryClient::call(HttpClient& http, Request request, std::string_view target,
                                      const std::vector<std::string>& scopes, const BodyHandler* handler) {
  TRY(ensure_scheme(http));
  std::string base = base_url();
  request.url = target.starts_with("/") ? base + std::string(target) : std::string(target);
  if (url_origin(request.url) == url_origin(base)) {
    request.tls = tls_;
    return auth_.send(http, std::move(request), scopes, handler);
  }
  // Another origin (a storage backend's upload URL): it gets neither our
  // credentials nor our relaxed verification.
  request.headers.remove("Authorization");
  request.tls = TlsOptions{};
  return handler ? http.send(request, *handler) : http.send(request);
}

Result<> RegistryClient::ping() {
  auto lease = pool_.acquire();
  auto resp = call(*lease, make_request("GET"), "/v2/", {});
  std::string what = fmt::format("pinging registry {}", registry_);
  if (!resp) return std::unexpected(std::move(resp).error().context(what));
  if (resp->status == 200) return {};
  if (resp->status == 404)
    return fail(ErrorKind::NotFound, "{}: {} does not serve the registry API at /v2/", what, base_url());
  return std::unexpected(response_error(*resp, what));
}

static std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The media type of a fetched manifest. Some registries and static file
// servers answer "application/json" or "text/plain"; then the document
// says what it is, or its shape does.
static std::string manifest_media_type(const Response& resp) {
  std::string ct = resp.headers.get("Content-Type").value_or("");
  ct = lower(trim(std::string_view(ct).substr(0, ct.find(';'))));
  if (ct.starts_with("application/vnd.")) return ct;
  auto j = parse_json(resp.body, "manifest");
  if (!j || !j->is_object()) return ct;
  if (auto it = j->find("mediaType"); it != j->end() && it->is_string() && !it->get<std::string>().empty())
    return it->get<std::string>();
  if (auto it = j->find("schemaVersion"); it != j->end() && *it == 1)
    return "application/vnd.docker.distribution.manifest.v1+json";
  if (j->contains("manifests")) return oci::media::kIndex;
  if (j->contains("config") || j->contains("layers")) return oci::media::kManifest;
  return ct;
}

Result<FetchedManifest> RegistryClient::get_manifest(std::string_view repo, std::string_view reference) {
  bool by_digest = reference.find(':') != std::string_view::npos;
  std::string image = name(repo) + (by_digest ? "@" : ":") + std::string(reference);
  std::string what = fmt::format("fetching manifest for {}", image);
  std::optional<store::Digest> expected;
  if (by_digest) {
    auto d = store::Digest::parse(reference);
    if (!d) return std::unexpected(std::move(d).error().context(what));
    expected = *d;
  }
  auto lease = pool_.acquire();
  Request req = make_request("GET");
  req.headers.set("Accept", kManifestAccept);
  req.max_body = kMaxManifestBytes;
  req.follow_redirects = true;
  auto resp = call(*lease, std::move(req), fmt::format("/v2/{}/manifests/{}", repo, reference),
                   {repository_scope(repo, false)});
  if (!resp) return std::unexpected(std::move(resp).error().context(what));
  if (resp->status != 200)
    return std::unexpected(
        response_error(*resp, resp->status == 404 ? fmt::format("manifest for {} not found", image) : what));

  FetchedManifest m;
  m.media_type = manifest_media_type(*resp);
  m.bytes = std::move(resp->body);
  m.digest = store::sha256_of(m.bytes);
  if (expected && *expected != m.digest)
    return fail(ErrorKind::InvalidArgument, "{}: digest mismatch: expected {}, content hashes to {}", what,
                expected->to_string(), m.digest.to_string());
  if (!expected) {
    // Only a sha256 header can be checked; anything else is left alone
    // (the bytes are what gets stored, under the digest computed here).
    if (auto header = resp->headers.get("Docker-Content-Digest")) {
      auto claimed = store::Digest::parse(*header);
      if (claimed && *claimed != m.digest)
        return fail(ErrorKind::InvalidArgument, "{}: registry says its digest is {}, content hashes to {}", what,
                    claimed->to_string(), m.digest.to_string());
    }
  }
  return m;
}

Result<store::Digest> RegistryClient::put_manifest(std::string_view repo, std::string_view reference,
                                                   std::string_view bytes, std::string_view media_type) {
  bool by_digest = reference.find(':') != std::string_view::npos;
  std::string image = name(repo) + (by_digest ? "@" : ":") + std::string(reference);
  std::string what = fmt::format("pushing manifest for {}", image);
  store::Digest digest = store::sha256_of(bytes);
  if (by_digest && reference != digest.to_string())
    return fail(ErrorKind::InvalidArgument, "{}: the manifest's digest is {}", what, digest.to_string());
  auto lease = pool_.acquire();
  Request req = make_request("PUT");
  req.headers.set("Content-Type", std::string(media_type));
  req.body = std::string(bytes);
  auto resp = call(*lease, std::move(req), fmt::format("/v2/{}/manifests/{}", repo, reference),
                   {repository_scope(repo, true)});
  if (!resp) return std::unexpected(std::move(resp).error().context(what));
  if (resp->status / 100 != 2) return std::unexpected(response_error(*resp, what));
  if (auto header = resp->headers.get("Docker-Content-Digest"); header && *header != digest.to_string())
    return fail(ErrorKind::Unavailable, "{}: registry stored it as {}, expected {}", what, *header, digest.to_string());
  return digest;
}

// The target of a Link header's rel="next", or "".
static std::string next_link(const std::vector<std::string>& links) {
  for (const auto& value : links) {
    std::string_view v = value;
    while (!v.empty()) {
      auto open = v.find('<'), close = v.find('>');
      if (open == std::string_view::npos || close == std::string_view::npos || close < open) break;
      std::string_view target = v.substr(open + 1, close - open - 1);
      v.remove_prefix(close + 1);
      std::string_view params = v.substr(0, v.find('<'));
      std::string p = lower(params);
      if (p.find("rel=\"next\"") != std::string::npos || p.find("rel=next") != std::string::npos)
        return std::string(target);
    }
  }
  return {};
}

Result<std::vector<std::string>> RegistryClient::list_tags(std::string_view repo) {
  std::string what = fmt::format("listing tags of {}", name(repo));
  std::vector<std::string> tags;
  std::string target = fmt::format("/v2/{}/tags/list", repo);
  auto lease = pool_.acquire();
  // A bound on pages, so a registry whose "next" loops cannot hang us.
  for (int page = 0; page < 10000 && !target.empty(); ++page) {
    Request req = make_request("GET");
    req.follow_redirects = true;
    auto resp = call(*lease, std::move(req), target, {repository_scope(repo, false)});
    if (!resp) return std::unexpected(std::move(resp).error().context(what));
    if (resp->status != 200) return std::unexpected(response_error(*resp, what));
    auto j = parse_json(resp->body, "tag list");
    if (!j) return std::unexpected(std::move(j).error().context(what));
    auto o = JsonObject::of(*j, "tag list");
    if (!o) return std::unexpected(std::move(o).error().context(what));
    auto page_tags = o->strings("tags");
    if (!page_tags) return std::unexpected(std::move(page_tags).error().context(what));
    tags.insert(tags.end(), page_tags->begin(), page_tags->end());
    std::string next = next_link(resp->headers.get_all("Link"));
    target = next.empty() ? std::string() : resolve_url(resp->url, next);
  }
  return tags;
}

}  // namespace hako::image::registry
