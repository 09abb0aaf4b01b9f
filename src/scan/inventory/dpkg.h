// dpkg's database: /var/lib/dpkg/status and the distroless status.d/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "scan/inventory/package.h"

namespace hako::scan {

// Parses RFC 822-style dpkg stanzas (fields "Name: value", continuation
// lines starting with space or tab, stanzas separated by blank lines,
// field names case-insensitive). With `has_status` (the status file), only
// packages whose Status says the files are on disk ("<want> ok installed":
// install, hold, or deinstall-but-not-yet-removed) are kept; status.d
// files have no Status field and every stanza counts. Fills name, version,
// arch, source_name/source_version ("Source: glibc (2.36-9)", defaulting to
// the binary's name and version) and path (= `path`). A line that is neither
// a field nor a continuation, a stanza without Package or Version, or a
// malformed Source is an InvalidArgument error "<path>:<line>: ...".
Result<std::vector<Package>> parse_dpkg_status(std::string_view text, std::string_view path,
                                               bool has_status);

// The licence of a machine-readable debian/copyright (DEP-5: its header
// paragraph has a Format: field): the first line of the License: field of
// the "Files: *" paragraph. "" for free-text copyright files or when there
// is no such paragraph; never an error (copyright files are not a database).
std::string dep5_license(std::string_view copyright);

// Packages of var/lib/dpkg/status and var/lib/dpkg/status.d/* (skipping
// *.md5sums) under `rootfs`, with ecosystem, purl (pkg:deb/<vendor>/...
// ?arch=&distro=) and licence (usr/share/doc/<name>/copyright) filled. No
// database: an empty list.
Result<std::vector<Package>> read_dpkg(const std::string& rootfs, const OsRelease& os);

}  // namespace hako::scan
