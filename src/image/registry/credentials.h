// Registry credentials in Docker's config.json, so `docker login` and
// `hako login` share one file and each sees the other's logins.
//
// Format: {"auths": {"<key>": {"auth": base64("user:password"),
// "identitytoken": "..."}}, ...}. The key is the registry host
// ("127.0.0.1:5000", "ghcr.io"), except Docker Hub, whose key is
// historically "https://index.docker.io/v1/". Lookups also accept keys
// written with a scheme or path ("https://ghcr.io/v2/"), as Docker does.
//
// Not handled: credential helpers ("credsStore", "credHelpers"). A host
// served by one simply has no credentials here, and store_credentials
// writes the inline form, which Docker also reads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace hako::image::registry {

struct Credentials {
  std::string username;
  std::string password;
  // An OAuth2 refresh token from a token login; used instead of the
  // password at the token endpoint when set.
  std::string identity_token;

  bool empty() const { return username.empty() && password.empty() && identity_token.empty(); }
};

// The config.json to use: `override_path` when not empty, else
// $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json (the passwd
// entry's home when $HOME is unset).
std::string docker_config_path(const std::string& override_path = "");

// The "auths" key Docker uses for a registry host (a Reference's domain).
std::string config_key_for(std::string_view registry_host);

// nullopt when the file does not exist or has no entry for the host. A file
// that is not valid JSON or an "auth" that is not base64 of "user:pass" is
// InvalidArgument naming the file, never silently ignored.
Result<std::optional<Credentials>> read_credentials(const std::string& config_path, std::string_view registry_host);

// Writes the entry (replacing any under the same key) and keeps every other
// key of the file as it was. The file is replaced atomically with mode 0600;
// its directory is created 0700 if missing. A symlinked config is followed.
Result<> store_credentials(const std::string& config_path, std::string_view registry_host, const Credentials& creds);

// Removes every entry for the host (including spellings with a scheme or
// path); returns whether one existed. The file is not rewritten otherwise.
Result<bool> erase_credentials(const std::string& config_path, std::string_view registry_host);

std::string base64_encode(std::string_view data);
// nullopt for anything that is not padded standard base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace hako::image::registry
