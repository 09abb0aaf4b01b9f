#include "image/registry/credentials.h"

#include <openssl/evp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <climits>
#include <cstdlib>

#include "base/files.h"
#include "base/json.h"
#include "base/strings.h"

namespace hako::image::registry {

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  text = trim(text);
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts padding as zero bytes of output.
  size_t pad = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '=' && pad < 2; --i) ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

static std::string home_dir() {
  if (const char* h = std::getenv("HOME"); h && *h) return h;
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return "/";
}

std::string docker_config_path(const std::string& override_path) {
  if (!override_path.empty()) return override_path;
  if (const char* d = std::getenv("DOCKER_CONFIG"); d && *d) return std::string(d) + "/config.json";
  return home_dir() + "/.docker/config.json";
}

static bool is_docker_hub(std::string_view host) {
  return host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io";
}

std::string config_key_for(std::string_view registry_host) {
  if (is_docker_hub(registry_host)) return "https://index.docker.io/v1/";
  return std::string(registry_host);
}

// The host a config key names: "https://ghcr.io/v2/" → "ghcr.io".
static std::string key_host(std::string_view key) {
  if (key.starts_with("http://")) key.remove_prefix(7);
  else if (key.starts_with("https://")) key.remove_prefix(8);
  std::string host(key.substr(0, key.find('/')));
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

static bool key_matches(std::string_view key, std::string_view registry_host) {
  std::string want(registry_host);
  for (char& c : want) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string have = key_host(key);
  return is_docker_hub(want) ? is_docker_hub(have) : have == want;
}

// The parsed file, or an empty object when it does not exist.
static Result<Json> load(const std::string& path) {
  if (!path_exists(path)) return Json::object();
  TRY_ASSIGN(std::string text, read_file(path));
  if (trim(text).empty()) return Json::object();
  TRY_ASSIGN(Json j, parse_json(text, path));
  if (!j.is_object()) return fail(ErrorKind::InvalidArgument, "{}: expected a JSON object", path);
  if (j.contains("auths") && !j["auths"].is_object() && !j["auths"].is_null())
    return fail(ErrorKind::InvalidArgument, "{}: \"auths\" is not an object", path);
  return j;
}

static Result<Credentials> decode_entry(const Json& entry, const std::string& path, const std::string& key) {
  std::string where = fmt::format("{}: auths.{}", path, key);
  TRY_ASSIGN(JsonObject o, JsonObject::of(entry, where));
  TRY_ASSIGN(auto auth, o.opt_string("auth"));
  TRY_ASSIGN(auto user, o.opt_string("username"));
  TRY_ASSIGN(auto pass, o.opt_string("password"));
  TRY_ASSIGN(auto token, o.opt_string("identitytoken"));
  Credentials c;
  if (auth && !auth->empty()) {
    auto decoded = base64_decode(*auth);
    auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos)
      return fail(ErrorKind::InvalidArgument, "{}.auth: not base64 of \"username:password\"", where);
    c.username = decoded->substr(0, colon);
    c.password = decoded->substr(colon + 1);
  } else {
    c.username = user.value_or("");
    c.password = pass.value_or("");
  }
  c.identity_token = token.value_or("");
  return c;
}

Result<std::optional<Credentials>> read_credentials(const std::string& config_path, std::string_view registry_host) {
  TRY_ASSIGN(Json j, load(config_path));
  auto it = j.find("auths");
  if (it == j.end() || !it->is_object()) return std::optional<Credentials>{};
  const Json& auths = *it;
  std::string exact = config_key_for(registry_host);
  auto found = auths.find(exact);
  if (found == auths.end()) {
    for (auto e = auths.begin(); e != auths.end(); ++e)
      if (key_matches(e.key(), registry_host)) {
        found = e;
        break;
      }
  }
  if (found == auths.end()) return std::optional<Credentials>{};
  TRY_ASSIGN(Credentials c, decode_entry(*found, config_path, found.key()));
  if (c.empty()) return std::optional<Credentials>{};
  return std::optional<Credentials>(std::move(c));
}

// Where to write: the target of a symlinked config, so the link survives.
static std::string write_target(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    char buf[PATH_MAX];
    if (::realpath(path.c_str(), buf)) return buf;
  }
  return path;
}

static Result<> save(const std::string& config_path, const Json& j) {
  std::string path = write_target(config_path);
  auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) TRY(make_dirs(path.substr(0, slash), 0700));
  // write_file_atomic goes through PATH.tmp, whose mode only applies when it
  // is created: a stale one from a crash must not lend its mode to secrets.
  ::unlink((path + ".tmp").c_str());
  std::string text = j.dump(1, '\t', false, Json::error_handler_t::replace) + "\n";
  TRY(write_file_atomic(path, text, 0600));
  if (::chmod(path.c_str(), 0600) < 0) return fail_sys(fmt::format("chmod {}", path));
  return {};
}

Result<> store_credentials(const std::string& config_path, std::string_view registry_host, const Credentials& creds) {
  TRY_ASSIGN(Json j, load(config_path));
  if (!j.contains("auths") || !j["auths"].is_object()) j["auths"] = Json::object();
  Json entry = Json::object();
  entry["auth"] = base64_encode(creds.username + ":" + creds.password);
  if (!creds.identity_token.empty()) entry["identitytoken"] = creds.identity_token;
  j["auths"][config_key_for(registry_host)] = std::move(entry);
  return save(config_path, j);
}

Result<bool> erase_credentials(const std::string& config_path, std::string_view registry_host) {
  TRY_ASSIGN(Json j, load(config_path));
  if (!j.contains("auths") || !j["auths"].is_object()) return false;
  Json& auths = j["auths"];
  std::vector<std::string> doomed;
  for (auto e = auths.begin(); e != auths.end(); ++e)
    if (e.key() == config_key_for(registry_host) || key_matches(e.key(), registry_host)) doomed.push_back(e.key());
  if (doomed.empty()) return false;
  for (const auto& k : doomed) auths.erase(k);
  TRY(save(config_path, j));
  return true;
}

}  // namespace hako::image::registry
