// RegistryClient: the OCI distribution protocol against one registry.
//
// Contract:
//   - One client per registry (a Reference's domain: "docker.io",
//     "127.0.0.1:5000"). Repositories are Reference paths
//     ("library/busybox"). Every call is safe from several threads at once:
//     each borrows its own HTTP handle from the client's pool.
//   - Scheme: HTTPS with verification. Insecure registries (loopback and
//     ClientOptions::insecure_registries, see endpoint.h) are probed once,
//     like Docker: HTTPS without verification, and on a connection or TLS
//     failure plain HTTP. The answer is kept for the client's lifetime.
//   - Authentication is handled inside (auth.h): callers never see a 401
//     unless the credentials really are refused.
//   - Errors: PermissionDenied for 401/403 with the registry's words
//     ("unauthorized: authentication required"), NotFound for 404 and the
//     *_UNKNOWN codes, InvalidArgument for content that fails its digest,
//     Unavailable for the rest (transport failures, 5xx, cancellation).
//     Messages name the image or blob and the registry.
//   - Nothing is written to a blob store except through the BlobWriter the
//     caller passes, which verifies digest and size before publishing.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "image/registry/auth.h"
#include "image/registry/credentials.h"
#include "image/registry/http.h"
#include "image/registry/transfer.h"
#include "store/blob_store.h"
#include "store/digest.h"

namespace hako::image::registry {

struct ClientOptions {
  // See is_insecure_registry(): "host", "host:port" or an IP CIDR.
  std::vector<std::string> insecure_registries;
  // For this registry (read_credentials() finds them); none: anonymous.
  std::optional<Credentials> credentials;
  // certs.d roots searched for <root>/<registry>/ (endpoint.h).
  std::vector<std::string> certs_dirs = {"/etc/hako/certs.d", "/etc/docker/certs.d"};
  std::string user_agent = "hako";
  // Extra attempts of a blob transfer after a transient failure (a dropped
  // connection, a 5xx); a download continues where it stopped.
  int transfer_retries = 2;
  std::chrono::milliseconds retry_delay{1000};  // doubled after each attempt
  std::chrono::seconds connect_timeout{30};
  std::chrono::seconds stall_timeout{60};
  TokenCache* token_cache = nullptr;  // null: the process-wide cache
};

struct FetchedManifest {
  std::string bytes;       // exactly as served: its digest is the image's identity
  std::string media_type;  // Content-Type, or the document's "mediaType" when that is generic
  store::Digest digest;    // sha256 of bytes, verified against the reference when it is a digest
};

// What every manifest request accepts: OCI manifest and index, Docker
// schema2 manifest and manifest list.
extern const char* const kManifestAccept;

class RegistryClient {
 public:
  // Reads TLS material for the registry from options.certs_dirs; fails
  // only on a broken certs directory (InvalidArgument naming the file).
  static Result<std::unique_ptr<RegistryClient>> create(std::string registry, ClientOptions options = {});

  const std::string& registry() const { return registry_; }
  bool insecure() const { return insecure_; }
  // "https://host" or "http://host" once decided (after the first call).
  std::string base_url();

  // GET /v2/: checks the registry speaks the API and, with credentials,
  // that they are accepted (what `docker login` does).
  Result<> ping();

  // `reference` is a tag or a digest ("sha256:...").
  Result<FetchedManifest> get_manifest(std::string_view repo, std::string_view reference);

  Result<bool> blob_exists(std::string_view repo, const store::Digest& digest);

  // Downloads into `writer` and commits it with digest and size checked;
  // returns the committed digest. A writer that already holds a prefix
  // (resume_write) continues from writer.offset() with a Range request; a
  // server that ignores Range has the prefix skipped from its full answer.
  // Transient failures are retried (options.transfer_retries), each retry
  // continuing from what arrived. On failure the writer is left as it is:
  // a ref-keyed writer keeps the prefix for a later resume; a digest or
  // size mismatch has already discarded it.
  Result<store::Digest> fetch_blob(std::string_view repo, const store::Digest& digest, uint64_t size,
                                   store::BlobWriter& writer, const ByteProgress& progress = {},
                                   const std::atomic<bool>* cancel = nullptr);

  // Cross-repository mount. true: the blob is now in `repo`; false: the
  // registry declined (the upload session it opened instead is cancelled),
  // so upload it.
  Result<bool> mount_blob(std::string_view repo, const store::Digest& digest, std::string_view from_repo);

  // Uploads `size` bytes of `fd` (read with pread from offset 0) as one
  // monolithic PUT after a POST; retried from the start on transient
  // failures.
  Result<> upload_blob(std::string_view repo, const store::Digest& digest, int fd, uint64_t size,
                       const ByteProgress& progress = {}, const std::atomic<bool>* cancel = nullptr);

  // PUT a manifest under a tag or its digest; returns its digest.
  Result<store::Digest> put_manifest(std::string_view repo, std::string_view reference, std::string_view bytes,
                                     std::string_view media_type);

  // Every tag, following Link pagination.
  Result<std::vector<std::string>> list_tags(std::string_view repo);

 private:
  RegistryClient(std::string registry, ClientOptions options, TlsOptions tls);

  // Decides the scheme on first contact (see the file comment).
  Result<> ensure_scheme(HttpClient& http);
  // Sends `request` to `target` (a path and query on the registry, or an
  // absolute URL): registry origins get the registry's TLS settings and
  // authorization for `scopes`; other origins get neither.
  Result<Response> call(HttpClient& http, Request request, std::string_view target,
                        const std::vector<std::string>& scopes, const BodyHandler* handler = nullptr);
  Request make_request(std::string method) const;
  std::string name(std::string_view repo) const;
  // Sleeps before retry `attempt` (1-based); false when cancelled meanwhile.
  bool backoff(int attempt, const std::atomic<bool>* cancel) const;

  std::string registry_;
  std::string host_;  // where the API lives ("registry-1.docker.io")
  ClientOptions options_;
  TlsOptions tls_;
  bool insecure_;
  Authenticator auth_;
  HttpClientPool pool_;
  std::mutex scheme_mu_;
  std::string scheme_;  // "https", "http", or "" until decided
};

}  // namespace hako::image::registry
