// libcurl, loaded when the first HTTP request is made rather than when hako
// starts. Linking it would make every hako command (and every `hako-runtime
// state` that containerd runs) load libcurl and its ~30 dependencies, which
// costs ~10 ms per process; only pulls, pushes and logins need it.
//
// http.cc includes this instead of calling libcurl directly: the curl_*
// names below are macros onto the loaded functions. libssl's
// SSL_CTX_load_verify_locations comes from the libssl libcurl itself loaded,
// so it works on the SSL_CTX curl hands out.
#pragma once
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include <string>

namespace hako::image::registry {

struct CurlApi {
  bool loaded = false;
  std::string error;  // why not, when !loaded
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_reset) easy_reset = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
  // From libssl: int SSL_CTX_load_verify_locations(SSL_CTX*, const char*, const char*).
  int (*ssl_ctx_load_verify_locations)(void*, const char*, const char*) = nullptr;
};

// Loads libcurl.so.4 once (thread-safe) and returns the table.
const CurlApi& curl_api();

}  // namespace hako::image::registry

#define curl_global_init(...) ::hako::image::registry::curl_api().global_init(__VA_ARGS__)
#define curl_easy_init(...) ::hako::image::registry::curl_api().easy_init(__VA_ARGS__)
#define curl_easy_cleanup(...) ::hako::image::registry::curl_api().easy_cleanup(__VA_ARGS__)
#define curl_easy_reset(...) ::hako::image::registry::curl_api().easy_reset(__VA_ARGS__)
#define curl_easy_setopt(...) ::hako::image::registry::curl_api().easy_setopt(__VA_ARGS__)
#define curl_easy_perform(...) ::hako::image::registry::curl_api().easy_perform(__VA_ARGS__)
#define curl_easy_getinfo(...) ::hako::image::registry::curl_api().easy_getinfo(__VA_ARGS__)
#define curl_easy_strerror(...) ::hako::image::registry::curl_api().easy_strerror(__VA_ARGS__)
#define curl_slist_append(...) ::hako::image::registry::curl_api().slist_append(__VA_ARGS__)
#define curl_slist_free_all(...) ::hako::image::registry::curl_api().slist_free_all(__VA_ARGS__)
