#include "compose/yaml.h"

#include <yaml.h>

#include <cmath>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>

namespace hako::compose {

std::string path_key(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string path_index(const std::string& parent, size_t i) {
  return fmt::format("{}[{}]", parent, i);
}

namespace {

// Types a plain scalar as yaml.v3 (YAML 1.2 core schema) does.
Json plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  auto all = [&](size_t from, auto pred) {
    if (from >= s.size()) return false;
    for (size_t i = from; i < s.size(); ++i)
      if (!pred(s[i])) return false;
    return true;
  };
  auto isdig = [](char c) { return c >= '0' && c <= '9'; };
  size_t sign = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (all(sign, isdig)) {
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno == 0 && *end == 0) return v;
    return s;
  }
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    bool hex = s[1] == 'x';
    bool ok = all(2, [&](char c) {
      return hex ? std::isxdigit(static_cast<unsigned char>(c)) != 0 : (c >= '0' && c <= '7');
    });
    if (ok) return static_cast<long long>(std::strtoll(s.c_str() + 2, nullptr, hex ? 16 : 8));
  }
  // Floats: [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
  {
    size_t i = sign, digits = 0;
    while (i < s.size() && isdig(s[i])) ++i, ++digits;
    bool dot = false;
    if (i < s.size() && s[i] == '.') {
      dot = true;
      ++i;
      while (i < s.size() && isdig(s[i])) ++i, ++digits;
    }
    bool exp = false;
    if (digits > 0 && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      size_t j = i + 1;
      if (j < s.size() && (s[j] == '-' || s[j] == '+')) ++j;
      size_t k = j;
      while (k < s.size() && isdig(s[k])) ++k;
      if (k > j) exp = true, i = k;
    }
    if (digits > 0 && i == s.size() && (dot || exp)) return std::strtod(s.c_str(), nullptr);
  }
  std::string rest = s.substr(sign);
  if (rest == ".inf" || rest == ".Inf" || rest == ".INF")
    return s[0] == '-' ? -INFINITY : INFINITY;
  return s;
}

class Converter {
 public:
  Converter(yaml_document_t* doc, YamlDoc* out) : doc_(doc), out_(out) {}

  Result<Json> convert(yaml_node_t* node, const std::string& path, int depth) {
    if (depth > 200) return fail(ErrorKind::InvalidArgument, "document nested too deeply (recursive alias?)");
    if (!out_->lines.contains(path)) out_->lines[path] = static_cast<int>(node->start_mark.line) + 1;
    std::string tag = node->tag ? reinterpret_cast<const char*>(node->tag) : "";
    if (tag == "!reset") out_->reset_paths.insert(path);
    if (tag == "!override") out_->override_paths.insert(path);
    switch (node->type) {
      case YAML_SCALAR_NODE: {
        std::string s(reinterpret_cast<const char*>(node->data.scalar.value), node->data.scalar.length);
        if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return Json(s);
        if (tag == "tag:yaml.org,2002:str" || tag == "!reset" || tag == "!override" || tag.empty())
          return plain_scalar(s);
        if (tag == "!!str") return Json(s);
        return plain_scalar(s);
      }
      case YAML_SEQUENCE_NODE: {
        Json arr = Json::array();
        size_t i = 0;
        for (auto* it = node->data.sequence.items.start; it < node->data.sequence.items.top; ++it, ++i) {
          yaml_node_t* child = yaml_document_get_node(doc_, *it);
          TRY_ASSIGN(Json v, convert(child, path_index(path, i), depth + 1));
          arr.push_back(std::move(v));
        }
        return arr;
      }
      case YAML_MAPPING_NODE: {
        Json obj = Json::object();
        Json merged = Json::object();  // from << keys, lower priority
        for (auto* p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; ++p) {
          yaml_node_t* k = yaml_document_get_node(doc_, p->key);
          yaml_node_t* v = yaml_document_get_node(doc_, p->value);
          if (k->type != YAML_SCALAR_NODE)
            return fail(ErrorKind::InvalidArgument, "{}: mapping keys must be scalars",
                        static_cast<int>(k->start_mark.line) + 1);
          std::string key(reinterpret_cast<const char*>(k->data.scalar.value), k->data.scalar.length);
          if (key == "<<" && k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
            std::vector<yaml_node_t*> sources;
            if (v->type == YAML_MAPPING_NODE) {
              sources.push_back(v);
            } else if (v->type == YAML_SEQUENCE_NODE) {
              for (auto* it = v->data.sequence.items.start; it < v->data.sequence.items.top; ++it)
                sources.push_back(yaml_document_get_node(doc_, *it));
            }
            for (auto* src : sources) {
              if (src->type != YAML_MAPPING_NODE)
                return fail(ErrorKind::InvalidArgument, "{}: map merge requires map or sequence of maps as the value",
                            static_cast<int>(v->start_mark.line) + 1);
              TRY_ASSIGN(Json m, convert(src, path, depth + 1));
              // Earlier sources win over later ones.
              for (auto& [mk, mv] : m.items())
                if (!merged.contains(mk)) merged[mk] = mv;
            }
            if (sources.empty())
              return fail(ErrorKind::InvalidArgument, "{}: map merge requires map or sequence of maps as the value",
                          static_cast<int>(v->start_mark.line) + 1);
            continue;
          }
          std::string child = path_key(path, key);
          if (obj.contains(key))
            return fail(ErrorKind::InvalidArgument, "{}: mapping key \"{}\" already defined",
                        static_cast<int>(k->start_mark.line) + 1, key);
          out_->lines[child] = static_cast<int>(k->start_mark.line) + 1;
          TRY_ASSIGN(Json cv, convert(v, child, depth + 1));
          std::string vtag = v->tag ? reinterpret_cast<const char*>(v->tag) : "";
          if (vtag == "!reset") continue;  // the path is recorded; merge drops the key
          obj[key] = std::move(cv);
        }
        for (auto& [mk, mv] : merged.items())
          if (!obj.contains(mk)) obj[mk] = mv;
        return obj;
      }
      default:
        return Json(nullptr);
    }
  }

