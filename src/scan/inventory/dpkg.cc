#include "scan/inventory/dpkg.h"

#include <cctype>
#include <optional>

#include "base/strings.h"
#include "scan/inventory/os_release.h"
#include "scan/inventory/rootfs.h"

namespace hako::scan {
namespace {

struct Stanza {
  int line = 0;  // of its first field, for messages
  std::vector<std::pair<std::string, std::string>> fields;  // lowercased name, value

  const std::string* get(std::string_view name) const {
    for (const auto& [k, v] : fields)
      if (k == name) return &v;
    return nullptr;
  }
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// deb822 paragraphs. A field's value is its first line, trimmed, plus each
// continuation line after a '\n' (multi-line fields: Description, License).
Result<std::vector<Stanza>> parse_stanzas(std::string_view text, std::string_view path) {
  std::vector<Stanza> out;
  Stanza cur;
  int lineno = 0;
  auto flush = [&] {
    if (!cur.fields.empty()) out.push_back(std::move(cur));
    cur = Stanza();
  };
  for (std::string line : split(text, '\n')) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) {
      flush();
      continue;
    }
    if (line.front() == '#') continue;  // deb822 comment lines
    if (line.front() == ' ' || line.front() == '\t') {
      if (cur.fields.empty())
        return fail(ErrorKind::InvalidArgument, "{}:{}: continuation line outside a field", path, lineno);
      cur.fields.back().second += "\n" + std::string(trim(line));
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0)
      return fail(ErrorKind::InvalidArgument, "{}:{}: expected \"Field: value\", got {:?}", path, lineno,
                  line.substr(0, 80));
    if (cur.fields.empty()) cur.line = lineno;
    cur.fields.emplace_back(lower(trim(std::string_view(line).substr(0, colon))),
                            std::string(trim(std::string_view(line).substr(colon + 1))));
  }
  flush();
  return out;
}

std::string first_line(const std::string& v) { return v.substr(0, v.find('\n')); }

// "installed" as the third word of Status: the package's files are on disk
// whatever the selection (install, hold, deinstall pending) says.
bool installed(std::string_view status) {
  std::vector<std::string> words;
  for (const std::string& w : split(trim(status), ' '))
    if (!w.empty()) words.push_back(w);
  return words.size() == 3 && words[2] == "installed";
}

}  // namespace

Result<std::vector<Package>> parse_dpkg_status(std::string_view text, std::string_view path,
                                               bool has_status) {
  TRY_ASSIGN(std::vector<Stanza> stanzas, parse_stanzas(text, path));
  std::vector<Package> out;
  for (const Stanza& s : stanzas) {
    if (has_status) {
      const std::string* status = s.get("status");
      if (status == nullptr || !installed(*status)) continue;
    }
    const std::string* name = s.get("package");
    const std::string* version = s.get("version");
    if (name == nullptr || name->empty())
      return fail(ErrorKind::InvalidArgument, "{}:{}: stanza has no Package field", path, s.line);
    if (version == nullptr || version->empty())
      return fail(ErrorKind::InvalidArgument, "{}:{}: package {} has no Version", path, s.line, *name);
    Package p;
    p.name = *name;
    p.version = *version;
    if (const std::string* arch = s.get("architecture")) p.arch = *arch;
    p.source_name = p.name;
    p.source_version = p.version;
    if (const std::string* src = s.get("source"); src != nullptr && !src->empty()) {
      // "glibc" or "glibc (2.36-9)": the source version differs from the
      // binary's after binNMUs ("+b1") and for packages built from another
      // source release.
      std::string_view v = *src;
      size_t paren = v.find('(');
      if (paren == std::string_view::npos) {
        p.source_name = std::string(trim(v));
      } else {
        size_t close = v.find(')', paren);
        std::string_view ver = close == std::string_view::npos ? std::string_view()
                                                               : trim(v.substr(paren + 1, close - paren - 1));
        if (ver.empty() || trim(v.substr(0, paren)).empty())
          return fail(ErrorKind::InvalidArgument, "{}:{}: package {} has a malformed Source {:?}", path, s.line,
                      p.name, *src);
        p.source_name = std::string(trim(v.substr(0, paren)));
        p.source_version = std::string(ver);
      }
    }
    p.path = std::string(path);
    out.push_back(std::move(p));
  }
  return out;
}

std::string dep5_license(std::string_view copyright) {
  auto stanzas = parse_stanzas(copyright, "copyright");
  if (!stanzas || stanzas->empty() || stanzas->front().get("format") == nullptr) return "";
  for (const Stanza& s : *stanzas) {
    const std::string* files = s.get("files");
    const std::string* license = s.get("license");
    if (files == nullptr || license == nullptr) continue;
    std::vector<std::string> patterns;
    for (const std::string& w : split(first_line(*files), ' '))
      if (!w.empty()) patterns.push_back(w);
    if (!patterns.empty() && patterns.front() == "*") return std::string(trim(first_line(*license)));
  }
  return "";
}

Result<std::vector<Package>> read_dpkg(const std::string& rootfs, const OsRelease& os) {
  std::vector<Package> found;
  const std::string status_path = "var/lib/dpkg/status";
  TRY_ASSIGN(std::optional<std::string> status, read_in_root(rootfs, status_path));
  if (status) {
    TRY_ASSIGN(found, parse_dpkg_status(*status, status_path, true));
  }
  TRY_ASSIGN(auto names, list_in_root(rootfs, "var/lib/dpkg/status.d"));
  if (names) {
    for (const std::string& n : *names) {
      if (n.ends_with(".md5sums") || n.starts_with(".")) continue;
      std::string path = "var/lib/dpkg/status.d/" + n;
      TRY_ASSIGN(std::optional<std::string> text, read_in_root(rootfs, path));
      if (!text) continue;
      TRY_ASSIGN(std::vector<Package> pkgs, parse_dpkg_status(*text, path, false));
      for (Package& p : pkgs) found.push_back(std::move(p));
    }
  }

  std::string ecosystem = osv_ecosystem(os);
  if (ecosystem.empty()) ecosystem = "Debian";
  std::string vendor = purl_vendor(os, "debian");
  std::string distro = purl_distro(os);
  for (Package& p : found) {
    p.ecosystem = ecosystem;
    p.purl = make_purl("deb", vendor, p.name, p.version, {{"arch", p.arch}, {"distro", distro}});
    // A missing, unreadable or odd copyright file only costs the licence.
    auto copyright = read_in_root(rootfs, "usr/share/doc/" + p.name + "/copyright", 1 << 22);
    if (copyright && *copyright) p.license = dep5_license(**copyright);
  }
  return found;
}

}  // namespace hako::scan
