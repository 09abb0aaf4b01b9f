// Go module build info embedded in binaries (Go 1.18+), as `go version -m`
// prints it.
//
// The linker writes a 32-byte header into the .go.buildinfo section, 16-byte
// aligned: the magic "\xff Go buildinf:" (14 bytes), the pointer size, and a
// flags byte. With flag 2 ("version inline", Go 1.18+) the toolchain version
// and the module info follow the header as strings, each prefixed by its
// length as an unsigned LEB128 varint. The module info is wrapped in two
// 16-byte sentinels and holds tab-separated lines:
//   path <main package path>
//   mod  <module path> <version> [<sum>]
//   dep  <module path> <version> [<sum>]
//   =>   <replacement path> [<version> <sum>]   (replaces the line above)
//   build <key>=<value>
#include <cstdint>

#include "base/strings.h"
#include "scan/langpkg/langpkg.h"

namespace hako::scan {

using langpkg_detail::PackageSet;

namespace {

constexpr std::string_view kMagic = "\xff Go buildinf:";
constexpr size_t kHeaderSize = 32;
constexpr size_t kAlign = 16;
constexpr unsigned char kFlagVersionInline = 2;

// Reads one varint-prefixed string at `pos`, advancing it; false when the
// data ends first.
bool read_string(std::string_view data, size_t& pos, std::string_view& out) {
  uint64_t len = 0;
  for (int shift = 0;; shift += 7) {
    if (pos >= data.size() || shift > 63) return false;
    unsigned char b = static_cast<unsigned char>(data[pos++]);
    len |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
  }
  if (len > data.size() - pos) return false;
  out = data.substr(pos, len);
  pos += len;
  return true;
}

size_t find_header(std::string_view data) {
  for (size_t pos = data.find(kMagic); pos != std::string_view::npos; pos = data.find(kMagic, pos + 1)) {
    if (pos % kAlign == 0 && data.size() - pos >= kHeaderSize) return pos;
  }
  return std::string_view::npos;
}

// An unsigned field of `size` bytes at `off`; 0 past the end.
uint64_t read_uint(std::string_view d, size_t off, int size, bool big_endian) {
  if (off > d.size() || d.size() - off < static_cast<size_t>(size)) return 0;
  uint64_t v = 0;
  for (int i = 0; i < size; ++i) {
    unsigned char b = static_cast<unsigned char>(d[off + (big_endian ? i : size - 1 - i)]);
    v = (v << 8) | b;
  }
  return v;
}

// The .go.buildinfo section of an ELF file, so that a binary merely holding
// the magic as a constant (a scanner, the go tool itself) is read at the
// real header; the whole input when it is not ELF or has no section table.
std::string_view buildinfo_section(std::string_view d) {
  if (!d.starts_with("\x7f" "ELF") || d.size() < 64) return d;
  bool is64 = d[4] == 2;
  bool be = d[5] == 2;
  uint64_t shoff = is64 ? read_uint(d, 0x28, 8, be) : read_uint(d, 0x20, 4, be);
  uint64_t shentsize = read_uint(d, is64 ? 0x3A : 0x2E, 2, be);
  uint64_t shnum = read_uint(d, is64 ? 0x3C : 0x30, 2, be);
  uint64_t shstrndx = read_uint(d, is64 ? 0x3E : 0x32, 2, be);
  if (shoff == 0 || shoff >= d.size() || shentsize < (is64 ? 64u : 40u) || shstrndx >= shnum) return d;
  auto section = [&](uint64_t i, uint64_t& name, uint64_t& off, uint64_t& size) {
    size_t h = shoff + i * shentsize;
    name = read_uint(d, h, 4, be);
    off = is64 ? read_uint(d, h + 24, 8, be) : read_uint(d, h + 16, 4, be);
    size = is64 ? read_uint(d, h + 32, 8, be) : read_uint(d, h + 20, 4, be);
  };
  uint64_t name, strtab, strsize;
  section(shstrndx, name, strtab, strsize);
  if (strtab >= d.size()) return d;
  for (uint64_t i = 0; i < shnum; ++i) {
    uint64_t off, size;
    section(i, name, off, size);
    if (strtab + name >= d.size()) continue;
    std::string_view n = d.substr(strtab + name);
    if (n.substr(0, n.find('\0')) != ".go.buildinfo") continue;
    if (off >= d.size()) return {};
    return d.substr(off, size);
  }
  return {};  // an ELF file with sections but none for Go: not a Go binary
}

struct Module {
  std::string path, version;
};

}  // namespace

Result<LangPackages> parse_go_buildinfo(std::string_view data, const std::string& path) {
  data = buildinfo_section(data);
  size_t header = find_header(data);
  if (header == std::string_view::npos) return LangPackages{};
  unsigned char flags = static_cast<unsigned char>(data[header + 15]);
  if (!(flags & kFlagVersionInline)) {
    return fail(ErrorKind::NotSupported, "{}: Go build info from before Go 1.18 is not read", path);
  }
  size_t pos = header + kHeaderSize;
  std::string_view go_version, mod;
  if (!read_string(data, pos, go_version) || !read_string(data, pos, mod)) {
    return fail(ErrorKind::InvalidArgument, "{}: truncated Go build info", path);
  }
  // Strip the sentinels (16 bytes each end; the text before the end one
  // finishes with a newline).
  if (mod.size() >= 33 && mod[mod.size() - 17] == '\n') mod = mod.substr(16, mod.size() - 32);

  std::vector<Module> modules;  // main module first
  for (const std::string& line : split(mod, '\n')) {
    std::vector<std::string> f = split(line, '\t');
    if (f.size() < 2) continue;
    if (f[0] == "mod" || f[0] == "dep") {
      modules.push_back({f[1], f.size() > 2 ? f[2] : ""});
    } else if (f[0] == "=>" && !modules.empty()) {
      // A replacement with a version is another module (a fork) and the code
      // actually built in; one without is a local directory, so the
      // original path and version are the best name left for it.
      if (f.size() > 2 && !f[2].empty()) modules.back() = {f[1], f[2]};
    }
  }
  PackageSet out;
  for (Module& m : modules) {
    if (m.version == "(devel)") m.version.clear();  // built from a checkout, not a release
    out.add("Go", m.path, m.version, "", path);
  }
  return out.take();
}

}  // namespace hako::scan