 private:
  yaml_document_t* doc_;
  YamlDoc* out_;
};

}  // namespace

Result<YamlDoc> parse_yaml(std::string_view text, const std::string& what) {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) return fail(ErrorKind::Internal, "{}: yaml parser init failed", what);
  std::unique_ptr<yaml_parser_t, void (*)(yaml_parser_t*)> pguard(&parser, yaml_parser_delete);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  yaml_document_t doc;
  if (!yaml_parser_load(&parser, &doc)) {
    const yaml_mark_t& m = parser.problem ? parser.problem_mark : parser.context_mark;
    return fail(ErrorKind::InvalidArgument, "{}:{}: {}{}{}", what, m.line + 1,
                parser.problem ? parser.problem : "invalid YAML",
                parser.context ? " " : "", parser.context ? parser.context : "");
  }
  std::unique_ptr<yaml_document_t, void (*)(yaml_document_t*)> dguard(&doc, yaml_document_delete);
  YamlDoc out;
  yaml_node_t* root = yaml_document_get_root_node(&doc);
  if (!root) {
    out.value = nullptr;
    return out;
  }
  Converter conv(&doc, &out);
  auto v = conv.convert(root, "", 0);
  if (!v) {
    const std::string& msg = v.error().message();
    // Messages from the converter start with the line number.
    return fail(ErrorKind::InvalidArgument, "{}:{}", what, msg);
  }
  out.value = std::move(*v);
  return out;
}

namespace {

bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  Json typed = plain_scalar(s);
  if (!typed.is_string()) return true;
  if (s.front() == ' ' || s.back() == ' ') return true;
  static const std::string bad_first = "-?:,[]{}#&*!|>'\"%@`";
  if (bad_first.find(s.front()) != std::string::npos) return true;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return true;
  if (s.back() == ':') return true;
  for (char c : s)
    if (c == '\n' || c == '\t' || c == '\r' || static_cast<unsigned char>(c) < 0x20) return true;
  return false;
}

std::string scalar(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return v.dump();
  std::string s = v.get<std::string>();
  if (!needs_quotes(s)) return s;
  return Json(s).dump();  // JSON strings are valid YAML double-quoted scalars
}

void emit(const Json& v, int indent, std::string& out);

void emit_key(const std::string& k, std::string& out) { out += needs_quotes(k) ? Json(k).dump() : k; }

void emit(const Json& v, int indent, std::string& out) {
  std::string pad(indent, ' ');
  if (v.is_object()) {
    for (auto& [k, child] : v.items()) {
      out += pad;
      emit_key(k, out);
      out += ":";
      if ((child.is_object() || child.is_array()) && !child.empty()) {
        out += "\n";
        emit(child, child.is_array() ? indent : indent + 2, out);
      } else if (child.is_object()) {
        out += " {}\n";
      } else if (child.is_array()) {
        out += " []\n";
      } else {
        out += " " + scalar(child) + "\n";
      }
    }
  } else if (v.is_array()) {
    for (auto& child : v) {
      out += pad + "-";
      if (child.is_object() && !child.empty()) {
        std::string sub;
        emit(child, indent + 2, sub);
        out += " " + sub.substr(indent + 2);
      } else if (child.is_array() && !child.empty()) {
        out += "\n";
        emit(child, indent + 2, out);
      } else if (child.is_object()) {
        out += " {}\n";
      } else if (child.is_array()) {
        out += " []\n";
      } else {
        out += " " + scalar(child) + "\n";
      }
    }
  } else {
    out += pad + scalar(v) + "\n";
  }
}

}  // namespace

std::string to_yaml_text(const Json& value) {
  std::string out;
  emit(value, 0, out);
  return out;
}

}  // namespace hako::compose
