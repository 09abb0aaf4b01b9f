#include "scan/inventory/inventory.h"

#include "scan/inventory/apk.h"
#include "scan/inventory/dpkg.h"
#include "scan/inventory/os_release.h"
#include "scan/inventory/rpm.h"

namespace hako::scan {

Result<OsRelease> read_os_release(const std::string& rootfs) { return read_os_release_file(rootfs); }

Result<std::vector<Package>> os_packages(const std::string& rootfs) {
  TRY_ASSIGN(OsRelease os, read_os_release_file(rootfs));
  std::vector<Package> out;
  for (auto reader : {read_dpkg, read_apk, read_rpm}) {
    TRY_ASSIGN(std::vector<Package> found, reader(rootfs, os));
    for (Package& p : found) out.push_back(std::move(p));
  }
  return out;
}

}  // namespace hako::scan
