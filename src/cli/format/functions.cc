#include "cli/format/functions.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "cli/format/gofmt.h"
#include "cli/format/utf8.h"

namespace hako::cli::format {

namespace {

[[noreturn]] void fail_call(std::string message) { throw CallError{std::move(message), true}; }

[[noreturn]] void wrong_type(std::string_view want, const Value& v) {
  throw CallError{fmt::format("wrong type for value; expected {}; got {}", want, go_param_type_name(v.json())), false};
}

const std::string& arg_string(const Value& v) {
  if (!v.json().is_string()) wrong_type("string", v);
  return v.json().get_ref<const std::string&>();
}

int64_t arg_int(const Value& v) {
  const Json& j = v.json();
  if (!j.is_number_integer() || (j.is_number_unsigned() && j.get<uint64_t>() > uint64_t(INT64_MAX)))
    wrong_type("int", v);
  return j.get<int64_t>();
}

// A []string parameter: an array of strings, or null (a nil slice).
std::vector<std::string> arg_strings(const Value& v) {
  const Json& j = v.json();
  std::vector<std::string> out;
  if (j.is_null()) return out;
  if (!j.is_array()) wrong_type("[]string", v);
  for (const auto& e : j) {
    if (!e.is_string()) wrong_type("[]string", v);
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::vector<const Json*> jsons(std::span<const Value> args) {
  std::vector<const Json*> out;
  for (const auto& a : args) out.push_back(&a.json());
  return out;
}

Value str(std::string s) { return Value::owned(Json(std::move(s))); }

// ---- comparison (Go's eq, lt and friends) ----

enum class Kind { Invalid, Bool, Int, Float, String, Composite };

Kind kind_of(const Json& j) {
  switch (j.type()) {
    case Json::value_t::boolean: return Kind::Bool;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return Kind::Int;
    case Json::value_t::number_float: return Kind::Float;
    case Json::value_t::string: return Kind::String;
    case Json::value_t::array:
    case Json::value_t::object: return Kind::Composite;
    default: return Kind::Invalid;
  }
}

bool numeric(Kind k) { return k == Kind::Int || k == Kind::Float; }

__int128 as_i128(const Json& j) {
  return j.is_number_unsigned() ? __int128(j.get<uint64_t>()) : __int128(j.get<int64_t>());
}

// Integers compare exactly; an integer and a float compare as numbers (Go
// would refuse to compare int with float64, but in JSON the difference is
// often an accident of serialization).
int compare_numbers(const Json& a, const Json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    __int128 x = as_i128(a), y = as_i128(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  double x = a.get<double>(), y = b.get<double>();
  return x < y ? -1 : x > y ? 1 : 0;
}

bool equal(const Json& a, const Json& b) {
  Kind ka = kind_of(a), kb = kind_of(b);
  if (ka != kb) {
    if (numeric(ka) && numeric(kb)) return compare_numbers(a, b) == 0;
    if (ka == Kind::Invalid || kb == Kind::Invalid) return false;
    fail_call("incompatible types for comparison");
  }
  switch (ka) {
    case Kind::Invalid: return true;
    case Kind::Int:
    case Kind::Float: return compare_numbers(a, b) == 0;
    default: return a == b;
  }
}

bool less(const Json& a, const Json& b) {
  Kind ka = kind_of(a), kb = kind_of(b);
  auto ordered = [](Kind k) { return numeric(k) || k == Kind::String || k == Kind::Bool; };
  if (!ordered(ka) || !ordered(kb)) fail_call("invalid type for comparison");
  if (ka != kb && !(numeric(ka) && numeric(kb))) fail_call("incompatible types for comparison");
  if (ka == Kind::Bool) fail_call("invalid type for comparison");
  if (ka == Kind::String) return a.get_ref<const std::string&>() < b.get_ref<const std::string&>();
  return compare_numbers(a, b) < 0;
}

Value boolean(bool b) { return Value::owned(Json(b)); }

Value fn_eq(std::span<const Value> a) {
  if (a.size() < 2) fail_call("missing argument for comparison");
  for (size_t i = 1; i < a.size(); ++i)
    if (equal(a[0].json(), a[i].json())) return boolean(true);
  return boolean(false);
}
Value fn_ne(std::span<const Value> a) { return boolean(!equal(a[0].json(), a[1].json())); }
Value fn_lt(std::span<const Value> a) { return boolean(less(a[0].json(), a[1].json())); }
Value fn_le(std::span<const Value> a) {
  return boolean(less(a[0].json(), a[1].json()) || equal(a[0].json(), a[1].json()));
}
Value fn_gt(std::span<const Value> a) { return boolean(!is_true(fn_le(a))); }
Value fn_ge(std::span<const Value> a) { return boolean(!less(a[0].json(), a[1].json())); }

// ---- builtins ----

Value fn_not(std::span<const Value> a) { return boolean(!is_true(a[0])); }

Value fn_len(std::span<const Value> a) {
  const Json& j = a[0].json();
  if (j.is_string()) return Value::owned(Json(int64_t(j.get_ref<const std::string&>().size())));
  if (j.is_array() || j.is_object()) return Value::owned(Json(int64_t(j.size())));
  if (j.is_null()) return Value::owned(Json(0));  // a nil slice or map in Docker's types
  fail_call("len of type " + go_type_name(j));
}

int64_t index_arg(const Value& index, int64_t size, bool allow_end) {
  const Json& j = index.json();
  if (j.is_null()) fail_call("cannot index slice/array with nil");
  if (!j.is_number_integer()) fail_call("cannot index slice/array with type " + go_type_name(j));
  __int128 x = as_i128(j);
  if (x < 0 || x > size || (!allow_end && x == size)) fail_call(fmt::format("index out of range: {}", int64_t(x)));
  return int64_t(x);
}

// What indexing a map with an absent key yields: Docker's label and option
// maps are map[string]string, whose zero value prints as "".
Value map_zero(const Json& object) {
  for (const auto& v : object)
    if (!v.is_string()) return Value::owned(Json());
  return str("");
}

Value fn_index(std::span<const Value> a) {
  Value cur = a[0];
  for (size_t i = 1; i < a.size(); ++i) {
    const Json& j = cur.json();
    const Json& key = a[i].json();
    if (j.is_array()) {
      cur = cur.child(j[size_t(index_arg(a[i], int64_t(j.size()), false))]);
    } else if (j.is_string()) {
      const std::string& s = j.get_ref<const std::string&>();
      cur = Value::owned(Json(int64_t(static_cast<unsigned char>(s[size_t(index_arg(a[i], int64_t(s.size()), false))]))));
    } else if (j.is_object() || j.is_null()) {
      if (key.is_null()) fail_call("value is nil; should be of type string");
      if (!key.is_string()) fail_call(fmt::format("value has type {}; should be string", go_type_name(key)));
      if (j.is_null()) {
        cur = str("");
        continue;
      }
      auto it = j.find(key.get_ref<const std::string&>());
      cur = it != j.end() ? cur.child(*it) : map_zero(j);
    } else {
      fail_call("can't index item of type " + go_type_name(j));
    }
  }
  return cur;
}

Value fn_slice(std::span<const Value> a) {
  const Json& j = a[0].json();
  size_t n = a.size() - 1;
  if (j.is_null()) fail_call("slice of untyped nil");
  if (n > 3) fail_call(fmt::format("too many slice indexes: {}", n));
  int64_t size;
  if (j.is_string()) {
    if (n == 3) fail_call("cannot 3-index slice a string");
    size = int64_t(j.get_ref<const std::string&>().size());
  } else if (j.is_array()) {
    size = int64_t(j.size());
  } else {
    fail_call("can't slice item of type " + go_type_name(j));
  }
  int64_t idx[3] = {0, size, size};
  for (size_t i = 0; i < n; ++i) idx[i] = index_arg(a[i + 1], size, true);
  if (idx[0] > idx[1]) fail_call(fmt::format("invalid slice index: {} > {}", idx[0], idx[1]));
  if (n == 3 && idx[1] > idx[2]) fail_call(fmt::format("invalid slice index: {} > {}", idx[1], idx[2]));
  if (j.is_string()) return str(j.get_ref<const std::string&>().substr(size_t(idx[0]), size_t(idx[1] - idx[0])));
  Json out = Json::array();
  for (int64_t i = idx[0]; i < idx[1]; ++i) out.push_back(j[size_t(i)]);
  return Value::owned(std::move(out));
}

Value fn_print(std::span<const Value> a) { return str(go_sprint(jsons(a))); }
Value fn_println(std::span<const Value> a) { return str(go_sprintln(jsons(a))); }
Value fn_printf(std::span<const Value> a) {
  const std::string& format = arg_string(a[0]);
  return str(go_sprintf(format, jsons(a.subspan(1))));
}

// Go's evalArgs for html, js and urlquery: one string as is, else fmt.Sprint.
std::string sprint_args(std::span<const Value> a) {
  if (a.size() == 1 && a[0].json().is_string()) return a[0].json().get<std::string>();
  return go_sprint(jsons(a));
}

Value fn_html(std::span<const Value> a) {
  std::string out;
  for (char c : sprint_args(a)) {
    switch (c) {
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\0': out += "\xEF\xBF\xBD"; break;
      default: out += c;
    }
  }
  return str(std::move(out));
}

Value fn_js(std::span<const Value> a) {
  std::string s = sprint_args(a), out;
  for (size_t i = 0, len = 0; i < s.size(); i += len) {
    char32_t r = decode_rune(s, i, &len);
    switch (r) {
      case '\\': out += "\\\\"; continue;
      case '\'': out += "\\'"; continue;
      case '"': out += "\\\""; continue;
      case '<': out += "\\u003C"; continue;
      case '>': out += "\\u003E"; continue;
      case '&': out += "\\u0026"; continue;
      case '=': out += "\\u003D"; continue;
    }
    if (r < ' ') {
      out += fmt::format("\\u{:04X}", uint32_t(r));
    } else if (r < 0x80 || is_print(r)) {
      out.append(s, i, len);
    } else {
      out += fmt::format("\\u{:04X}", uint32_t(r));
    }
  }
  return str(std::move(out));
}

Value fn_urlquery(std::span<const Value> a) {
  std::string out;
  for (unsigned char c : sprint_args(a)) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += char(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return str(std::move(out));
}

// ---- Docker's functions ----

Value fn_json(std::span<const Value> a) { return str(go_json(a[0].json()).value_or("")); }

Value fn_split(std::span<const Value> a) {
  const std::string& s = arg_string(a[0]);
  const std::string& sep = arg_string(a[1]);
  Json out = Json::array();
  if (sep.empty()) {
    for (size_t i = 0, len = 0; i < s.size(); i += len) {
      decode_rune(s, i, &len);
      out.push_back(s.substr(i, len));
    }
    return Value::owned(std::move(out));
  }
  size_t start = 0;
  for (size_t pos; (pos = s.find(sep, start)) != std::string::npos; start = pos + sep.size())
    out.push_back(s.substr(start, pos - start));
  out.push_back(s.substr(start));
  return Value::owned(std::move(out));
}

Value fn_join(std::span<const Value> a) {
  std::vector<std::string> parts = arg_strings(a[0]);
  const std::string& sep = arg_string(a[1]);
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return str(std::move(out));
}

// Simple case mappings for ASCII, Latin-1, Latin Extended-A, Greek and
// Cyrillic; other scripts pass through unchanged.
char32_t to_upper(char32_t r) {
  if (r >= 'a' && r <= 'z') return r - 32;
  if (r < 0x80) return r;
  if ((r >= 0xE0 && r <= 0xFE && r != 0xF7)) return r - 32;
  if (r == 0xFF) return 0x178;
  if (r == 0xB5) return 0x39C;
  if ((r >= 0x100 && r <= 0x137) || (r >= 0x14A && r <= 0x177)) return r & ~char32_t(1);
  if ((r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E)) return (r % 2 == 0) ? r - 1 : r;
  if (r >= 0x3B1 && r <= 0x3C9 && r != 0x3C2) return r - 32;
  if (r == 0x3C2) return 0x3A3;
  if (r >= 0x430 && r <= 0x44F) return r - 32;
  if (r >= 0x450 && r <= 0x45F) return r - 80;
  return r;
}

char32_t to_lower(char32_t r) {
  if (r >= 'A' && r <= 'Z') return r + 32;
  if (r < 0x80) return r;
  if (r >= 0xC0 && r <= 0xDE && r != 0xD7) return r + 32;
  if (r == 0x178) return 0xFF;
  if ((r >= 0x100 && r <= 0x137) || (r >= 0x14A && r <= 0x177)) return r | 1;
  if ((r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E)) return (r % 2 == 1) ? r + 1 : r;
  if (r >= 0x391 && r <= 0x3A9 && r != 0x3A2) return r + 32;
  if (r >= 0x410 && r <= 0x42F) return r + 32;
  if (r >= 0x400 && r <= 0x40F) return r + 80;
  return r;
}

template <typename F>
std::string map_runes(std::string_view s, F f) {
  std::string out;
  for (size_t i = 0, len = 0; i < s.size(); i += len) {
    char32_t r = decode_rune(s, i, &len);
    if (r == kRuneError && len == 1) {
      out += s[i];  // keep bytes that are not UTF-8
      continue;
    }
    append_rune(out, f(r));
  }
  return out;
}

Value fn_lower(std::span<const Value> a) { return str(map_runes(arg_string(a[0]), to_lower)); }
Value fn_upper(std::span<const Value> a) { return str(map_runes(arg_string(a[0]), to_upper)); }

// strings.Title: upper-case the first letter of each word.
Value fn_title(std::span<const Value> a) {
  auto separator = [](char32_t r) {
    if (r < 0x80) return !((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_');
    return r == 0x85 || r == 0xA0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200A) || r == 0x2028 || r == 0x2029 ||
           r == 0x202F || r == 0x205F || r == 0x3000;
  };
  char32_t prev = ' ';
  return str(map_runes(arg_string(a[0]), [&](char32_t r) {
    bool start = separator(prev);
    prev = r;
    return start ? to_upper(r) : r;
  }));
}

Value fn_pad(std::span<const Value> a) {
  const std::string& s = arg_string(a[0]);
  int64_t left = arg_int(a[1]), right = arg_int(a[2]);
  if (s.empty()) return str("");
  if (left < 0 || right < 0) fail_call("strings: negative Repeat count");
  return str(std::string(size_t(left), ' ') + s + std::string(size_t(right), ' '));
}

Value fn_truncate(std::span<const Value> a) {
  const std::string& s = arg_string(a[0]);
  int64_t n = arg_int(a[1]);
  if (int64_t(s.size()) < n) return a[0];
  if (n < 0) fail_call(fmt::format("runtime error: slice bounds out of range [:{}]", n));
  return str(s.substr(0, size_t(n)));
}

// Docker's HeaderFunctions: the header text passes through unchanged.
Value header_same(std::span<const Value> a) {
  arg_string(a[0]);
  return a[0];
}
Value header_same_str(std::span<const Value> a) {
  arg_string(a[1]);
  return header_same(a);
}
Value header_same_int(std::span<const Value> a) {
  arg_int(a[1]);
  return header_same(a);
}

constexpr Function kFunctions[] = {
    {"and", 1, -1, nullptr},
    {"or", 1, -1, nullptr},
    {"not", 1, 1, fn_not},
    {"len", 1, 1, fn_len},
    {"index", 1, -1, fn_index},
    {"slice", 1, -1, fn_slice},
    {"eq", 1, -1, fn_eq},
    {"ne", 2, 2, fn_ne},
    {"lt", 2, 2, fn_lt},
    {"le", 2, 2, fn_le},
    {"gt", 2, 2, fn_gt},
    {"ge", 2, 2, fn_ge},
    {"print", 0, -1, fn_print},
    {"printf", 1, -1, fn_printf},
    {"println", 0, -1, fn_println},
    {"html", 0, -1, fn_html},
    {"js", 0, -1, fn_js},
    {"urlquery", 0, -1, fn_urlquery},
    {"json", 1, 1, fn_json},
    {"split", 2, 2, fn_split},
    {"join", 2, 2, fn_join},
    {"title", 1, 1, fn_title},
    {"lower", 1, 1, fn_lower},
    {"upper", 1, 1, fn_upper},
    {"pad", 3, 3, fn_pad},
    {"truncate", 2, 2, fn_truncate},
};

constexpr Function kHeaderFunctions[] = {
    {"json", 1, 1, header_same},       {"split", 2, 2, header_same_str}, {"join", 2, 2, header_same_str},
    {"title", 1, 1, header_same},      {"lower", 1, 1, header_same},     {"upper", 1, 1, header_same},
    {"truncate", 2, 2, header_same_int},
};

}  // namespace

const Function* find_function(std::string_view name, bool header) {
  if (header)
    for (const auto& f : kHeaderFunctions)
      if (f.name == name) return &f;
  for (const auto& f : kFunctions)
    if (f.name == name) return &f;
  return nullptr;
}

bool is_function(std::string_view name) { return find_function(name, false) != nullptr; }

}  // namespace hako::cli::format
