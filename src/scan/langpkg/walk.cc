// language_packages: the rootfs walk that picks each manifest's reader.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "base/files.h"
#include "scan/langpkg/langpkg.h"

namespace hako::scan {

namespace fs = std::filesystem;

namespace {

using Reader = Result<LangPackages> (*)(std::string_view, const std::string&);

constexpr uintmax_t kMaxManifestSize = 64u << 20;
constexpr uintmax_t kMaxBinarySize = 512u << 20;  // Go binaries and jars

bool ends_with(const std::string& s, std::string_view suffix) { return s.ends_with(suffix); }

// The reader for a file by its name and parent directories; nullptr when
// it is no manifest (Go binaries are found by content instead).
Reader reader_for(const fs::path& rel, bool& binary) {
  binary = false;
  const std::string name = rel.filename().string();
  const std::string parent = rel.parent_path().filename().string();
  if (name == "package-lock.json") return parse_package_lock;
  if (name == "yarn.lock") return parse_yarn_lock;
  if (name == "package.json") {
    // Only installed packages: node_modules/x/ or node_modules/@scope/x/,
    // not a project's own package.json or a package's test fixtures.
    fs::path up = rel.parent_path().parent_path();
    if (up.filename() == "node_modules") return parse_package_json;
    if (up.filename().string().starts_with("@") && up.parent_path().filename() == "node_modules") {
      return parse_package_json;
    }
    return nullptr;
  }
  if (name == "METADATA" && ends_with(parent, ".dist-info")) return parse_python_metadata;
  if (name == "PKG-INFO" && ends_with(parent, ".egg-info")) return parse_python_metadata;
  if (ends_with(name, ".egg-info")) return parse_python_metadata;  // distutils' single-file form
  if (name.starts_with("requirements") && ends_with(name, ".txt")) return parse_requirements_txt;
  if (name == "poetry.lock") return parse_poetry_lock;
  if (name == "Cargo.lock") return parse_cargo_lock;
  if (name == "Gemfile.lock") return parse_gemfile_lock;
  if (name == "composer.lock") return parse_composer_lock;
  if (ends_with(name, ".jar") || ends_with(name, ".war") || ends_with(name, ".ear")) {
    binary = true;
    return parse_java_archive;
  }
  return nullptr;
}

// Whether the file starts with the ELF magic (read without following a
// symlink swapped in since the walk saw a regular file).
bool is_elf(const std::string& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return false;
  char magic[4];
  bool elf = ::pread(fd, magic, 4, 0) == 4 && std::string_view(magic, 4) == "\x7f" "ELF";
  ::close(fd);
  return elf;
}

struct Walker {
  std::string root;
  std::vector<std::string>* warnings;
  LangPackages out;

  void warn(std::string line) {
    if (warnings) warnings->push_back(std::move(line));
  }

  void visit_file(const fs::directory_entry& e, const fs::path& rel) {
    std::error_code ec;
    uintmax_t size = e.file_size(ec);
    if (ec) return;
    bool binary = false;
    Reader reader = reader_for(rel, binary);
    if (!reader) {
      // Go binaries: executable ELF files (shared libraries are mostly 0644
      // and are not worth reading whole).
      auto perms = e.symlink_status(ec).permissions();
      if (ec || (perms & (fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec)) == fs::perms::none)
        return;
      if (size > kMaxBinarySize || !is_elf(e.path().string())) return;
      reader = parse_go_buildinfo;
      binary = true;
    }
    if (size > (binary ? kMaxBinarySize : kMaxManifestSize)) {
      warn(fmt::format("{}: skipped, {} bytes", rel.string(), size));
      return;
    }
    auto content = read_file(e.path().string());
    if (!content) {
      warn(content.error().message());
      return;
    }
    auto packages = reader(*content, rel.string());
    if (!packages) {
      warn(packages.error().message());
      return;
    }
    for (LangPackage& p : *packages) out.push_back(std::move(p));
  }

  void visit_dir(const fs::path& dir, const fs::path& rel, int depth) {
    if (depth > kMaxWalkDepth) return;
    std::error_code ec;
    fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      warn(fmt::format("{}: {}", rel.empty() ? "/" : rel.string(), ec.message()));
      return;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      const fs::directory_entry& e = *it;
      fs::path child = rel / e.path().filename();
      if (depth == 0 && (child == "proc" || child == "sys" || child == "dev")) continue;
      std::error_code sec;
      fs::file_type type = e.symlink_status(sec).type();  // never follows a symlink
      if (sec) continue;
      if (type == fs::file_type::directory) visit_dir(e.path(), child, depth + 1);
      else if (type == fs::file_type::regular) visit_file(e, child);
    }
    if (ec) warn(fmt::format("{}: {}", rel.string(), ec.message()));
  }
};

}  // namespace

Result<LangPackages> language_packages(const std::string& rootfs, std::vector<std::string>* warnings) {
  std::error_code ec;
  if (!fs::is_directory(rootfs, ec)) {
    return fail(ErrorKind::NotFound, "{}: not a directory{}", rootfs, ec ? ": " + ec.message() : "");
  }
  Walker w{rootfs, warnings, {}};
  w.visit_dir(rootfs, fs::path(), 0);
  return std::move(w.out);
}

}  // namespace hako::scan
