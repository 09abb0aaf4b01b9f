// Turning a registry's error responses into hako Errors.
//
// Registries answer failures with {"errors":[{"code","message","detail"}]}
// (distribution spec, "Error Codes"); token servers often with
// {"details": "..."} instead. The message is rendered as Docker renders it,
// "unauthorized: authentication required" (code lowercased, '_' → ' ',
// then the message), so users see the text they would search for.
//
// Kinds: 401/403 and the codes UNAUTHORIZED/DENIED → PermissionDenied;
// 404 and the *_UNKNOWN codes (MANIFEST_UNKNOWN, BLOB_UNKNOWN,
// NAME_UNKNOWN, ...) → NotFound; everything else → Unavailable.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "image/registry/http.h"

namespace hako::image::registry {

struct RegistryErrorEntry {
  std::string code;     // "MANIFEST_UNKNOWN", may be empty
  std::string message;  // "manifest unknown", may be empty
};

// The entries of an error body; empty when it is not one (HTML, a HEAD).
std::vector<RegistryErrorEntry> parse_error_body(std::string_view body);

// "manifest unknown: manifest unknown; ..." or "" when the body says nothing.
std::string describe_error_body(std::string_view body);

ErrorKind error_kind_for(int status, const std::vector<RegistryErrorEntry>& entries);

// An Error for a failed response: "<what>: <registry's words>", falling
// back on words for the status when the body has none.
Error response_error(const Response& response, std::string_view what);

}  // namespace hako::image::registry
