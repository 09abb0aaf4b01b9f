// scan, scan db (import | update | status) and sbom.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "base/clock.h"
#include "base/fd.h"
#include "base/files.h"
#include "cli/commands/scan_artifact.h"
#include "cli/units.h"
#include "cli/version.h"
#include "image/registry/http.h"
#include "scan/report/sbom.h"
#include "scan/report/scan_report.h"
#include "scan/scanner/collect.h"

namespace hako::cli {
namespace {

namespace report = scan::report;

// A database older than this is warned about: OSV publishes several times
// a day, so a week-old copy misses whatever was disclosed since.
constexpr int64_t kStaleSeconds = 7 * 24 * 3600;

// OSV's public exports, one zip per ecosystem (what `db update` fetches).
constexpr const char* kDefaultMirror = "https://osv-vulnerabilities.storage.googleapis.com";
const std::vector<std::string> kDefaultEcosystems = {"Debian", "Alpine",    "npm",      "PyPI", "Go",
                                                     "crates.io", "RubyGems", "Packagist", "Maven"};

std::string db_path(const Context& ctx, const ParsedFlags& p) {
  if (p.set("db")) return p.str("db");
  if (const char* e = std::getenv("HAKO_SCAN_DB"); e && *e) return e;
  return ctx.globals.root + "/scan/osv.db";
}

std::string dir_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

// Opens an existing, non-empty database for scanning.
Result<scan::osv::Database> open_for_scan(const std::string& path, scan::osv::Metadata* meta) {
  if (!path_exists(path))
    return fail(ErrorKind::NotFound,
                "no vulnerability database at {}: import OSV data with 'hako scan db import FILE|DIR' or "
                "download it with 'hako scan db update'",
                path);
  TRY_ASSIGN(auto db, scan::osv::Database::open(path));
  TRY_ASSIGN(*meta, db.metadata());
  if (meta->advisories == 0)
    return fail(ErrorKind::NotFound,
                "the vulnerability database {} holds no advisories: run 'hako scan db import' or "
                "'hako scan db update'",
                path);
  return db;
}

// "WARNING: ..." when the data is older than a week.
void warn_if_stale(const scan::osv::Metadata& meta) {
  auto at = parse_rfc3339(meta.updated_at);
  if (!at) return;
  int64_t age = static_cast<int64_t>(std::time(nullptr)) - *at;
  if (age > kStaleSeconds)
    std::fprintf(stderr,
                 "WARNING: the vulnerability database was last updated %s (%s); findings disclosed since are "
                 "missing. Run 'hako scan db update'.\n",
                 time_ago(*at).c_str(), meta.updated_at.c_str());
}

Result<> write_report(const std::string& output, const std::string& text) {
  if (output.empty() || output == "-") return write_all(1, text, "stdout");
  return write_file_atomic(output, text);
}

std::string today() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

bool want_color(const ParsedFlags& p) {
  if (p.set("output") && p.str("output") != "-") return false;
  const char* no = std::getenv("NO_COLOR");
  return ::isatty(1) && !(no && *no);
}

Result<int> scan_cmd(Context& ctx, const ParsedFlags& p) {
  std::string format = p.str("format");
  if (format != "table" && format != "json" && format != "sarif")
    return fail(ErrorKind::InvalidArgument, "--format {}: want table, json or sarif", format);
  TRY(check_artifact_args(p));
  report::Filter filter;
  if (p.set("severity")) {
    TRY_ASSIGN(filter.severities, report::parse_severity_list(p.str("severity")));
  }
  filter.ignore_unfixed = p.boolean("ignore-unfixed");
  TRY_ASSIGN(long long exit_code, p.integer("exit-code"));
  if (exit_code < 0 || exit_code > 255) return fail(ErrorKind::InvalidArgument, "--exit-code {}: want 0-255", exit_code);
  // The ignore file: given, or .hakoignore in the working directory if any.
  report::IgnoreList ignore;
  std::string ignore_file = p.set("ignorefile") ? p.str("ignorefile") : ".hakoignore";
  if (p.set("ignorefile") || path_exists(ignore_file)) {
    auto text = read_file(ignore_file);
    if (!text) return fail(ErrorKind::NotFound, "--ignorefile {}: {}", ignore_file, text.error().message());
    TRY_ASSIGN(ignore, report::parse_ignore_file(*text, ignore_file, today()));
    filter.ignore = &ignore;
  }

  scan::osv::Metadata meta;
  TRY_ASSIGN(auto db, open_for_scan(db_path(ctx, p), &meta));
  warn_if_stale(meta);

  report::ScanResult result;
  TRY_ASSIGN(result.inventory, inventory_of_artifact(ctx, p));
  TRY_ASSIGN(result.vulnerabilities, scan::find_vulnerabilities(result.inventory, db, &result.inventory.warnings));
  report::apply_filter(&result, filter);
  for (const auto& w : result.inventory.warnings) std::fprintf(stderr, "WARNING: %s\n", w.c_str());
  if (result.inventory.packages.empty())
    std::fprintf(stderr, "WARNING: no packages were found in %s: nothing was checked\n",
                 result.inventory.artifact_name.c_str());

  report::ReportOptions opt;
  opt.tool_version = kVersion;
  opt.color = want_color(p);
  opt.created_at = now_rfc3339();
  opt.db_updated_at = meta.updated_at;
  std::string text = format == "json"    ? report::render_scan_json(result, opt)
                     : format == "sarif" ? report::render_scan_sarif(result, opt)
                                         : report::render_scan_table(result, opt);
  TRY(write_report(p.str("output"), text));
  return !result.vulnerabilities.empty() ? static_cast<int>(exit_code) : 0;
}

// A random version 4 UUID (the SBOM's serial number).
Result<std::string> random_uuid() {
  unsigned char b[16];
  UniqueFd fd(::open("/dev/urandom", O_RDONLY | O_CLOEXEC));
  if (!fd || ::read(fd.get(), b, sizeof b) != static_cast<ssize_t>(sizeof b)) return fail_sys("read /dev/urandom");
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  std::string s;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += fmt::format("{:02x}", b[i]);
  }
  return s;
}

Result<int> sbom_cmd(Context& ctx, const ParsedFlags& p) {
  std::string format = p.str("format");
  if (format != "table" && format != "cyclonedx" && format != "spdx-json")
    return fail(ErrorKind::InvalidArgument, "--format {}: want table, cyclonedx or spdx-json", format);
  TRY_ASSIGN(auto inv, inventory_of_artifact(ctx, p));
  for (const auto& w : inv.warnings) std::fprintf(stderr, "WARNING: %s\n", w.c_str());
  report::SbomOptions opt;
  opt.tool_version = kVersion;
  std::string now = now_rfc3339();
  opt.timestamp = now.substr(0, 19) + "Z";  // whole seconds: SPDX's created wants them
  TRY_ASSIGN(opt.serial, random_uuid());
  std::string text = format == "cyclonedx"   ? report::render_cyclonedx(inv, opt)
                     : format == "spdx-json" ? report::render_spdx_json(inv, opt)
                                             : report::render_sbom_table(inv);
  TRY(write_report(p.str("output"), text));
  return 0;
}

Result<int> db_import(const std::string& path, const std::vector<std::string>& sources) {
  TRY(make_dirs(dir_of(path), 0755));
  TRY_ASSIGN(auto db, scan::osv::Database::open(path));
  for (const auto& src : sources) {
    if (!path_exists(src)) return fail(ErrorKind::NotFound, "{}: no such file or directory", src);
    TRY_ASSIGN(auto stats, db.import_path(src));
    std::printf("Imported %zu advisories from %s (%zu files, %zu affected packages, %zu withdrawn, %zu older than "
                "stored skipped)\n",
                stats.imported, src.c_str(), stats.files, stats.affected_rows, stats.withdrawn,
                stats.skipped_older);
  }
  return 0;
}

// Downloads each ecosystem's all.zip into `dir`; any failure names the URL.
Result<> download_exports(const std::string& mirror, const std::vector<std::string>& ecosystems,
                          const std::string& dir) {
  image::registry::HttpClient http;
  for (const auto& eco : ecosystems) {
    std::string url = mirror + "/" + eco + "/all.zip";
    std::string file = fmt::format("{}/{}.zip", dir, eco);
    UniqueFd out(::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!out) return fail_sys("create " + file);
    image::registry::Request req;
    req.url = url;
    req.follow_redirects = true;
    req.stall_timeout = std::chrono::seconds(60);
    uint64_t bytes = 0;
    image::registry::BodyHandler handler;
    handler.on_data = [&](std::string_view chunk) -> Result<> {
      bytes += chunk.size();
      return write_all(out.get(), chunk, file);
    };
    auto resp = http.send(req, handler);
    if (!resp) return fail(resp.error().kind(), "GET {}: {}", url, resp.error().message());
    if (resp->status / 100 != 2)
      return fail(ErrorKind::Unavailable, "GET {}: {} {}", url, resp->status, resp->reason);
    std::fprintf(stderr, "Downloaded %s (%s)\n", url.c_str(), human_size(static_cast<double>(bytes)).c_str());
  }
  return {};
}

Result<int> db_update(Context& ctx, const std::string& path, const ParsedFlags& p) {
  std::string mirror = kDefaultMirror;
  if (const char* e = std::getenv("HAKO_SCAN_DB_URL"); e && *e) mirror = e;
  if (p.set("url")) mirror = p.str("url");
  while (!mirror.empty() && mirror.back() == '/') mirror.pop_back();
  if (!mirror.starts_with("https://") && !mirror.starts_with("http://"))
    return fail(ErrorKind::InvalidArgument, "--url {}: want an http:// or https:// URL", mirror);
  std::vector<std::string> ecosystems = p.list("ecosystem");
  if (ecosystems.empty()) ecosystems = kDefaultEcosystems;
  // Everything is downloaded before anything is imported, and the import is
  // one transaction: a failed update leaves the database as it was.
  TRY_ASSIGN(std::string tmp, [&]() -> Result<std::string> {
    std::string parent = ctx.globals.root + "/tmp";
    TRY(make_dirs(parent, 0700));
    std::string t = parent + "/scan-update-XXXXXX";
    if (!::mkdtemp(t.data())) return fail_sys("mkdtemp " + t);
    return t;
  }());
  auto done = [&](Result<int> r) {
    (void)remove_tree(tmp);
    return r;
  };
  if (auto r = download_exports(mirror, ecosystems, tmp); !r) return done(std::unexpected(r.error()));
  auto opened = [&]() -> Result<int> {
    TRY(make_dirs(dir_of(path), 0755));
    TRY_ASSIGN(auto db, scan::osv::Database::open(path));
    TRY_ASSIGN(auto stats, db.import_path(tmp, mirror));
    std::printf("Updated %s: %zu advisories imported from %zu ecosystems (%zu older than stored skipped)\n",
                path.c_str(), stats.imported, ecosystems.size(), stats.skipped_older);
    return 0;
  }();
  return done(opened);
}

Result<int> db_status(const std::string& path) {
  if (!path_exists(path)) return fail(ErrorKind::NotFound, "no vulnerability database at {}", path);
  TRY_ASSIGN(auto db, scan::osv::Database::open(path));
  TRY_ASSIGN(auto meta, db.metadata());
  std::printf("Database:   %s\n", path.c_str());
  std::printf("Advisories: %lld\n", static_cast<long long>(meta.advisories));
  if (meta.updated_at.empty()) {
    std::printf("Updated:    never\n");
  } else {
    auto at = parse_rfc3339(meta.updated_at);
    std::printf("Updated:    %s (%s)\n", meta.updated_at.c_str(), at ? time_ago(*at).c_str() : "?");
  }
  std::printf("Source:     %s\n", meta.source.c_str());
  warn_if_stale(meta);
  return 0;
}

Result<int> scan_db_cmd(Context& ctx, const ParsedFlags& p) {
  const auto& args = p.args();
  std::string action = args.front();
  std::string path = db_path(ctx, p);
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (action == "import") {
    if (rest.empty()) return fail(ErrorKind::InvalidArgument, "\"hako scan db import\" requires at least 1 FILE|DIR");
    return db_import(path, rest);
  }
  if (!rest.empty())
    return fail(ErrorKind::InvalidArgument, "\"hako scan db {}\" accepts no arguments", action);
  if (action == "update") return db_update(ctx, path, p);
  if (action == "status") return db_status(path);
  return fail(ErrorKind::InvalidArgument, "unknown action \"{}\": want import, update or status", action);
}

Flag db_flag() {
  return {"db", 0, Flag::String, "", "The vulnerability database file (default $HAKO_SCAN_DB or ROOT/scan/osv.db)",
          "FILE"};
}

}  // namespace

