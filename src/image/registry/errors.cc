#include "image/registry/errors.h"

#include <cctype>

#include "base/json.h"

namespace hako::image::registry {

std::vector<RegistryErrorEntry> parse_error_body(std::string_view body) {
  std::vector<RegistryErrorEntry> out;
  if (body.empty() || body.find('{') == std::string_view::npos) return out;
  auto j = parse_json(body, "error body");
  if (!j || !j->is_object()) return out;
  auto string_at = [](const Json& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (auto it = j->find("errors"); it != j->end() && it->is_array()) {
    for (const Json& e : *it) {
      if (!e.is_object()) continue;
      RegistryErrorEntry entry{string_at(e, "code"), string_at(e, "message")};
      if (!entry.code.empty() || !entry.message.empty()) out.push_back(std::move(entry));
    }
  }
  // Token servers (Docker Hub's among them) use a flat shape.
  for (const char* key : {"details", "error_description", "message", "error"}) {
    if (!out.empty()) break;
    std::string text = string_at(*j, key);
    if (!text.empty()) out.push_back({"", text});
  }
  return out;
}

static std::string render(const RegistryErrorEntry& e) {
  std::string code;
  for (char c : e.code) code += c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (code.empty()) return e.message;
  if (e.message.empty()) return code;
  return code + ": " + e.message;
}

std::string describe_error_body(std::string_view body) {
  std::string out;
  for (const auto& e : parse_error_body(body)) {
    if (!out.empty()) out += "; ";
    out += render(e);
  }
  return out;
}

ErrorKind error_kind_for(int status, const std::vector<RegistryErrorEntry>& entries) {
  if (status == 401 || status == 403) return ErrorKind::PermissionDenied;
  if (status == 404) return ErrorKind::NotFound;
  for (const auto& e : entries) {
    if (e.code == "UNAUTHORIZED" || e.code == "DENIED") return ErrorKind::PermissionDenied;
    if (e.code.ends_with("_UNKNOWN")) return ErrorKind::NotFound;
  }
  return ErrorKind::Unavailable;
}

Error response_error(const Response& response, std::string_view what) {
  auto entries = parse_error_body(response.body);
  std::string detail = describe_error_body(response.body);
  int status = response.status;
  if (status == 401 || status == 403 || status == 404) {
    if (detail.empty())
      detail = status == 401   ? "unauthorized: authentication required"
               : status == 403 ? "denied: requested access to the resource is denied"
                               : "not found";
  } else {
    std::string head = fmt::format("unexpected HTTP status {}", status);
    if (!response.reason.empty()) head += " " + response.reason;
    detail = detail.empty() ? head : head + ": " + detail;
  }
  return Error(error_kind_for(status, entries), fmt::format("{}: {}", what, detail));
}

}  // namespace hako::image::registry
