// rpm's database: the SQLite rpmdb (rpm >= 4.16: RHEL 9, Fedora 33+,
// openSUSE, Rocky/Alma 9, Amazon Linux 2023, ...).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "scan/inventory/package.h"

namespace hako::scan {

// The fields hako reads from one rpm header.
struct RpmHeader {
  std::string name, version, release, license, sourcerpm, arch;
  std::optional<int32_t> epoch;
};

// Parses a header blob as rpmdb stores it: no 8-byte magic intro, but the
// big-endian int32 index count `il` and data length `dl`, il 16-byte index
// entries (tag, type, offset, count; big-endian), then dl bytes of data;
// the blob must be exactly 8 + 16*il + dl bytes. Reads NAME 1000, VERSION
// 1001, RELEASE 1002, EPOCH 1003 (INT32), LICENSE 1014, ARCH 1022,
// SOURCERPM 1044 (STRING, or the first string of STRING_ARRAY/I18NSTRING).
// Any entry out of bounds, a string without its NUL, or a missing NAME or
// VERSION is an InvalidArgument error.
Result<RpmHeader> parse_rpm_header(std::string_view blob);

// A Package from a header: version "[epoch:]version-release"; source from
// SOURCERPM "bash-5.1.8-6.el9.src.rpm" -> bash, "[epoch:]5.1.8-6.el9"
// (source RPMs carry no epoch; the binary's is used, as Red Hat's OVAL
// data assumes); without SOURCERPM the binary's name and version.
Package rpm_package(const RpmHeader& h);

// Packages in var/lib/rpm/rpmdb.sqlite and usr/lib/sysimage/rpm/rpmdb.sqlite
// (once when one links to the other) under `rootfs`, opened read-only and
// immutable (no journal or lock files are created in the image), with
// ecosystem and purl (pkg:rpm/<vendor>/name@version-release?arch=&epoch=
// &distro=). gpg-pubkey entries (imported signing keys) are skipped. Older
// Berkeley DB (var/lib/rpm/Packages) and ndb (Packages.db) databases are
// not read: when one exists without an SQLite database, NotSupported, so
// that a scan does not silently report an rpm image as having no packages.
// A blob that does not parse: InvalidArgument naming the file and row.
Result<std::vector<Package>> read_rpm(const std::string& rootfs, const OsRelease& os);

}  // namespace hako::scan
