// Which distribution an image root is, and how OSV names its advisories.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"
#include "scan/inventory/package.h"

namespace hako::scan {

// Parses os-release(5) text: KEY=VALUE lines, '#' comments, values bare,
// "double-quoted" (with \" \\ \$ \` escapes) or 'single-quoted'. Lines that
// are not assignments are skipped, as systemd does. Only ID, VERSION_ID and
// PRETTY_NAME are kept; ID is lowercased.
OsRelease parse_os_release(std::string_view text);

// Reads etc/os-release, else usr/lib/os-release, else etc/debian_version
// ("12.4" -> debian 12; "trixie/sid" -> debian, no version) or
// etc/alpine-release, inside `rootfs` (symlinks resolved within it). An
// empty OsRelease when none exists (scratch images); errors only for I/O
// failures and escaping or looping links.
Result<OsRelease> read_os_release_file(const std::string& rootfs);

// The OSV ecosystem of the distribution's packages, with the release suffix
// OSV uses: "Debian:12" (major only), "Ubuntu:22.04:LTS" / "Ubuntu:23.10",
// "Alpine:v3.19" (major.minor), "Rocky Linux:9", "AlmaLinux:9", "Mageia:9",
// "Photon OS:5.0", "openSUSE:Leap 15.5" and "SUSE:Linux Enterprise Server 15
// SP5" (PRETTY_NAME without the vendor word), "Wolfi", "Chainguard".
// "Red Hat" carries no suffix: OSV scopes Red Hat advisories by product CPE
// ("Red Hat:enterprise_linux:9::appstream"), which depends on the repository
// a package came from, not on os-release; callers match on the prefix.
// Distributions without OSV data get their scheme family's name so the
// version order is still known ("CentOS", "Fedora", "Amazon Linux",
// "Oracle Linux", "Azure Linux", "openEuler"); "" when the id is unknown.
std::string osv_ecosystem(const OsRelease& os);

// The purl "distro" qualifier: "debian-12", "alpine-3.19.1"; "" if unknown.
std::string purl_distro(const OsRelease& os);

// The purl namespace (vendor) for the distribution's packages: the os-release
// id, except "rhel" -> "redhat" as the purl registry spells it; `fallback`
// when the id is unknown.
std::string purl_vendor(const OsRelease& os, std::string_view fallback);

}  // namespace hako::scan
