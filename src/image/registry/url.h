// URL helpers the registry protocol needs: resolving a Location header
// against the request it answered, telling whether two URLs name the same
// origin, and building query strings.
//
// Only absolute http(s) URLs of the form scheme://authority/path?query are
// handled; that is all a registry, its token server and its storage
// redirects ever produce. Nothing here talks to the network or to libcurl.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hako::image::registry {

struct UrlParts {
  std::string scheme;     // lowercase, "https"
  std::string authority;  // "host:port" exactly as written, may be "[::1]:5000"
  std::string path;       // starts with '/', "/" when the URL had none
  std::string query;      // without '?', may be empty
};

// Splits an absolute URL; false when `url` has no "scheme://authority".
// A fragment is dropped: it is never sent to a server.
bool split_url(std::string_view url, UrlParts& out);

// Resolves `location` (absolute, scheme-relative "//host/p", absolute-path
// "/p?q", relative "p", or query-only "?q") against the absolute URL `base`,
// as RFC 3986 section 5.2 does, so a registry may answer with any of them
// (the distribution spec allows relative and absolute upload locations).
// Dot segments in relative paths are removed. Returns "" if `base` is not
// absolute.
std::string resolve_url(std::string_view base, std::string_view location);

// "scheme://authority" of an absolute URL, lowercase scheme and host, with
// a default port made explicit (https → 443, http → 80), so
// "https://h/" and "https://H:443/x" compare equal. "" if not absolute.
std::string url_origin(std::string_view url);

// Appends "key=value" (value percent-encoded) with '?' or '&' as needed,
// keeping whatever query the URL already carries (upload locations often
// hold a session state parameter that must be sent back).
std::string append_query(std::string_view url, std::string_view key, std::string_view value);

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string percent_encode(std::string_view s);

}  // namespace hako::image::registry
