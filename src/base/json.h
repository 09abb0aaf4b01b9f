// Typed reads from parsed JSON that fail with the field's full path
// ("process.args[2]: expected a string"), so a schema-invalid document is
// reported precisely instead of through a library exception.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"

namespace hako {

using Json = nlohmann::json;

// Parses text; the error names `what` (a file name) and the byte offset.
Result<Json> parse_json(std::string_view text, std::string_view what);

// A view of one JSON object with its path for error messages.
class JsonObject {
 public:
  static Result<JsonObject> of(const Json& j, std::string path);

  const std::string& path() const { return path_; }
  bool has(const char* key) const;
  std::string child_path(const char* key) const;

  Result<std::optional<std::string>> opt_string(const char* key) const;
  Result<std::string> string(const char* key) const;  // required
  Result<std::optional<bool>> opt_bool(const char* key) const;
  Result<std::optional<int64_t>> opt_int(const char* key) const;
  Result<std::optional<uint64_t>> opt_uint(const char* key) const;
  Result<std::vector<std::string>> strings(const char* key) const;  // absent: empty
  Result<std::map<std::string, std::string>> string_map(const char* key) const;
  // Absent: nullopt. Present but not an object: error.
  Result<std::optional<JsonObject>> opt_object(const char* key) const;
  // Absent: empty. Each element must be an object.
  Result<std::vector<JsonObject>> objects(const char* key) const;
  const Json* raw(const char* key) const;

 private:
  JsonObject(const Json* j, std::string path) : j_(j), path_(std::move(path)) {}
  const Json* j_;
  std::string path_;
};

}  // namespace hako
