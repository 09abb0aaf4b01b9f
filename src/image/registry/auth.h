// Registry authentication: WWW-Authenticate challenges, the token protocol
// (distribution's "token authentication specification", as Docker Hub,
// GHCR and registry:2 implement it) and HTTP Basic.
//
// Flow: a request goes out with the Authorization cached for its scopes,
// if any. A 401 carries a challenge; for Bearer we GET
// realm?service=..&scope=.. (with Basic credentials when we have them,
// or POST an OAuth2 refresh-token form for an identity token), cache the
// token until it expires and send the request once more. Basic challenges
// get the credentials directly. A second 401 is returned to the caller.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "image/registry/credentials.h"
#include "image/registry/http.h"

namespace hako::image::registry {

struct Challenge {
  std::string scheme;                         // lowercased: "bearer", "basic"
  std::map<std::string, std::string> params;  // names lowercased, values unquoted

  std::string param(const std::string& name) const;
};

// Parses one WWW-Authenticate field value, which may hold several
// challenges ("Bearer realm=\"x\",service=\"y\", Basic realm=\"z\"").
// Unparseable tails are dropped, never an error: the caller then simply
// has no usable challenge.
std::vector<Challenge> parse_www_authenticate(std::string_view value);
// Every challenge of every WWW-Authenticate field of a response.
std::vector<Challenge> challenges_of(const Headers& headers);

// "repository:<repo>:pull" or "repository:<repo>:pull,push".
std::string repository_scope(std::string_view repo, bool push);

struct BearerToken {
  std::string token;
  std::chrono::steady_clock::time_point expires;
};

// Reads a token server's answer: "token" or "access_token" (either
// suffices), "expires_in" seconds (default and minimum 60, per the spec).
Result<BearerToken> parse_token_response(std::string_view body, std::chrono::steady_clock::time_point now);

// Authorization values by (registry, user, scopes), shared by every
// client in the process so concurrent pulls from one registry fetch one
// token. Thread-safe.
class TokenCache {
 public:
  static TokenCache& process();

  std::optional<std::string> get(const std::string& key);
  void put(const std::string& key, std::string authorization, std::chrono::steady_clock::time_point expires);
  void drop(const std::string& key);

 private:
  struct Entry {
    std::string authorization;
    std::chrono::steady_clock::time_point expires;
  };
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

class Authenticator {
 public:
  // `registry` names the registry in cache keys (its host, "docker.io").
  Authenticator(std::string registry, std::optional<Credentials> credentials, std::string user_agent,
                TokenCache& cache = TokenCache::process());

  // Sends `request` authorized for `scopes` (see the file comment). With a
  // handler, a 2xx body streams to it; the handler never sees a 401's body.
  Result<Response> send(HttpClient& http, Request request, const std::vector<std::string>& scopes,
                        const BodyHandler* handler = nullptr);

 private:
  std::string cache_key(const std::vector<std::string>& scopes) const;
  // The Authorization value answering `challenges`, caching it.
  Result<std::optional<std::string>> answer(HttpClient& http, const Request& request,
                                            const std::vector<Challenge>& challenges,
                                            const std::vector<std::string>& scopes);
  Result<BearerToken> fetch_token(HttpClient& http, const Request& request, const Challenge& challenge,
                                  const std::vector<std::string>& scopes);

  std::string registry_;
  std::optional<Credentials> credentials_;
  std::string user_agent_;
  TokenCache& cache_;
};

}  // namespace hako::image::registry
