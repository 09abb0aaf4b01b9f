#include "image/registry/url.h"

#include <cctype>

namespace hako::image::registry {

static std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Length of a leading "scheme:" (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )), 0 if none.
static size_t scheme_length(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return 0;
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == ':') return i;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return 0;
  }
  return 0;
}

static std::string_view strip_fragment(std::string_view s) {
  auto hash = s.find('#');
  return hash == std::string_view::npos ? s : s.substr(0, hash);
}

bool split_url(std::string_view url, UrlParts& out) {
  url = strip_fragment(url);
  size_t n = scheme_length(url);
  if (n == 0 || url.substr(n, 3) != "://") return false;
  out.scheme = lower(url.substr(0, n));
  std::string_view rest = url.substr(n + 3);
  size_t end = rest.find_first_of("/?");
  out.authority = std::string(rest.substr(0, end));
  if (out.authority.empty()) return false;
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  size_t q = rest.find('?');
  out.path = std::string(rest.substr(0, q));
  if (out.path.empty()) out.path = "/";
  out.query = q == std::string_view::npos ? std::string() : std::string(rest.substr(q + 1));
  return true;
}

// RFC 3986 section 5.2.4.
static std::string remove_dot_segments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.remove_prefix(3);
    } else if (in.starts_with("./")) {
      in.remove_prefix(2);
    } else if (in.starts_with("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../") || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      auto slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      size_t next = in.find('/', 1);
      out.append(in.substr(0, next));
      in = next == std::string_view::npos ? std::string_view() : in.substr(next);
    }
  }
  return out;
}

static std::string build(const UrlParts& p) {
  std::string s = p.scheme + "://" + p.authority + p.path;
  if (!p.query.empty()) s += "?" + p.query;
  return s;
}

std::string resolve_url(std::string_view base, std::string_view location) {
  UrlParts b;
  if (!split_url(base, b)) return {};
  location = strip_fragment(location);
  if (scheme_length(location) > 0) return std::string(location);
  if (location.starts_with("//")) return b.scheme + ":" + std::string(location);

  size_t q = location.find('?');
  std::string_view path = location.substr(0, q);
  bool has_query = q != std::string_view::npos;
  UrlParts r = b;
  r.query = has_query ? std::string(location.substr(q + 1)) : std::string();
  if (path.empty()) {
    if (!has_query) r.query = b.query;
  } else if (path.front() == '/') {
    r.path = remove_dot_segments(path);
  } else {
    std::string merged = b.path.substr(0, b.path.rfind('/') + 1);
    merged.append(path);
    r.path = remove_dot_segments(merged);
  }
  if (r.path.empty()) r.path = "/";
  return build(r);
}

std::string url_origin(std::string_view url) {
  UrlParts p;
  if (!split_url(url, p)) return {};
  std::string authority = lower(p.authority);
  auto at = authority.rfind('@');  // userinfo is never part of the origin
  if (at != std::string::npos) authority.erase(0, at + 1);
  // A port follows the last ':' unless that ':' is inside an IPv6 literal.
  auto colon = authority.rfind(':');
  bool has_port = colon != std::string::npos && authority.find(']', colon) == std::string::npos;
  if (has_port && colon + 1 == authority.size()) {
    authority.pop_back();  // "host:" means the default port
    has_port = false;
  }
  if (!has_port) authority += p.scheme == "https" ? ":443" : p.scheme == "http" ? ":80" : "";
  return p.scheme + "://" + authority;
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string append_query(std::string_view url, std::string_view key, std::string_view value) {
  std::string out(strip_fragment(url));
  char sep = '?';
  auto q = out.find('?');
  if (q != std::string::npos) sep = (q + 1 == out.size() || out.back() == '&') ? '\0' : '&';
  if (sep) out += sep;
  out += percent_encode(key);
  out += '=';
  out += percent_encode(value);
  return out;
}

}  // namespace hako::image::registry
