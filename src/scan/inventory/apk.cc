#include "scan/inventory/apk.h"

#include <cctype>
#include <optional>

#include "base/strings.h"
#include "scan/inventory/os_release.h"
#include "scan/inventory/rootfs.h"

namespace hako::scan {

Result<std::vector<Package>> parse_apk_installed(std::string_view text, std::string_view path) {
  std::vector<Package> out;
  Package cur;
  int lineno = 0, block_line = 0;
  bool in_block = false;
  auto flush = [&]() -> Result<> {
    if (!in_block) return {};
    in_block = false;
    if (cur.name.empty() || cur.version.empty())
      return fail(ErrorKind::InvalidArgument, "{}:{}: package block without {}", path, block_line,
                  cur.name.empty() ? "P: (name)" : "V: (version)");
    if (cur.source_name.empty()) cur.source_name = cur.name;
    cur.source_version = cur.version;
    cur.path = std::string(path);
    out.push_back(std::move(cur));
    cur = Package();
    return {};
  };
  for (std::string line : split(text, '\n')) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      TRY(flush());
      continue;
    }
    if (line.size() < 2 || line[1] != ':' || !std::isalpha(static_cast<unsigned char>(line[0])))
      return fail(ErrorKind::InvalidArgument, "{}:{}: expected \"X:value\", got {:?}", path, lineno,
                  line.substr(0, 80));
    if (!in_block) block_line = lineno;
    in_block = true;
    std::string value = line.substr(2);
    switch (line[0]) {
      case 'P': cur.name = value; break;
      case 'V': cur.version = value; break;
      case 'A': cur.arch = value; break;
      case 'L': cur.license = value; break;
      case 'o': cur.source_name = value; break;
      default: break;  // files (F/R/M/a/Z), checksums (C), size, t, c, dependencies, ...
    }
  }
  TRY(flush());
  return out;
}

Result<std::vector<Package>> read_apk(const std::string& rootfs, const OsRelease& os) {
  const std::string path = "lib/apk/db/installed";
  TRY_ASSIGN(std::optional<std::string> text, read_in_root(rootfs, path));
  if (!text) return std::vector<Package>();
  TRY_ASSIGN(std::vector<Package> found, parse_apk_installed(*text, path));
  std::string ecosystem = osv_ecosystem(os);
  if (ecosystem.empty()) ecosystem = "Alpine";
  std::string vendor = purl_vendor(os, "alpine");
  std::string distro = purl_distro(os);
  for (Package& p : found) {
    p.ecosystem = ecosystem;
    p.purl = make_purl("apk", vendor, p.name, p.version, {{"arch", p.arch}, {"distro", distro}});
  }
  return found;
}

}  // namespace hako::scan
