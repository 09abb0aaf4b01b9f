#include "scan/inventory/rpm.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <memory>
#include <optional>
#include <set>

#include "base/fd.h"
#include "scan/inventory/os_release.h"
#include "scan/inventory/rootfs.h"

namespace hako::scan {
namespace {

constexpr uint32_t kTypeInt32 = 4, kTypeString = 6, kTypeStringArray = 8, kTypeI18nString = 9;
constexpr int32_t kTagName = 1000, kTagVersion = 1001, kTagRelease = 1002, kTagEpoch = 1003,
                  kTagLicense = 1014, kTagArch = 1022, kTagSourceRpm = 1044;
// rpm's own sanity limits (hdrblobVerifyInfo): 64Ki tags, 256 MiB of data.
constexpr uint32_t kMaxIndex = 0xffff, kMaxData = 256u << 20;

uint32_t be32(std::string_view b, size_t at) {
  auto u = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(b[at + i])); };
  return (u(0) << 24) | (u(1) << 16) | (u(2) << 8) | u(3);
}

}  // namespace

Result<RpmHeader> parse_rpm_header(std::string_view blob) {
  if (blob.size() < 8) return fail(ErrorKind::InvalidArgument, "rpm header of {} bytes is truncated", blob.size());
  uint32_t il = be32(blob, 0), dl = be32(blob, 4);
  if (il == 0 || il > kMaxIndex || dl > kMaxData)
    return fail(ErrorKind::InvalidArgument, "rpm header has implausible sizes ({} tags, {} data bytes)", il, dl);
  uint64_t want = 8 + uint64_t{il} * 16 + dl;
  if (blob.size() != want)
    return fail(ErrorKind::InvalidArgument, "rpm header is {} bytes, its index says {}", blob.size(), want);
  std::string_view data = blob.substr(8 + size_t{il} * 16);

  RpmHeader h;
  for (uint32_t i = 0; i < il; ++i) {
    size_t at = 8 + size_t{i} * 16;
    auto tag = static_cast<int32_t>(be32(blob, at));
    uint32_t type = be32(blob, at + 4), offset = be32(blob, at + 8), count = be32(blob, at + 12);
    std::string* field = nullptr;
    switch (tag) {
      case kTagName: field = &h.name; break;
      case kTagVersion: field = &h.version; break;
      case kTagRelease: field = &h.release; break;
      case kTagLicense: field = &h.license; break;
      case kTagArch: field = &h.arch; break;
      case kTagSourceRpm: field = &h.sourcerpm; break;
      case kTagEpoch: break;
      default: continue;  // regions, file lists, dependencies, ...: not needed
    }
    if (offset >= dl)
      return fail(ErrorKind::InvalidArgument, "rpm header tag {} points past the data ({} >= {})", tag, offset, dl);
    if (tag == kTagEpoch) {
      if (type != kTypeInt32 || count < 1 || uint64_t{offset} + 4 > dl)
        return fail(ErrorKind::InvalidArgument, "rpm header EPOCH has type {} count {}", type, count);
      h.epoch = static_cast<int32_t>(be32(data, offset));
      continue;
    }
    if ((type != kTypeString && type != kTypeStringArray && type != kTypeI18nString) || count < 1)
      return fail(ErrorKind::InvalidArgument, "rpm header tag {} has type {}, not a string", tag, type);
    size_t nul = data.find('\0', offset);
    if (nul == std::string_view::npos)
      return fail(ErrorKind::InvalidArgument, "rpm header tag {} string runs past the data", tag);
    *field = std::string(data.substr(offset, nul - offset));
  }
  if (h.name.empty() || h.version.empty())
    return fail(ErrorKind::InvalidArgument, "rpm header has no {}", h.name.empty() ? "NAME" : "VERSION");
  return h;
}

Package rpm_package(const RpmHeader& h) {
  Package p;
  p.name = h.name;
  p.arch = h.arch;
  p.license = h.license;
  std::string epoch = h.epoch ? fmt::format("{}:", *h.epoch) : "";
  p.version = epoch + h.version + (h.release.empty() ? "" : "-" + h.release);
  p.source_name = p.name;
  p.source_version = p.version;
  // "<name>-<version>-<release>.src.rpm"; the name may itself contain '-'.
  std::string_view srpm = h.sourcerpm;
  for (std::string_view suffix : {".src.rpm", ".nosrc.rpm"}) {
    if (!srpm.ends_with(suffix)) continue;
    std::string_view nvr = srpm.substr(0, srpm.size() - suffix.size());
    size_t rel = nvr.rfind('-');
    size_t ver = rel == std::string_view::npos || rel == 0 ? std::string_view::npos : nvr.rfind('-', rel - 1);
    if (ver != std::string_view::npos && ver > 0) {
      p.source_name = std::string(nvr.substr(0, ver));
      p.source_version = epoch + std::string(nvr.substr(ver + 1));
    }
    break;
  }
  return p;
}

namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtCloser {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

// An SQLite URI for a host path: immutable=1 keeps SQLite from creating
// -wal/-shm/-journal files or taking locks in the image.
std::string immutable_uri(const std::string& path) {
  std::string out = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    else out += c;
  }
  return out + "?immutable=1";
}

Result<std::vector<Package>> read_sqlite_rpmdb(const std::string& host, const std::string& rel) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(immutable_uri(host).c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  std::unique_ptr<sqlite3, DbCloser> db(raw);
  if (rc != SQLITE_OK)
    return fail(ErrorKind::InvalidArgument, "{}: opening rpm database: {}", rel,
                raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
  sqlite3_stmt* st = nullptr;
  rc = sqlite3_prepare_v2(db.get(), "SELECT hnum, blob FROM Packages ORDER BY hnum", -1, &st, nullptr);
  std::unique_ptr<sqlite3_stmt, StmtCloser> stmt(st);
  if (rc != SQLITE_OK)
    return fail(ErrorKind::InvalidArgument, "{}: not an rpm database: {}", rel, sqlite3_errmsg(db.get()));
  std::vector<Package> out;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    int64_t hnum = sqlite3_column_int64(stmt.get(), 0);
    const void* data = sqlite3_column_blob(stmt.get(), 1);
    int size = sqlite3_column_bytes(stmt.get(), 1);
    std::string_view blob(static_cast<const char*>(data), data ? static_cast<size_t>(size) : 0);
    auto header = parse_rpm_header(blob);
    if (!header) return std::unexpected(header.error().context(fmt::format("{}: Packages row hnum={}", rel, hnum)));
    if (header->name == "gpg-pubkey") continue;
    Package p = rpm_package(*header);
    p.path = rel;
    out.push_back(std::move(p));
  }
  if (rc != SQLITE_DONE)
    return fail(ErrorKind::InvalidArgument, "{}: reading Packages: {}", rel, sqlite3_errmsg(db.get()));
  return out;
}

}  // namespace

Result<std::vector<Package>> read_rpm(const std::string& rootfs, const OsRelease& os) {
  std::vector<Package> found;
  std::set<std::pair<dev_t, ino_t>> seen;  // /var/lib/rpm is often a link to the sysimage one
  bool any = false;
  for (const char* rel : {"var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite"}) {
    TRY_ASSIGN(std::optional<std::string> host, resolve_in_root(rootfs, rel));
    if (!host) continue;
    // Refuse what is not a regular file (a FIFO, a link swapped in) before
    // SQLite opens the path itself.
    UniqueFd fd(::open(host->c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (!fd) return fail_sys(fmt::format("open {}", *host));
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return fail_sys(fmt::format("stat {}", *host));
    if (!S_ISREG(st.st_mode)) return fail(ErrorKind::InvalidArgument, "{} in the image is not a regular file", rel);
    if (!seen.insert({st.st_dev, st.st_ino}).second) continue;
    any = true;
    TRY_ASSIGN(std::vector<Package> pkgs, read_sqlite_rpmdb(*host, rel));
    for (Package& p : pkgs) found.push_back(std::move(p));
  }
  if (!any) {
    for (const char* rel : {"var/lib/rpm/Packages", "var/lib/rpm/Packages.db",
                            "usr/lib/sysimage/rpm/Packages", "usr/lib/sysimage/rpm/Packages.db"}) {
      TRY_ASSIGN(std::optional<std::string> host, resolve_in_root(rootfs, rel));
      if (host)
        return fail(ErrorKind::NotSupported,
                    "{}: Berkeley DB / ndb rpm databases are not supported (only rpmdb.sqlite)", rel);
    }
    return found;
  }
  std::string ecosystem = osv_ecosystem(os);
  std::string vendor = purl_vendor(os, "");
  std::string distro = purl_distro(os);
  for (Package& p : found) {
    p.ecosystem = ecosystem;
    // The purl rpm type keeps the epoch out of the version, as a qualifier.
    std::string_view v = p.version;
    std::string epoch;
    if (size_t colon = v.find(':'); colon != std::string_view::npos) {
      epoch = std::string(v.substr(0, colon));
      v.remove_prefix(colon + 1);
    }
    p.purl = make_purl("rpm", vendor, p.name, v, {{"arch", p.arch}, {"epoch", epoch}, {"distro", distro}});
  }
  return found;
}

}  // namespace hako::scan
