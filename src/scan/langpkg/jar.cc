// Java archives: Maven coordinates from pom.properties, else MANIFEST.MF.
#include <archive.h>
#include <archive_entry.h>

#include <map>
#include <memory>

#include "base/strings.h"
#include "scan/langpkg/langpkg.h"

namespace hako::scan {

using langpkg_detail::PackageSet;

namespace {

constexpr int kMaxNesting = 3;                          // war > jar > shaded jar
constexpr size_t kMaxNestedSize = 256u * 1024 * 1024;   // one inner jar held in memory
constexpr size_t kMaxTextSize = 1024 * 1024;            // a manifest or pom.properties

struct ArchiveFree {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

// java.util.Properties, as far as Maven writes it: key=value or key: value
// lines, '#' and '!' comments.
std::map<std::string, std::string> parse_properties(std::string_view text) {
  std::map<std::string, std::string> props;
  for (const std::string& raw : split(text, '\n')) {
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == '!') continue;
    size_t sep = line.find_first_of("=:");
    if (sep == std::string_view::npos) continue;
    props[std::string(trim(line.substr(0, sep)))] = std::string(trim(line.substr(sep + 1)));
  }
  return props;
}

// The main section of a manifest. Lines are wrapped at 72 bytes, a
// continuation starting with one space.
std::map<std::string, std::string> parse_manifest(std::string_view text) {
  std::map<std::string, std::string> attrs;
  std::string last;
  for (const std::string& raw : split(text, '\n')) {
    std::string_view line = raw;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // the per-entry sections follow
    if (line.front() == ' ') {
      if (!last.empty()) attrs[last] += std::string(line.substr(1));
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    last = std::string(line.substr(0, colon));
    attrs[last] = std::string(trim(line.substr(colon + 1)));
  }
  return attrs;
}

std::string attr(const std::map<std::string, std::string>& m, const char* key) {
  auto it = m.find(key);
  return it == m.end() ? "" : it->second;
}

Result<std::string> read_entry(struct archive* a, size_t limit, const std::string& what) {
  std::string data;
  char buf[65536];
  while (true) {
    la_ssize_t n = archive_read_data(a, buf, sizeof buf);
    if (n < 0) return fail(ErrorKind::InvalidArgument, "{}: {}", what, archive_error_string(a));
    if (n == 0) return data;
    if (data.size() + n > limit) return fail(ErrorKind::InvalidArgument, "{}: entry larger than {} bytes", what, limit);
    data.append(buf, n);
  }
}

Result<> read_archive(std::string_view data, const std::string& path, int depth, PackageSet& out) {
  std::unique_ptr<struct archive, ArchiveFree> a(archive_read_new());
  archive_read_support_format_zip(a.get());
  if (archive_read_open_memory(a.get(), data.data(), data.size()) != ARCHIVE_OK) {
    return fail(ErrorKind::InvalidArgument, "{}: not a zip archive: {}", path, archive_error_string(a.get()));
  }
  std::vector<std::map<std::string, std::string>> poms;
  std::map<std::string, std::string> manifest;
  struct archive_entry* entry;
  while (true) {
    int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      return fail(ErrorKind::InvalidArgument, "{}: {}", path, archive_error_string(a.get()));
    }
    const char* name_c = archive_entry_pathname(entry);
    std::string_view name = name_c ? name_c : "";
    if (name.starts_with("META-INF/maven/") && name.ends_with("/pom.properties")) {
      TRY_ASSIGN(std::string text, read_entry(a.get(), kMaxTextSize, path));
      poms.push_back(parse_properties(text));
    } else if (name == "META-INF/MANIFEST.MF") {
      TRY_ASSIGN(std::string text, read_entry(a.get(), kMaxTextSize, path));
      manifest = parse_manifest(text);
    } else if (depth < kMaxNesting && (name.ends_with(".jar") || name.ends_with(".war"))) {
      // A broken inner jar loses its own packages, not the outer archive's.
      auto inner = read_entry(a.get(), kMaxNestedSize, path);
      if (inner) (void)read_archive(*inner, path, depth + 1, out);
    }
  }
  bool found = false;
  for (const auto& pom : poms) {
    std::string group = attr(pom, "groupId"), artifact = attr(pom, "artifactId"), version = attr(pom, "version");
    if (group.empty() || artifact.empty() || version.empty()) continue;
    out.add("Maven", group + ":" + artifact, version, "", path);
    found = true;
  }
  if (found || manifest.empty()) return {};
  std::string artifact = attr(manifest, "Implementation-Title");
  std::string version = attr(manifest, "Implementation-Version");
  if (artifact.empty() || version.empty()) {
    // "org.example.lib;singleton:=true": the directives are not the name.
    artifact = attr(manifest, "Bundle-SymbolicName");
    artifact = artifact.substr(0, artifact.find(';'));
    version = attr(manifest, "Bundle-Version");
  }
  artifact = std::string(trim(artifact));
  if (artifact.empty() || version.empty()) return {};
  std::string group = attr(manifest, "Implementation-Vendor-Id");
  out.add("Maven", group.empty() ? artifact : group + ":" + artifact, version, "", path);
  return {};
}

}  // namespace

Result<LangPackages> parse_java_archive(std::string_view data, const std::string& path) {
  PackageSet out;
  TRY(read_archive(data, path, 0, out));
  return out.take();
}

}  // namespace hako::scan
