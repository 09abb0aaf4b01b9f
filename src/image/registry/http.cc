// The libcurl adapter. Keep every curl_* call in this file (see http.h).
#include "image/registry/http.h"

#include "image/registry/curl_api.h"
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <exception>

#include "base/strings.h"
#include "image/registry/url.h"

namespace hako::image::registry {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

void Headers::add(std::string name, std::string value) { entries_.emplace_back(std::move(name), std::move(value)); }

void Headers::set(std::string name, std::string value) {
  remove(name);
  add(std::move(name), std::move(value));
}

void Headers::remove(std::string_view name) {
  std::erase_if(entries_, [&](const auto& e) { return iequals(e.first, name); });
}

std::optional<std::string> Headers::get(std::string_view name) const {
  for (const auto& [k, v] : entries_)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

std::vector<std::string> Headers::get_all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : entries_)
    if (iequals(k, name)) out.push_back(v);
  return out;
}

HttpClientPool::Lease::~Lease() {
  if (!pool_ || !client_) return;
  std::lock_guard lock(pool_->mu_);
  if (pool_->idle_.size() < 16) pool_->idle_.push_back(std::move(client_));
}

HttpClientPool::Lease HttpClientPool::acquire() {
  std::lock_guard lock(mu_);
  if (idle_.empty()) return Lease(this, std::make_unique<HttpClient>());
  auto c = std::move(idle_.back());
  idle_.pop_back();
  return Lease(this, std::move(c));
}

namespace {

void global_init() {
  // curl_global_init is not thread-safe on every build; once is enough.
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_api().loaded) curl_global_init(CURL_GLOBAL_DEFAULT);
  });
}

std::string redact(std::string_view url) { return std::string(url.substr(0, url.find('?'))); }

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// What one curl_easy_perform reads and writes through its callbacks.
struct Exchange {
  const Request* req = nullptr;
  const BodyHandler* handler = nullptr;  // null: buffer every body
  bool has_body = false;
  bool redirects_followed = false;  // a 3xx with Location is not final then
  Response resp;
  bool streaming = false;  // the body goes to handler->on_data
  bool over_limit = false;
  bool was_cancelled = false;
  std::optional<Error> callback_error;
  uint64_t sent = 0;
};

size_t header_line(char* data, size_t size, size_t n, void* p) {
  auto* x = static_cast<Exchange*>(p);
  size_t total = size * n;
  std::string_view line(data, total);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    // A new status line: an interim 1xx or the next response. Start over.
    x->resp.headers = Headers();
    x->resp.reason.clear();
    auto sp = line.find(' ');
    std::string_view rest = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    auto sp2 = rest.find(' ');
    x->resp.status = static_cast<int>(parse_int(rest.substr(0, sp2)).value_or(0));
    if (sp2 != std::string_view::npos) x->resp.reason = std::string(trim(rest.substr(sp2 + 1)));
    return total;
  }
  if (line.empty()) {
    int status = x->resp.status;
    if (status < 200) return total;  // end of an interim response
    bool will_follow = x->redirects_followed && is_redirect(status) && x->resp.headers.get("Location");
    if (x->handler && !will_follow && status / 100 == 2) {
      x->streaming = true;
      if (x->handler->on_head) {
        auto r = x->handler->on_head(x->resp);
        if (!r) {
          x->callback_error = std::move(r).error();
          return 0;
        }
      }
    }
    return total;
  }
  // Obsolete line folding (RFC 9112 5.2) is not worth supporting; such a
  // continuation line is dropped.
  if (line.front() == ' ' || line.front() == '\t') return total;
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return total;
  x->resp.headers.add(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  return total;
}

// curl calls this often, also while a transfer idles, so a cancel is seen
// within about a second even when no data moves.
int on_xferinfo(void* p, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* x = static_cast<Exchange*>(p);
  if (!x->req->cancel || !x->req->cancel->load()) return 0;
  x->was_cancelled = true;
  return 1;
}

size_t body_chunk(char* data, size_t size, size_t n, void* p) {
  auto* x = static_cast<Exchange*>(p);
  size_t total = size * n;
  if (x->streaming) {
    if (x->handler->on_data) {
      auto r = x->handler->on_data(std::string_view(data, total));
      if (!r) {
        x->callback_error = std::move(r).error();
        return 0;
      }
    }
    return total;
  }
  if (x->resp.body.size() + total > x->req->max_body) {
    x->over_limit = true;
    return 0;
  }
  x->resp.body.append(data, total);
  return total;
}

