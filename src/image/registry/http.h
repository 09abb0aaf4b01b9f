// A blocking HTTP/1.1 (and HTTP/2 over TLS) client: the only part of hako
// that knows libcurl exists. Everything curl-specific is in http.cc so the
// library can later be loaded lazily without touching its callers.
//
// Contract:
//   - send() returns a Response for any HTTP status, including 4xx/5xx; an
//     Error means no usable response (connect, TLS, timeout, a dropped
//     connection, a body over the limit). Transport errors are
//     ErrorKind::Unavailable with the method and URL in the message:
//     "GET https://x/v2/: connection refused". Query strings are left out of
//     messages: redirected storage URLs carry signatures there.
//   - An HttpClient owns one curl easy handle and its connection cache. It
//     is not thread-safe: use one per thread (HttpClientPool hands them out).
//   - Redirects are followed by this code, not curl, so the rule "an
//     Authorization header never goes to another origin" is ours and holds
//     whatever libcurl version is loaded.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace hako::image::registry {

// Header fields in arrival order; names compare case-insensitively and a
// name may repeat (WWW-Authenticate, Link).
class Headers {
 public:
  void add(std::string name, std::string value);
  // Replaces every field of that name with one.
  void set(std::string name, std::string value);
  void remove(std::string_view name);
  std::optional<std::string> get(std::string_view name) const;  // the first
  std::vector<std::string> get_all(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

bool iequals(std::string_view a, std::string_view b);

struct TlsOptions {
  bool verify = true;  // peer certificate and host name
  // PEM CA bundles trusted in addition to the system CAs (certs.d/<host>/*.crt).
  std::vector<std::string> extra_ca_files;
  std::string client_cert, client_key;  // PEM files; both or neither
};

struct Request {
  std::string method = "GET";
  std::string url;
  Headers headers;
  // The body: `body`, or when body_fd >= 0, body_length bytes read with
  // pread() from body_offset (so a retry or redirect can send it again
  // without seeking; the fd's file position is never used).
  std::string body;
  int body_fd = -1;
  uint64_t body_offset = 0;
  uint64_t body_length = 0;
  bool follow_redirects = false;  // at most 10 hops
  TlsOptions tls;
  std::chrono::seconds connect_timeout{30};
  // Abort when no byte moved in either direction for this long: a stuck
  // registry must not hang a pull forever, but a big layer may take hours.
  std::chrono::seconds stall_timeout{60};
  std::chrono::seconds total_timeout{0};  // 0: no limit
  // Largest body buffered into Response::body (streamed bodies are exempt).
  size_t max_body = 8 << 20;
  // When set and true, the transfer stops with "cancelled" (Unavailable)
  // within about a second: how a failed sibling stops a long download.
  const std::atomic<bool>* cancel = nullptr;
  // Called with the bytes of the body sent so far (from curl's thread, i.e.
  // the caller's). May be called again from 0 when a redirect resends.
  std::function<void(uint64_t sent)> on_upload_progress;
};

struct Response {
  int status = 0;
  std::string reason;  // "Not Found", may be empty (HTTP/2 has none)
  Headers headers;
  std::string body;
  std::string url;  // the URL that produced this response, after redirects
};

// Receives a 2xx body as it arrives instead of buffering it. Any other
// final status is returned normally with its body buffered (it is an error
// document). Returning an error from a callback aborts the transfer and
// send() returns exactly that error.
struct BodyHandler {
  // Once, when the final 2xx response's headers are in (body empty).
  std::function<Result<>(const Response& head)> on_head;
  std::function<Result<>(std::string_view chunk)> on_data;
};

class HttpClient {
 public:
  HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  ~HttpClient();

  Result<Response> send(const Request& request);
  Result<Response> send(const Request& request, const BodyHandler& handler);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Idle HttpClients for reuse, so concurrent transfers each get their own
// easy handle and sequential calls keep their connections alive.
class HttpClientPool {
 public:
  class Lease {
   public:
    Lease(HttpClientPool* pool, std::unique_ptr<HttpClient> client) : pool_(pool), client_(std::move(client)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    HttpClient& operator*() { return *client_; }
    HttpClient* operator->() { return client_.get(); }

   private:
    HttpClientPool* pool_;
    std::unique_ptr<HttpClient> client_;
  };

  Lease acquire();

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<HttpClient>> idle_;
};

// True for statuses worth retrying: the server may answer differently soon.
inline bool is_transient_status(int status) { return status == 408 || status == 429 || status >= 500; }

}  // namespace hako::image::registry
