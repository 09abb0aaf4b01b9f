// The OS package inventory of an unpacked image root: what `hako scan`
// matches OS advisories against.
//
// `rootfs` is a host directory holding the image's merged filesystem. It is
// untrusted: every path is resolved inside it (see rootfs.h), so absolute or
// escaping symlinks in the image never reach host files.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "scan/inventory/package.h"

namespace hako::scan {

// Packages from every OS package database present: dpkg (status and
// status.d), apk (installed) and rpm (rpmdb.sqlite), in that order, each in
// database order. Ecosystem and purl come from the image's os-release. A
// database that is absent contributes nothing and is no error (scratch and
// static images have none); a corrupt one fails the whole call with an
// InvalidArgument error naming the file and line (rpm: row), because a
// partial inventory would hide vulnerabilities. Package::layer is left for
// the caller.
Result<std::vector<Package>> os_packages(const std::string& rootfs);

// The distribution (see read_os_release_file in os_release.h).
Result<OsRelease> read_os_release(const std::string& rootfs);

}  // namespace hako::scan
