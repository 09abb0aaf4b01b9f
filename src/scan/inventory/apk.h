// apk-tools' database: /lib/apk/db/installed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "scan/inventory/package.h"

namespace hako::scan {

// Parses the installed database: one block per package, blocks separated
// by blank lines, each line "<letter>:<value>". Kept: P name, V version,
// A arch, L licence, o origin (source package; defaults to the name; its
// version is the package's). Other letters (files, checksums, t, c, ...)
// are ignored. A non-empty line without the "<letter>:" shape, or a block
// with file lines but no P or V, is an InvalidArgument error
// "<path>:<line>: ...". Fills path = `path`.
Result<std::vector<Package>> parse_apk_installed(std::string_view text, std::string_view path);

// Packages of lib/apk/db/installed under `rootfs` with ecosystem and purl
// (pkg:apk/<vendor>/name@version?arch=&distro=); empty when absent.
Result<std::vector<Package>> read_apk(const std::string& rootfs, const OsRelease& os);

}  // namespace hako::scan
