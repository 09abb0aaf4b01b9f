// An in-memory registry speaking enough of the distribution protocol for
// the client tests, with token auth in front, served by TestServer.
// Tests change its behaviour through the public fields and `hook`.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "base/json.h"
#include "base/strings.h"
#include "image/registry/credentials.h"
#include "image/registry/test_server.h"
#include "store/digest.h"

namespace hako::image::registry::testing {

class FakeRegistry {
 public:
  FakeRegistry() : server_([this](const ServerRequest& r) { return handle(r); }) {}

  TestServer& server() { return server_; }
  std::string host() const { return server_.host(); }

  // Auth: a Bearer challenge unless "Bearer <token>" is sent; the token
  // endpoint demands these Basic credentials when `user` is not empty.
  bool require_auth = true;
  std::string token = "good-token";
  std::string user, password;
  int token_requests = 0;
  std::string last_token_query;

  std::map<std::string, std::string> manifests;  // by tag and by digest
  std::string manifest_type = "application/vnd.oci.image.manifest.v1+json";
  std::map<std::string, std::string> blobs;     // by digest
  std::map<std::string, std::string> mountable;  // digest → repo it can be mounted from
  std::vector<std::string> tags;
  bool absolute_upload_location = false;

  // Runs first; an answer replaces the fake's own.
  std::function<std::optional<ServerResponse>(const ServerRequest&)> hook;

  std::string put_digest(const std::string& data) {
    std::string d = store::sha256_of(data).to_string();
    blobs[d] = data;
    return d;
  }

 private:
  static ServerResponse error(int status, const std::string& code, const std::string& message) {
    return json_response(status, fmt::format(R"({{"errors":[{{"code":"{}","message":"{}"}}]}})", code, message));
  }

  ServerResponse handle(const ServerRequest& r) {
    if (hook)
      if (auto answer = hook(r)) return *answer;
    if (r.path == "/token") {
      ++token_requests;
      last_token_query = r.query;
      if (!user.empty() && r.headers.get("Authorization") != "Basic " + base64_encode(user + ":" + password))
        return json_response(401, R"({"details":"incorrect username or password"})");
      return json_response(200, fmt::format(R"({{"token":"{}","expires_in":300}})", token));
    }
    if (require_auth && r.headers.get("Authorization") != "Bearer " + token) {
      auto resp = error(401, "UNAUTHORIZED", "authentication required");
      resp.header("WWW-Authenticate", fmt::format(R"(Bearer realm="{}/token",service="fake")", server_.url()));
      return resp;
    }
    if (r.path == "/v2/") return json_response(200, "{}");
    std::string_view p = r.path;
    if (auto at = p.rfind("/manifests/"); at != std::string_view::npos) return manifest(r, std::string(p.substr(at + 11)));
    if (auto at = p.find("/blobs/uploads/"); at != std::string_view::npos)
      return upload(r, std::string(p.substr(4, at - 4)), std::string(p.substr(at + 15)));
    if (auto at = p.rfind("/blobs/"); at != std::string_view::npos) return blob(r, std::string(p.substr(at + 7)));
    if (p.ends_with("/tags/list")) return tag_list(r);
    return error(404, "NAME_UNKNOWN", "repository name not known to registry");
  }

  ServerResponse manifest(const ServerRequest& r, const std::string& ref) {
    if (r.method == "PUT") {
      std::string d = store::sha256_of(r.body).to_string();
      manifests[ref] = r.body;
      manifests[d] = r.body;
      manifest_type = r.headers.get("Content-Type").value_or("");
      ServerResponse resp;
      resp.status = 201;
      return resp.header("Docker-Content-Digest", d);
    }
    auto it = manifests.find(ref);
    if (it == manifests.end()) return error(404, "MANIFEST_UNKNOWN", "manifest unknown");
    ServerResponse resp;
    resp.body = it->second;
    return resp.header("Content-Type", manifest_type);
  }

  ServerResponse blob(const ServerRequest& r, const std::string& digest) {
    auto it = blobs.find(digest);
    if (it == blobs.end()) return error(404, "BLOB_UNKNOWN", "blob unknown to registry");
    ServerResponse resp;
    resp.body = it->second;
    if (auto range = r.headers.get("Range"); range && range->starts_with("bytes=")) {
      size_t from = static_cast<size_t>(parse_int(range->substr(6, range->size() - 7)).value_or(0));
      resp.status = 206;
      resp.header("Content-Range", fmt::format("bytes {}-{}/{}", from, it->second.size() - 1, it->second.size()));
      resp.body = it->second.substr(from);
    }
    return resp.header("Docker-Content-Digest", digest);
  }

  ServerResponse upload(const ServerRequest& r, const std::string& repo, const std::string& session) {
    if (r.method == "POST") {
      auto q = query_map(r.query);
      if (q.count("mount")) {
        auto m = mountable.find(decode(q["mount"]));
        if (m != mountable.end() && m->second == decode(q["from"])) {
          ServerResponse resp;
          resp.status = 201;
          return resp.header("Location", fmt::format("/v2/{}/blobs/{}", repo, decode(q["mount"])));
        }
      }
      ServerResponse resp;
      resp.status = 202;
      std::string location = fmt::format("/v2/{}/blobs/uploads/session-1?_state=s%2B1", repo);
      if (absolute_upload_location) location = server_.url() + location;
      return resp.header("Location", location);
    }
    if (r.method == "DELETE") {
      ServerResponse resp;
      resp.status = 204;
      return resp;
    }
    auto q = query_map(r.query);
    if (session != "session-1" || q["_state"] != "s%2B1") return error(404, "BLOB_UPLOAD_UNKNOWN", "no such upload");
    std::string d = store::sha256_of(r.body).to_string();
    if (q["digest"] != "sha256%3A" + d.substr(7)) return error(400, "DIGEST_INVALID", "provided digest did not match");
    blobs[d] = r.body;
    ServerResponse resp;
    resp.status = 201;
    return resp.header("Docker-Content-Digest", d);
  }

  ServerResponse tag_list(const ServerRequest& r) {
    // Two tags a page, Link to the next as registry:2 does.
    auto q = query_map(r.query);
    size_t start = q.count("last") ? static_cast<size_t>(parse_int(q["last"]).value_or(0)) : 0;
    Json page = Json::object();
    page["name"] = "test/app";
    page["tags"] = Json::array();
    for (size_t i = start; i < tags.size() && i < start + 2; ++i) page["tags"].push_back(tags[i]);
    auto resp = json_response(200, page.dump());
    if (start + 2 < tags.size())
      resp.header("Link", fmt::format(R"(<{}?n=2&last={}>; rel="next")", r.path, start + 2));
    return resp;
  }

  // Values stay percent-encoded, so tests see exactly what was sent.
  static std::map<std::string, std::string> query_map(const std::string& query) {
    std::map<std::string, std::string> out;
    for (const auto& kv : split(query, '&')) {
      auto eq = kv.find('=');
      out[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
    }
    return out;
  }

  static std::string decode(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  }

  TestServer server_;  // last: it calls handle() until destroyed
};

}  // namespace hako::image::registry::testing
