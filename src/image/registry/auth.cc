#include "image/registry/auth.h"

#include <algorithm>
#include <cctype>

#include "base/json.h"
#include "base/strings.h"
#include "image/registry/errors.h"
#include "image/registry/url.h"

namespace hako::image::registry {

using Clock = std::chrono::steady_clock;

std::string Challenge::param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// RFC 9110 tchar.
bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// A cursor over a header value, for the RFC 9110 section 11 grammar.
struct Cursor {
  std::string_view s;
  size_t i = 0;

  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  void skip_ws() {
    while (!done() && (s[i] == ' ' || s[i] == '\t')) ++i;
  }
  std::string_view token() {
    size_t start = i;
    while (!done() && is_tchar(s[i])) ++i;
    return s.substr(start, i - start);
  }
  // After the opening quote; backslash escapes the next character.
  std::string quoted() {
    std::string out;
    ++i;
    while (!done() && s[i] != '"') {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      out += s[i++];
    }
    if (!done()) ++i;  // closing quote
    return out;
  }
};

}  // namespace

std::vector<Challenge> parse_www_authenticate(std::string_view value) {
  std::vector<Challenge> out;
  Cursor c{value};
  while (!c.done()) {
    while (!c.done() && (c.peek() == ',' || c.peek() == ' ' || c.peek() == '\t')) ++c.i;
    if (c.done()) break;
    std::string_view scheme = c.token();
    if (scheme.empty()) return out;  // junk: keep what parsed so far
    Challenge ch{lower(scheme), {}};
    // auth-params until something that is not "name = value" (the next
    // challenge's scheme, or the end).
    for (;;) {
      size_t save = c.i;
      c.skip_ws();
      std::string_view name = c.token();
      c.skip_ws();
      if (name.empty() || c.peek() != '=') {
        c.i = save;
        break;
      }
      ++c.i;
      c.skip_ws();
      std::string v = c.peek() == '"' ? c.quoted() : std::string(c.token());
      ch.params[lower(name)] = std::move(v);
      c.skip_ws();
      if (c.peek() != ',') break;
      ++c.i;
    }
    out.push_back(std::move(ch));
    c.skip_ws();
    if (!c.done() && c.peek() != ',' && !is_tchar(c.peek())) return out;
  }
  return out;
}

std::vector<Challenge> challenges_of(const Headers& headers) {
  std::vector<Challenge> out;
  for (const auto& v : headers.get_all("WWW-Authenticate"))
    for (auto& ch : parse_www_authenticate(v)) out.push_back(std::move(ch));
  return out;
}

std::string repository_scope(std::string_view repo, bool push) {
  return fmt::format("repository:{}:{}", repo, push ? "pull,push" : "pull");
}

Result<BearerToken> parse_token_response(std::string_view body, Clock::time_point now) {
  TRY_ASSIGN(Json j, parse_json(body, "token response"));
  TRY_ASSIGN(JsonObject o, JsonObject::of(j, "token response"));
  TRY_ASSIGN(auto token, o.opt_string("token"));
  TRY_ASSIGN(auto access, o.opt_string("access_token"));
  BearerToken t;
  t.token = token && !token->empty() ? *token : access.value_or("");
  if (t.token.empty())
    return fail(ErrorKind::Unavailable, "token response has neither \"token\" nor \"access_token\"");
  // Some servers send expires_in as a float; read it loosely.
  int64_t expires_in = 60;
  if (const Json* e = o.raw("expires_in"); e && e->is_number()) expires_in = e->get<int64_t>();
  expires_in = std::max<int64_t>(expires_in, 60);
  // Renew a little early so a token does not expire in flight.
  t.expires = now + std::chrono::seconds(expires_in) - std::chrono::seconds(expires_in > 120 ? 30 : 5);
  return t;
}

TokenCache& TokenCache::process() {
  static TokenCache cache;
  return cache;
}

std::optional<std::string> TokenCache::get(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (Clock::now() >= it->second.expires) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.authorization;
}

void TokenCache::put(const std::string& key, std::string authorization, Clock::time_point expires) {
  std::lock_guard lock(mu_);
  entries_[key] = Entry{std::move(authorization), expires};
}

