#include "compose/schema.h"

#include <cmath>
#include <map>
#include <mutex>
#include <regex>

#include <fmt/format.h>

#include "compose/yaml.h"

namespace hako::compose {

extern const char* const kComposeSpecJson;

const Json& compose_schema() {
  static const Json schema = Json::parse(kComposeSpecJson);
  return schema;
}

namespace {

const std::regex& cached_regex(const std::string& pattern) {
  static std::mutex mu;
  static std::map<std::string, std::regex> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
  return it->second;
}

std::string type_name(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "integer";
    case Json::value_t::number_float: return "number";
    case Json::value_t::string: return "string";
    case Json::value_t::array: return "array";
    case Json::value_t::object: return "object";
    default: return "unknown";
  }
}

bool type_matches(const std::string& t, const Json& v) {
  if (t == "integer") {
    if (v.is_number_integer()) return true;
    if (v.is_number_float()) {
      double d = v.get<double>();
      return std::floor(d) == d;
    }
    return false;
  }
  if (t == "number") return v.is_number();
  return type_name(v) == t;
}

std::string describe_types(const Json& types) {
  std::vector<std::string> names;
  auto add = [&](const std::string& t) { names.push_back(t == "array" ? "list" : t == "object" ? "mapping" : t); };
  if (types.is_string()) add(types.get<std::string>());
  else
    for (auto& t : types) add(t.get<std::string>());
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? (i + 1 == names.size() ? " or " : ", ") : "") + names[i];
  return out;
}

class Validator {
 public:
  explicit Validator(const Json& root) : root_(root) {}

  const Json& resolve(const Json& s) const {
    const Json* cur = &s;
    for (int i = 0; i < 20 && cur->is_object() && cur->contains("$ref"); ++i) {
      std::string ref = (*cur)["$ref"].get<std::string>();
      if (ref.rfind("#/definitions/", 0) != 0) break;
      const Json& defs = root_["definitions"];
      auto it = defs.find(ref.substr(14));
      if (it == defs.end()) break;
      cur = &*it;
    }
    return *cur;
  }

  // Whether `type` (if any) of schema `s` accepts v.
  bool type_ok(const Json& s0, const Json& v) const {
    const Json& s = resolve(s0);
    if (!s.is_object()) return true;
    if (s.contains("type")) {
      const Json& t = s["type"];
      if (t.is_string()) return type_matches(t.get<std::string>(), v);
      for (auto& x : t)
        if (type_matches(x.get<std::string>(), v)) return true;
      return false;
    }
    for (const char* k : {"oneOf", "anyOf"})
      if (s.contains(k)) {
        for (auto& b : s[k])
          if (type_ok(b, v)) return true;
        return false;
      }
    return true;
  }

  void check(const Json& s0, const Json& v, const std::string& path, std::vector<SchemaError>& errs) const {
    const Json& s = resolve(s0);
    if (s.is_boolean()) {
      if (!s.get<bool>()) errs.push_back({path, "not allowed"});
      return;
    }
    if (!s.is_object()) return;
    if (s.contains("type") && !type_ok(s, v)) {
      errs.push_back({path, fmt::format("must be a {}", describe_types(s["type"]))});
      return;
    }
    for (const char* k : {"oneOf", "anyOf"}) {
      if (!s.contains(k)) continue;
      const Json& branches = s[k];
      std::vector<std::vector<SchemaError>> results;
      bool any = false;
      for (auto& b : branches) {
        std::vector<SchemaError> e;
        check(b, v, path, e);
        if (e.empty()) {
          any = true;
          break;
        }
        results.push_back(std::move(e));
      }
      if (any) continue;
      // Report the branch whose type fits; else a type error listing all.
      const std::vector<SchemaError>* best = nullptr;
      size_t i = 0;
      for (auto& b : branches) {
        if (i < results.size() && type_ok(b, v)) {
          best = &results[i];
          break;
        }
        ++i;
      }
      if (best) {
        errs.insert(errs.end(), best->begin(), best->end());
      } else {
        Json types = Json::array();
        for (auto& b : branches) {
          const Json& rb = resolve(b);
          if (rb.is_object() && rb.contains("type")) {
            if (rb["type"].is_string()) types.push_back(rb["type"]);
            else
              for (auto& t : rb["type"]) types.push_back(t);
          }
        }
        if (types.empty()) errs.push_back({path, "does not match any allowed form"});
        else errs.push_back({path, fmt::format("must be a {}", describe_types(types))});
      }
      return;
    }
    if (s.contains("enum")) {
      bool found = false;
      for (auto& e : s["enum"])
        if (e == v) found = true;
      if (!found) {
        std::string allowed;
        for (auto& e : s["enum"]) allowed += (allowed.empty() ? "" : ", ") + e.dump();
        errs.push_back({path, fmt::format("must be one of {}", allowed)});
      }
    }
    if (v.is_string()) {
      if (s.contains("pattern") && !std::regex_search(v.get<std::string>(), cached_regex(s["pattern"])))
        errs.push_back({path, fmt::format("does not match pattern {}", s["pattern"].get<std::string>())});
    }
    if (v.is_number()) {
      if (s.contains("minimum") && v.get<double>() < s["minimum"].get<double>())
        errs.push_back({path, fmt::format("must be >= {}", s["minimum"].dump())});
      if (s.contains("maximum") && v.get<double>() > s["maximum"].get<double>())
        errs.push_back({path, fmt::format("must be <= {}", s["maximum"].dump())});
    }
    if (v.is_object()) {
      if (s.contains("required"))
        for (auto& r : s["required"])
          if (!v.contains(r.get<std::string>()))
            errs.push_back({path, fmt::format("{} is required", r.get<std::string>())});
      for (auto& [key, child] : v.items()) {
        std::string cpath = path_key(path, key);
        bool matched = false;
        if (s.contains("properties") && s["properties"].contains(key)) {
          matched = true;
          check(s["properties"][key], child, cpath, errs);
        }
        if (s.contains("patternProperties"))
          for (auto& [pat, ps] : s["patternProperties"].items())
            if (std::regex_search(key, cached_regex(pat))) {
              matched = true;
              check(ps, child, cpath, errs);
            }
        if (!matched && s.contains("additionalProperties")) {
          const Json& ap = s["additionalProperties"];
          if (ap.is_boolean()) {
            if (!ap.get<bool>()) errs.push_back({cpath, "additional property not allowed"});
          } else {
            check(ap, child, cpath, errs);
          }
        }
      }
    }
    if (v.is_array()) {
      if (s.contains("items")) {
        size_t i = 0;
        for (auto& item : v) check(s["items"], item, path_index(path, i++), errs);
      }
      if (s.value("uniqueItems", false)) {
        for (size_t i = 0; i < v.size(); ++i)
          for (size_t j = i + 1; j < v.size(); ++j)
            if (v[i] == v[j]) {
              errs.push_back({path_index(path, j), fmt::format("duplicate entry {}", v[j].dump())});
              i = v.size();
              break;
            }
      }
    }
  }

 private:
  const Json& root_;
};

}  // namespace

std::vector<SchemaError> validate_schema(const Json& schema, const Json& value) {
  std::vector<SchemaError> errs;
  Validator(schema).check(schema, value, "", errs);
  return errs;
}

}  // namespace hako::compose
