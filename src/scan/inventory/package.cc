#include "scan/inventory/package.h"

#include <algorithm>

#include "base/strings.h"

namespace hako::scan {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The purl spec keeps alphanumerics, ".-_~" and ':' as they are and
// percent-encodes every other octet, separators included, inside a component.
void append_encoded(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '-' || c == '_' || c == '~' || c == ':';
    if (keep) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
}

std::string_view strip_slashes(std::string_view s) {
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string make_purl(std::string_view type, std::string_view ns, std::string_view name,
                      std::string_view version, const PurlQualifiers& qualifiers,
                      std::string_view subpath) {
  std::string t = lower(type);
  std::string n(strip_slashes(ns));
  std::string nm(strip_slashes(name));
  if (t == "deb" || t == "apk" || t == "alpm") {
    n = lower(n);
    nm = lower(nm);
  } else if (t == "rpm") {
    n = lower(n);
  } else if (t == "pypi") {
    nm = lower(nm);
    std::replace(nm.begin(), nm.end(), '_', '-');
  }

  std::string out = "pkg:" + t + "/";
  if (!n.empty()) {
    bool first = true;
    for (const std::string& seg : split(n, '/')) {
      if (seg.empty()) continue;
      if (!first) out += '/';
      append_encoded(out, seg);
      first = false;
    }
    out += '/';
  }
  append_encoded(out, nm);
  if (!version.empty()) {
    out += '@';
    append_encoded(out, version);
  }

  std::vector<std::string> qs;
  for (const auto& [key, value] : qualifiers) {
    if (value.empty()) continue;
    std::string q = lower(key) + "=";
    append_encoded(q, value);
    qs.push_back(std::move(q));
  }
  std::sort(qs.begin(), qs.end());
  if (!qs.empty()) out += "?" + join(qs, "&");

  std::vector<std::string> segs;
  for (const std::string& seg : split(strip_slashes(subpath), '/')) {
    if (seg.empty() || seg == "." || seg == "..") continue;
    std::string e;
    append_encoded(e, seg);
    segs.push_back(std::move(e));
  }
  if (!segs.empty()) out += "#" + join(segs, "/");
  return out;
}

}  // namespace hako::scan