void TokenCache::drop(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

Authenticator::Authenticator(std::string registry, std::optional<Credentials> credentials, std::string user_agent,
                             TokenCache& cache)
    : registry_(std::move(registry)), credentials_(std::move(credentials)), user_agent_(std::move(user_agent)),
      cache_(cache) {
  if (credentials_ && credentials_->empty()) credentials_.reset();
}

std::string Authenticator::cache_key(const std::vector<std::string>& scopes) const {
  std::vector<std::string> sorted = scopes;
  std::sort(sorted.begin(), sorted.end());
  // The user is part of the key: one process may hold two logins' clients.
  return fmt::format("{}\n{}\n{}", registry_, credentials_ ? credentials_->username : "", join(sorted, " "));
}

Result<BearerToken> Authenticator::fetch_token(HttpClient& http, const Request& request, const Challenge& challenge,
                                               const std::vector<std::string>& scopes) {
  std::string realm = challenge.param("realm");
  if (!realm.starts_with("https://") && !realm.starts_with("http://"))
    return fail(ErrorKind::Unavailable, "registry {} sent a Bearer challenge without a usable realm (\"{}\")", registry_,
                realm);
  std::string service = challenge.param("service");
  // The scopes the registry says it needs, as well as those we asked for.
  std::vector<std::string> all = scopes;
  for (const auto& s : split(challenge.param("scope"), ' '))
    if (!s.empty() && std::find(all.begin(), all.end(), s) == all.end()) all.push_back(s);

  Request t;
  t.url = realm;
  t.follow_redirects = true;
  t.headers.add("User-Agent", user_agent_);
  // A token server on the registry's own origin gets its TLS settings
  // (a private CA, an insecure local registry); others get the defaults.
  if (url_origin(realm) == url_origin(request.url)) t.tls = request.tls;
  if (credentials_ && !credentials_->identity_token.empty()) {
    // OAuth2 refresh-token grant, what Docker does for identity tokens.
    t.method = "POST";
    t.headers.add("Content-Type", "application/x-www-form-urlencoded");
    t.body = "grant_type=refresh_token&client_id=hako&refresh_token=" + percent_encode(credentials_->identity_token);
    if (!service.empty()) t.body += "&service=" + percent_encode(service);
    if (!all.empty()) t.body += "&scope=" + percent_encode(join(all, " "));
  } else {
    if (!service.empty()) t.url = append_query(t.url, "service", service);
    for (const auto& s : all) t.url = append_query(t.url, "scope", s);
    if (credentials_) {
      t.url = append_query(t.url, "account", credentials_->username);
      t.headers.add("Authorization",
                    "Basic " + base64_encode(credentials_->username + ":" + credentials_->password));
    }
  }
  std::string what = fmt::format("fetching a token from {}", realm.substr(0, realm.find('?')));
  auto resp = http.send(t);
  if (!resp) return std::unexpected(std::move(resp).error().context(fmt::format("authenticating to {}", registry_)));
  if (resp->status != 200) return std::unexpected(response_error(*resp, what));
  auto token = parse_token_response(resp->body, Clock::now());
  if (!token) return std::unexpected(std::move(token).error().context(what));
  return token;
}

Result<std::optional<std::string>> Authenticator::answer(HttpClient& http, const Request& request,
                                                         const std::vector<Challenge>& challenges,
                                                         const std::vector<std::string>& scopes) {
  for (const auto& ch : challenges) {
    if (ch.scheme != "bearer") continue;
    TRY_ASSIGN(BearerToken t, fetch_token(http, request, ch, scopes));
    std::string value = "Bearer " + t.token;
    cache_.put(cache_key(scopes), value, t.expires);
    return std::optional<std::string>(value);
  }
  for (const auto& ch : challenges) {
    if (ch.scheme != "basic" || !credentials_) continue;
    std::string value = "Basic " + base64_encode(credentials_->username + ":" + credentials_->password);
    // Basic is not scoped: remember it for the whole registry.
    cache_.put(cache_key({"*basic*"}), value, Clock::time_point::max());
    return std::optional<std::string>(value);
  }
  return std::optional<std::string>{};
}

Result<Response> Authenticator::send(HttpClient& http, Request request, const std::vector<std::string>& scopes,
                                     const BodyHandler* handler) {
  auto transmit = [&]() { return handler ? http.send(request, *handler) : http.send(request); };
  std::optional<std::string> sent = cache_.get(cache_key({"*basic*"}));
  if (!sent) sent = cache_.get(cache_key(scopes));
  if (sent) request.headers.set("Authorization", *sent);
  TRY_ASSIGN(Response resp, transmit());
  if (resp.status != 401) return resp;
  // A cached token may have been revoked or expired early: never reuse it.
  if (sent) cache_.drop(cache_key(scopes));
  TRY_ASSIGN(auto authorization, answer(http, request, challenges_of(resp.headers), scopes));
  if (!authorization || (sent && *authorization == *sent && sent->starts_with("Basic "))) return resp;
  request.headers.set("Authorization", *authorization);
  return transmit();
}

}  // namespace hako::image::registry
