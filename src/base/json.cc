#include "base/json.h"

namespace hako {

Result<Json> parse_json(std::string_view text, std::string_view what) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Parse again with exceptions only to learn where it broke.
    try {
      Json discard = Json::parse(text);
    (void)discard;
    } catch (const Json::parse_error& e) {
      return fail(ErrorKind::InvalidArgument, "{}: malformed JSON at byte {}", what, e.byte);
    }
    return fail(ErrorKind::InvalidArgument, "{}: malformed JSON", what);
  }
  return j;
}

static const char* type_name(const Json& j) { return j.type_name(); }

Result<JsonObject> JsonObject::of(const Json& j, std::string path) {
  if (!j.is_object())
    return fail(ErrorKind::InvalidArgument, "{}: expected an object, got {}", path.empty() ? "document" : path,
                type_name(j));
  return JsonObject(&j, std::move(path));
}

bool JsonObject::has(const char* key) const { return j_->contains(key) && !(*j_)[key].is_null(); }

std::string JsonObject::child_path(const char* key) const {
  return path_.empty() ? std::string(key) : path_ + "." + key;
}

const Json* JsonObject::raw(const char* key) const { return has(key) ? &(*j_)[key] : nullptr; }

Result<std::optional<std::string>> JsonObject::opt_string(const char* key) const {
  const Json* v = raw(key);
  if (!v) return std::optional<std::string>{};
  if (!v->is_string()) return fail(ErrorKind::InvalidArgument, "{}: expected a string, got {}", child_path(key), type_name(*v));
  return std::optional<std::string>(v->get<std::string>());
}

Result<std::string> JsonObject::string(const char* key) const {
  TRY_ASSIGN(auto v, opt_string(key));
  if (!v) return fail(ErrorKind::InvalidArgument, "{}: required field is missing", child_path(key));
  return *v;
}

Result<std::optional<bool>> JsonObject::opt_bool(const char* key) const {
  const Json* v = raw(key);
  if (!v) return std::optional<bool>{};
  if (!v->is_boolean()) return fail(ErrorKind::InvalidArgument, "{}: expected a boolean, got {}", child_path(key), type_name(*v));
  return std::optional<bool>(v->get<bool>());
}

Result<std::optional<int64_t>> JsonObject::opt_int(const char* key) const {
  const Json* v = raw(key);
  if (!v) return std::optional<int64_t>{};
  if (!v->is_number_integer() || (v->is_number_unsigned() && v->get<uint64_t>() > INT64_MAX))
    return fail(ErrorKind::InvalidArgument, "{}: expected an integer, got {}", child_path(key), type_name(*v));
  return std::optional<int64_t>(v->get<int64_t>());
}

Result<std::optional<uint64_t>> JsonObject::opt_uint(const char* key) const {
  const Json* v = raw(key);
  if (!v) return std::optional<uint64_t>{};
  if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<int64_t>() >= 0))
    return fail(ErrorKind::InvalidArgument, "{}: expected a non-negative integer, got {}", child_path(key),
                v->is_number() ? v->dump() : type_name(*v));
  return std::optional<uint64_t>(v->get<uint64_t>());
}

Result<std::vector<std::string>> JsonObject::strings(const char* key) const {
  std::vector<std::string> out;
  const Json* v = raw(key);
  if (!v) return out;
  if (!v->is_array()) return fail(ErrorKind::InvalidArgument, "{}: expected an array of strings, got {}", child_path(key), type_name(*v));
  for (size_t i = 0; i < v->size(); ++i) {
    const Json& e = (*v)[i];
    if (!e.is_string()) return fail(ErrorKind::InvalidArgument, "{}[{}]: expected a string, got {}", child_path(key), i, type_name(e));
    out.push_back(e.get<std::string>());
  }
  return out;
}

Result<std::map<std::string, std::string>> JsonObject::string_map(const char* key) const {
  std::map<std::string, std::string> out;
  const Json* v = raw(key);
  if (!v) return out;
  if (!v->is_object()) return fail(ErrorKind::InvalidArgument, "{}: expected an object of strings, got {}", child_path(key), type_name(*v));
  for (auto& [k, e] : v->items()) {
    if (!e.is_string()) return fail(ErrorKind::InvalidArgument, "{}.{}: expected a string, got {}", child_path(key), k, type_name(e));
    out[k] = e.get<std::string>();
  }
  return out;
}

Result<std::optional<JsonObject>> JsonObject::opt_object(const char* key) const {
  const Json* v = raw(key);
  if (!v) return std::optional<JsonObject>{};
  TRY_ASSIGN(auto o, of(*v, child_path(key)));
  return std::optional<JsonObject>(o);
}

Result<std::vector<JsonObject>> JsonObject::objects(const char* key) const {
  std::vector<JsonObject> out;
  const Json* v = raw(key);
  if (!v) return out;
  if (!v->is_array()) return fail(ErrorKind::InvalidArgument, "{}: expected an array, got {}", child_path(key), type_name(*v));
  for (size_t i = 0; i < v->size(); ++i) {
    TRY_ASSIGN(auto o, of((*v)[i], fmt::format("{}[{}]", child_path(key), i)));
    out.push_back(o);
  }
  return out;
}

}  // namespace hako
