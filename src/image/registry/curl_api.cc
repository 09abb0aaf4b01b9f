#include "image/registry/curl_api.h"

#include <dlfcn.h>

#include <mutex>

namespace hako::image::registry {
namespace {

template <typename T>
bool load(void* lib, const char* name, T& slot, std::string& error) {
  slot = reinterpret_cast<T>(::dlsym(lib, name));
  if (!slot && error.empty()) error = std::string("libcurl.so.4 lacks ") + name;
  return slot != nullptr;
}

CurlApi load_api() {
  CurlApi api;
  void* curl = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!curl) {
    const char* why = ::dlerror();
    api.error = std::string("cannot load libcurl (apt-get install libcurl4): ") + (why ? why : "not found");
    return api;
  }
  bool ok = load(curl, "curl_global_init", api.global_init, api.error) &&
            load(curl, "curl_easy_init", api.easy_init, api.error) &&
            load(curl, "curl_easy_cleanup", api.easy_cleanup, api.error) &&
            load(curl, "curl_easy_reset", api.easy_reset, api.error) &&
            load(curl, "curl_easy_setopt", api.easy_setopt, api.error) &&
            load(curl, "curl_easy_perform", api.easy_perform, api.error) &&
            load(curl, "curl_easy_getinfo", api.easy_getinfo, api.error) &&
            load(curl, "curl_easy_strerror", api.easy_strerror, api.error) &&
            load(curl, "curl_slist_append", api.slist_append, api.error) &&
            load(curl, "curl_slist_free_all", api.slist_free_all, api.error);
  if (!ok) return api;
  // libcurl4-openssl has loaded libssl.so.3 already; this finds that copy.
  if (void* ssl = ::dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD))
    api.ssl_ctx_load_verify_locations =
        reinterpret_cast<int (*)(void*, const char*, const char*)>(::dlsym(ssl, "SSL_CTX_load_verify_locations"));
  api.loaded = true;
  return api;
}

}  // namespace

const CurlApi& curl_api() {
  static std::once_flag once;
  static CurlApi api;
  std::call_once(once, [] { api = load_api(); });
  return api;
}

}  // namespace hako::image::registry