size_t body_read(char* buf, size_t size, size_t n, void* p) {
  auto* x = static_cast<Exchange*>(p);
  const Request& req = *x->req;
  uint64_t length = req.body_fd >= 0 ? req.body_length : req.body.size();
  size_t want = static_cast<size_t>(std::min<uint64_t>(size * n, length - x->sent));
  if (want == 0) return 0;
  size_t got = want;
  if (req.body_fd >= 0) {
    ssize_t r;
    do {
      r = ::pread(req.body_fd, buf, want, static_cast<off_t>(req.body_offset + x->sent));
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
      x->callback_error = sys_error("reading the request body");
      return CURL_READFUNC_ABORT;
    }
    if (r == 0) {
      x->callback_error = Error(ErrorKind::Internal, fmt::format("request body ended after {} of {} bytes",
                                                                 x->sent, length));
      return CURL_READFUNC_ABORT;
    }
    got = static_cast<size_t>(r);
  } else {
    std::memcpy(buf, req.body.data() + x->sent, want);
  }
  x->sent += got;
  if (req.on_upload_progress) req.on_upload_progress(x->sent);
  return got;
}

// No exception may unwind through libcurl's C frames: a throwing callback
// (ours allocating, a caller's progress function) becomes an error.
template <size_t (*Fn)(char*, size_t, size_t, void*), size_t kAbort>
size_t guarded(char* data, size_t size, size_t n, void* p) {
  try {
    return Fn(data, size, n, p);
  } catch (const std::exception& e) {
    static_cast<Exchange*>(p)->callback_error = Error(ErrorKind::Internal, fmt::format("HTTP callback failed: {}", e.what()));
  } catch (...) {
    static_cast<Exchange*>(p)->callback_error = Error(ErrorKind::Internal, "HTTP callback failed");
  }
  return kAbort;
}

// curl rewinds the body when it must send it again (an HTTP/2 stream
// refused, a reused connection found dead).
int on_seek(void* p, curl_off_t offset, int origin) {
  auto* x = static_cast<Exchange*>(p);
  if (origin != SEEK_SET || offset < 0) return CURL_SEEKFUNC_CANTSEEK;
  x->sent = static_cast<uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

// Adds CA files to the verification store curl built from the system CAs;
// CURLOPT_CAINFO would replace the system CAs instead.
CURLcode add_extra_cas(CURL*, void* ssl_ctx, void* p) {
  for (const auto& file : *static_cast<const std::vector<std::string>*>(p))
    if (!curl_api().ssl_ctx_load_verify_locations ||
        curl_api().ssl_ctx_load_verify_locations(ssl_ctx, file.c_str(), nullptr) != 1)
      return CURLE_SSL_CACERT_BADFILE;
  return CURLE_OK;
}

struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistFree>;

std::string describe(CURLcode rc, const char* errbuf, long os_errno, const std::vector<std::string>& cas) {
  std::string msg;
  if (rc == CURLE_COULDNT_CONNECT && os_errno != 0) {
    msg = std::strerror(static_cast<int>(os_errno));
  } else if (rc == CURLE_SSL_CACERT_BADFILE && !cas.empty()) {
    msg = fmt::format("cannot load CA file(s) {}", join(cas, ", "));
  } else {
    msg = errbuf[0] ? errbuf : curl_easy_strerror(rc);
  }
  // "Connection refused" reads "connection refused" mid-sentence; "SSL ..." stays.
  if (msg.size() > 1 && std::islower(static_cast<unsigned char>(msg[1])))
    msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
  return msg;
}

}  // namespace

struct HttpClient::Impl {
  CURL* easy = nullptr;
  Impl() {
    global_init();
    if (curl_api().loaded) easy = curl_easy_init();
  }
  ~Impl() {
    if (easy) curl_easy_cleanup(easy);
  }
  Result<Response> send(const Request& req, const BodyHandler* handler);
  Result<> perform(Exchange& x, const std::string& method, const std::string& url, const Headers& headers,
                   const TlsOptions& tls);
};