std::vector<Command> scan_commands() {
  std::vector<Flag> scan_flags = artifact_flags();
  for (Flag f : std::vector<Flag>{
           {"severity", 's', Flag::String, "", "Severities to report (UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL)", "LIST"},
           {"ignore-unfixed", 0, Flag::Bool, "", "Report only vulnerabilities that have a fix", ""},
           {"ignorefile", 0, Flag::String, ".hakoignore", "Vulnerability ids to ignore, one per line", "FILE"},
           {"exit-code", 0, Flag::Int, "0", "Exit code when vulnerabilities are reported", "N"},
           {"format", 'f', Flag::String, "table", "Output format (table, json, sarif)", "FORMAT"},
           {"output", 'o', Flag::String, "", "Write the report to a file", "FILE"},
           db_flag()})
    scan_flags.push_back(f);
  Command scan{"scan", {}, "[OPTIONS] IMAGE | --rootfs DIR | --input ARCHIVE",
               "Scan an image for known vulnerabilities", scan_flags, scan_cmd, 0, 1};
  Command db{"scan db", {}, "import FILE|DIR... | update [--url URL] [--ecosystem E]... | status",
             "Manage the local OSV vulnerability database",
             {{"url", 0, Flag::String, "", "Where the OSV exports are (default $HAKO_SCAN_DB_URL or OSV's bucket)",
               "URL"},
              {"ecosystem", 0, Flag::List, "", "An OSV ecosystem to download (repeatable; default: all hako reads)",
               "NAME"},
              db_flag()},
             scan_db_cmd, 1};
  std::vector<Flag> sbom_flags = artifact_flags();
  sbom_flags.push_back({"format", 'f', Flag::String, "table", "Output format (table, cyclonedx, spdx-json)", "FORMAT"});
  sbom_flags.push_back({"output", 'o', Flag::String, "", "Write the SBOM to a file", "FILE"});
  Command sbom{"sbom", {}, "[OPTIONS] IMAGE | --rootfs DIR | --input ARCHIVE",
               "List an image's packages as a software bill of materials", sbom_flags, sbom_cmd, 0, 1};
  return {scan, db, sbom};
}

}  // namespace hako::cli
