// RegistryClient's blob calls: existence, download with resume, mount and
// monolithic upload.
#include "base/log.h"
#include "image/registry/client.h"
#include "image/registry/errors.h"
#include "image/registry/url.h"

namespace hako::image::registry {

Result<bool> RegistryClient::blob_exists(std::string_view repo, const store::Digest& digest) {
  std::string what = fmt::format("checking for blob {} in {}", digest.to_string(), name(repo));
  auto lease = pool_.acquire();
  // Redirects are not followed: storage URLs are often signed for GET only
  // and refuse a HEAD, while the redirect itself already says "it exists".
  auto resp = call(*lease, make_request("HEAD"), fmt::format("/v2/{}/blobs/{}", repo, digest.to_string()),
                   {repository_scope(repo, false)});
  if (!resp) return std::unexpected(std::move(resp).error().context(what));
  if (resp->status / 100 == 2 || resp->status / 100 == 3) return true;
  if (resp->status == 404) return false;
  return std::unexpected(response_error(*resp, what));
}

Result<store::Digest> RegistryClient::fetch_blob(std::string_view repo, const store::Digest& digest, uint64_t size,
                                                 store::BlobWriter& writer, const ByteProgress& progress,
                                                 const std::atomic<bool>* cancel) {
  std::string what = fmt::format("fetching blob {} from {}", digest.to_string(), name(repo));
  std::string target = fmt::format("/v2/{}/blobs/{}", repo, digest.to_string());
  auto lease = pool_.acquire();
  if (progress && writer.offset() > 0) progress(writer.offset(), size);
  for (int attempt = 0;;) {
    uint64_t offset = writer.offset();
    if (offset >= size) break;  // all there (or too much: commit says which)
    Request req = make_request("GET");
    req.follow_redirects = true;  // registries hand blobs to their storage
    req.cancel = cancel;
    if (offset > 0) req.headers.set("Range", fmt::format("bytes={}-", offset));

    uint64_t skip = 0;
    // Set when retrying cannot help: our disk, a lying server.
    std::optional<Error> fatal;
    auto stop = [&](Error e) -> Result<> {
      fatal = e;
      return std::unexpected(std::move(e));
    };
    BodyHandler handler;
    handler.on_head = [&](const Response& head) -> Result<> {
      if (head.status == 206) {
        std::string range = head.headers.get("Content-Range").value_or("");
        if (!range.starts_with(fmt::format("bytes {}-", offset)))
          return stop(Error(ErrorKind::Unavailable, fmt::format("{}: asked for bytes from {}, the server sent \"{}\"",
                                                                what, offset, range)));
      } else if (head.status == 200) {
        skip = offset;  // Range ignored: the whole blob again, drop what we have
      } else {
        return stop(Error(ErrorKind::Unavailable, fmt::format("{}: unexpected HTTP status {}", what, head.status)));
      }
      return {};
    };
    handler.on_data = [&](std::string_view chunk) -> Result<> {
      size_t n = static_cast<size_t>(std::min<uint64_t>(skip, chunk.size()));
      chunk.remove_prefix(n);
      skip -= n;
      if (chunk.empty()) return {};
      // Never store more than the descriptor promised: a hostile or broken
      // server must not be able to fill the disk.
      if (writer.offset() + chunk.size() > size)
        return stop(Error(ErrorKind::InvalidArgument,
                          fmt::format("{}: the registry sent more than the {} bytes the descriptor gives", what, size)));
      auto w = writer.write(chunk);
      if (!w) return stop(std::move(w).error().context(what));
      if (progress) progress(writer.offset(), size);
      return {};
    };

    auto resp = call(*lease, std::move(req), target, {repository_scope(repo, false)}, &handler);
    if (fatal) return std::unexpected(std::move(*fatal));
    Error failure(ErrorKind::Unavailable, what);
    if (!resp) {
      failure = std::move(resp).error().context(what);
      // Only the network is worth another try; our own failures are not.
      if (failure.kind() != ErrorKind::Unavailable) return std::unexpected(std::move(failure));
    } else if (resp->status == 200 || resp->status == 206) {
      if (writer.offset() >= size) break;
      failure = Error(ErrorKind::Unavailable,
                      fmt::format("{}: connection closed after {} of {} bytes", what, writer.offset(), size));
    } else {
      failure = response_error(*resp, what);
      if (!is_transient_status(resp->status)) return std::unexpected(std::move(failure));
    }
    if (++attempt > options_.transfer_retries || !backoff(attempt, cancel)) return std::unexpected(std::move(failure));
    log::debug(fmt::format("{}; retrying from byte {} (attempt {} of {})", failure.message(), writer.offset(),
                           attempt + 1, options_.transfer_retries + 1));
  }
  auto committed = writer.commit(digest, size);
  if (!committed) return std::unexpected(std::move(committed).error().context(what));
  return committed;
}

Result<bool> RegistryClient::mount_blob(std::string_view repo, const store::Digest& digest,
                                        std::string_view from_repo) {
  std::string what = fmt::format("mounting blob {} from {} into {}", digest.to_string(), from_repo, name(repo));
  auto lease = pool_.acquire();
  std::string target = fmt::format("/v2/{}/blobs/uploads/?mount={}&from={}", repo, percent_encode(digest.to_string()),
                                   percent_encode(from_repo));
  std::vector<std::string> scopes = {repository_scope(repo, true), repository_scope(from_repo, false)};
  auto resp = call(*lease, make_request("POST"), target, scopes);
  if (!resp) return std::unexpected(std::move(resp).error().context(what));
  if (resp->status == 201) return true;
  if (resp->status == 202) {
    // The registry opened an ordinary upload instead. Cancel it: the
    // caller's upload_blob starts its own, and a stale session only costs
    // the registry space until it expires. Failure here changes nothing.
    if (auto location = resp->headers.get("Location"))
      (void)call(*lease, make_request("DELETE"), resolve_url(resp->url, *location), scopes);
    return false;
  }
  return std::unexpected(response_error(*resp, what));
}

Result<> RegistryClient::upload_blob(std::string_view repo, const store::Digest& digest, int fd, uint64_t size,
                                     const ByteProgress& progress, const std::atomic<bool>* cancel) {
  std::string what = fmt::format("pushing blob {} to {}", digest.to_string(), name(repo));
  std::vector<std::string> scopes = {repository_scope(repo, true)};
  auto lease = pool_.acquire();
  for (int attempt = 0;;) {
    Error failure(ErrorKind::Unavailable, what);
    bool transient = true;
    auto start = call(*lease, make_request("POST"), fmt::format("/v2/{}/blobs/uploads/", repo), scopes);
    std::optional<std::string> location;
    if (!start) {
      failure = std::move(start).error().context(what);
      transient = failure.kind() == ErrorKind::Unavailable;
    } else if (start->status != 202) {
      failure = response_error(*start, what);
      transient = is_transient_status(start->status);
    } else if (!(location = start->headers.get("Location"))) {
      failure = Error(ErrorKind::Unavailable, fmt::format("{}: the registry opened no upload location", what));
      transient = false;
    } else {
      // The location may be relative and may carry state in its query,
      // which must go back unchanged with the digest added.
      Request put = make_request("PUT");
      put.headers.set("Content-Type", "application/octet-stream");
      put.body_fd = fd;
      put.body_length = size;
      put.cancel = cancel;
      if (progress) put.on_upload_progress = [&](uint64_t sent) { progress(sent, size); };
      std::string url = append_query(resolve_url(start->url, *location), "digest", digest.to_string());
      auto done = call(*lease, std::move(put), url, scopes);
      if (!done) {
        failure = std::move(done).error().context(what);
        transient = failure.kind() == ErrorKind::Unavailable;
      } else if (done->status / 100 == 2) {
        auto stored = done->headers.get("Docker-Content-Digest");
        if (stored && *stored != digest.to_string())
          return fail(ErrorKind::Unavailable, "{}: registry stored it as {}", what, *stored);
        return {};
      } else {
        failure = response_error(*done, what);
        transient = is_transient_status(done->status);
      }
    }
    if (!transient || ++attempt > options_.transfer_retries || !backoff(attempt, cancel))
      return std::unexpected(std::move(failure));
    log::debug(fmt::format("{}; retrying (attempt {} of {})", failure.message(), attempt + 1,
                           options_.transfer_retries + 1));
  }
}

}  // namespace hako::image::registry