Result<> HttpClient::Impl::perform(Exchange& x, const std::string& method, const std::string& url,
                                   const Headers& headers, const TlsOptions& tls) {
  const Request& req = *x.req;
  if (!curl_api().loaded) return fail(ErrorKind::NotSupported, "{} {}: {}", method, redact(url), curl_api().error);
  if (!easy) return fail(ErrorKind::Internal, "{} {}: cannot create a curl handle", method, redact(url));
  CURL* h = easy;
  curl_easy_reset(h);  // keeps the connection and TLS session caches
  char errbuf[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM in threads
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(req.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(req.stall_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(req.total_timeout.count()));

  if (method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (x.has_body) {
      uint64_t length = req.body_fd >= 0 ? req.body_length : req.body.size();
      curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(length));
      curl_easy_setopt(h, CURLOPT_READFUNCTION, (guarded<body_read, CURL_READFUNC_ABORT>));
      curl_easy_setopt(h, CURLOPT_READDATA, &x);
      curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, on_seek);
      curl_easy_setopt(h, CURLOPT_SEEKDATA, &x);
    } else if (method == "POST" || method == "PUT" || method == "PATCH") {
      // An explicit empty body, so curl sends "Content-Length: 0".
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(0));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
    }
  }

  Slist list;
  auto append = [&](const std::string& line) {
    if (curl_slist* l = curl_slist_append(list.get(), line.c_str())) {
      (void)list.release();  // l is the same list, now one longer
      list.reset(l);
    }
  };
  for (const auto& [k, v] : headers.entries()) append(v.empty() ? k + ";" : k + ": " + v);
  // 100-continue would cost a round trip (or a 1 s wait) per upload, and
  // the upload session is already authorized when the body is sent.
  if (x.has_body) append("Expect:");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list.get());

  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, tls.verify ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, tls.verify ? 2L : 0L);
  if (!tls.client_cert.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERT, tls.client_cert.c_str());
    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
  }
  if (!tls.client_key.empty()) curl_easy_setopt(h, CURLOPT_SSLKEY, tls.client_key.c_str());
  if (!tls.extra_ca_files.empty()) {
#if LIBCURL_VERSION_NUM >= 0x075700
    // A cached CA store is shared by later handshakes; ours must not be.
    curl_easy_setopt(h, CURLOPT_CA_CACHE_TIMEOUT, 0L);
#endif
    CURLcode rc = curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, add_extra_cas);
    if (rc == CURLE_OK) {
      curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, &tls.extra_ca_files);
    } else {
      // A TLS backend without SSL_CTX access: the first file replaces the
      // system CAs, which is still right for a private registry.
      curl_easy_setopt(h, CURLOPT_CAINFO, tls.extra_ca_files.front().c_str());
    }
  }

  if (req.cancel) {
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_xferinfo);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &x);
  }
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, (guarded<header_line, 0>));
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, (guarded<body_chunk, 0>));
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);

  CURLcode rc = curl_easy_perform(h);
  // Nothing set above may outlive this call: the slist and errbuf die here.
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  if (rc != CURLE_OK) {
    if (x.callback_error) return std::unexpected(std::move(*x.callback_error));
    if (x.was_cancelled) return fail(ErrorKind::Unavailable, "{} {}: cancelled", method, redact(url));
    if (x.over_limit)
      return fail(ErrorKind::Unavailable, "{} {}: response body exceeds {} bytes", method, redact(url), req.max_body);
    long os_errno = 0;
    curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
    return std::unexpected(Error(ErrorKind::Unavailable,
                                 fmt::format("{} {}: {}", method, redact(url),
                                             describe(rc, errbuf, os_errno, tls.extra_ca_files)),
                                 static_cast<int>(os_errno)));
  }
  if (x.resp.status == 0) return fail(ErrorKind::Unavailable, "{} {}: no HTTP status in the response", method, redact(url));
  x.resp.url = url;
  return {};
}

Result<Response> HttpClient::Impl::send(const Request& req, const BodyHandler* handler) {
  std::string method = req.method, url = req.url;
  Headers headers = req.headers;
  TlsOptions tls = req.tls;
  bool has_body = req.body_fd >= 0 ? true : !req.body.empty();
  const std::string origin = url_origin(url);
  for (int hop = 0;; ++hop) {
    Exchange x;
    x.req = &req;
    x.handler = handler;
    x.has_body = has_body;
    x.redirects_followed = req.follow_redirects;
    TRY(perform(x, method, url, headers, tls));
    auto location = x.resp.headers.get("Location");
    if (!req.follow_redirects || !is_redirect(x.resp.status) || !location) return std::move(x.resp);
    if (hop == 10) return fail(ErrorKind::Unavailable, "{} {}: stopped after 10 redirects", req.method, redact(req.url));
    std::string next = resolve_url(url, *location);
    if (!next.starts_with("https://") && !next.starts_with("http://"))
      return fail(ErrorKind::Unavailable, "{} {}: redirect to an unsupported location \"{}\"", method, redact(url),
                  redact(*location));
    if (x.resp.status == 303 || ((x.resp.status == 301 || x.resp.status == 302) && method == "POST")) {
      method = "GET";
      has_body = false;
    }
    if (url_origin(next) != origin) {
      // Credentials are for the registry, not for its storage backend.
      // Verification settings stay: a registry trusted without them is
      // trusted to name its own storage, as Docker does.
      headers.remove("Authorization");
      tls.client_cert.clear();
      tls.client_key.clear();
    }
    url = std::move(next);
  }
}

HttpClient::HttpClient() : impl_(std::make_unique<Impl>()) {}
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;
HttpClient::~HttpClient() = default;

Result<Response> HttpClient::send(const Request& request) { return impl_->send(request, nullptr); }

Result<Response> HttpClient::send(const Request& request, const BodyHandler& handler) {
  return impl_->send(request, &handler);
}

}  // namespace hako::image::registry
