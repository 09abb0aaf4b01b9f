#include "scan/inventory/os_release.h"

#include <cctype>

#include "base/strings.h"
#include "scan/inventory/rootfs.h"

namespace hako::scan {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Shell-like unquoting of an os-release value.
std::string unquote(std::string_view v) {
  std::string out;
  char quote = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (quote == '\'') {
      if (c == '\'') quote = 0; else out += c;
    } else if (c == '\\' && i + 1 < v.size() &&
               (quote == 0 || std::string_view("\"\\$`").find(v[i + 1]) != std::string_view::npos)) {
      out += v[++i];
    } else if (quote == '"' && c == '"') {
      quote = 0;
    } else if (quote == 0 && (c == '"' || c == '\'')) {
      quote = c;
    } else {
      out += c;
    }
  }
  return out;
}

// The leading run of `parts` dot-separated numbers: ("3.19.1", 2) -> "3.19".
std::string leading_numbers(std::string_view v, int parts) {
  std::string out;
  int seen = 0;
  size_t i = 0;
  while (seen < parts && i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
    if (seen > 0) out += '.';
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) out += v[i++];
    ++seen;
    if (i < v.size() && v[i] == '.') ++i; else break;
  }
  return seen == parts ? out : std::string();
}

std::string with_release(std::string_view name, std::string_view release) {
  if (release.empty()) return std::string(name);
  return fmt::format("{}:{}", name, release);
}

// PRETTY_NAME minus a leading vendor word: "SUSE Linux Enterprise Server 15
// SP5" -> "Linux Enterprise Server 15 SP5", the form OSV's SUSE data uses.
std::string without_vendor(std::string_view pretty, std::string_view vendor) {
  std::string p(trim(pretty));
  if (p.size() > vendor.size() && lower(p.substr(0, vendor.size())) == lower(vendor) &&
      p[vendor.size()] == ' ')
    return std::string(trim(std::string_view(p).substr(vendor.size() + 1)));
  return p;
}

}  // namespace

OsRelease parse_os_release(std::string_view text) {
  OsRelease os;
  for (const std::string& raw : split(text, '\n')) {
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    std::string_view key = trim(line.substr(0, eq));
    std::string value = unquote(trim(line.substr(eq + 1)));
    if (key == "ID") os.id = lower(value);
    else if (key == "VERSION_ID") os.version_id = value;
    else if (key == "PRETTY_NAME") os.pretty_name = value;
  }
  return os;
}

Result<OsRelease> read_os_release_file(const std::string& rootfs) {
  for (const char* path : {"etc/os-release", "usr/lib/os-release"}) {
    TRY_ASSIGN(std::optional<std::string> text, read_in_root(rootfs, path, 1 << 16));
    if (text) return parse_os_release(*text);
  }
  OsRelease os;
  TRY_ASSIGN(std::optional<std::string> debian, read_in_root(rootfs, "etc/debian_version", 1 << 12));
  if (debian) {
    os.id = "debian";
    std::string v(trim(*debian));
    // Point releases ("12.4") belong to the major release; "trixie/sid" has none.
    os.version_id = leading_numbers(v, 1);
    os.pretty_name = "Debian GNU/Linux " + v;
    return os;
  }
  TRY_ASSIGN(std::optional<std::string> alpine, read_in_root(rootfs, "etc/alpine-release", 1 << 12));
  if (alpine) {
    os.id = "alpine";
    os.version_id = std::string(trim(*alpine));
    os.pretty_name = "Alpine Linux v" + leading_numbers(os.version_id, 2);
  }
  return os;
}

std::string osv_ecosystem(const OsRelease& os) {
  const std::string& id = os.id;
  const std::string& v = os.version_id;
  if (id == "debian") return with_release("Debian", leading_numbers(v, 1));
  if (id == "ubuntu") {
    std::string release = leading_numbers(v, 2);
    if (release.empty()) return "Ubuntu";
    // LTS releases are the even years' April ones; OSV requires the suffix.
    bool lts = os.pretty_name.find(" LTS") != std::string::npos ||
               (release.ends_with(".04") && (std::stoi(release) % 2) == 0);
    return fmt::format("Ubuntu:{}{}", release, lts ? ":LTS" : "");
  }
  if (id == "alpine") {
    std::string mm = leading_numbers(v, 2);
    return mm.empty() ? "Alpine" : "Alpine:v" + mm;
  }
  if (id == "rocky") return with_release("Rocky Linux", leading_numbers(v, 1));
  if (id == "almalinux") return with_release("AlmaLinux", leading_numbers(v, 1));
  if (id == "mageia") return with_release("Mageia", leading_numbers(v, 1));
  if (id == "photon") return with_release("Photon OS", v);
  if (id.starts_with("opensuse"))
    return with_release("openSUSE", without_vendor(os.pretty_name, "openSUSE"));
  if (id == "sles" || id == "sled" || id.starts_with("sle-") || id.starts_with("sle_") || id == "suse")
    return with_release("SUSE", without_vendor(os.pretty_name, "SUSE"));
  if (id == "rhel") return "Red Hat";
  if (id == "wolfi") return "Wolfi";
  if (id == "chainguard") return "Chainguard";
  if (id == "centos") return "CentOS";
  if (id == "fedora") return "Fedora";
  if (id == "amzn") return "Amazon Linux";
  if (id == "ol") return "Oracle Linux";
  if (id == "azurelinux" || id == "mariner") return "Azure Linux";
  if (id == "openeuler") return "openEuler";
  return "";
}

std::string purl_distro(const OsRelease& os) {
  if (os.id.empty()) return "";
  if (os.version_id.empty()) return os.id;
  return os.id + "-" + os.version_id;
}

std::string purl_vendor(const OsRelease& os, std::string_view fallback) {
  if (os.id.empty()) return std::string(fallback);
  if (os.id == "rhel") return "redhat";
  return os.id;
}

}  // namespace hako::scan
