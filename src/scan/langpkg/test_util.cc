#include "scan/langpkg/test_util.h"

#include <zlib.h>

#include <cstdlib>
#include <filesystem>

#include "base/files.h"

namespace hako::scan::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "langpkg-test-XXXXXX").string();
  path_ = ::mkdtemp(tmpl.data());
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void TempDir::write(const std::string& rel, const std::string& content, int mode) const {
  fs::path p = fs::path(path_) / rel;
  fs::create_directories(p.parent_path());
  (void)write_file(p.string(), content, mode);
  fs::permissions(p, static_cast<fs::perms>(mode));
}

namespace {

void le(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

}  // namespace

std::string make_zip(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out, central;
  for (const auto& [name, data] : entries) {
    uint32_t crc = ::crc32(0, reinterpret_cast<const Bytef*>(data.data()), data.size());
    uint32_t offset = out.size();
    le(out, 0x04034b50, 4);  // local file header
    le(out, 20, 2); le(out, 0, 2); le(out, 0, 2); le(out, 0, 2); le(out, 0x21, 2);
    le(out, crc, 4); le(out, data.size(), 4); le(out, data.size(), 4);
    le(out, name.size(), 2); le(out, 0, 2);
    out += name;
    out += data;
    le(central, 0x02014b50, 4);  // central directory entry
    le(central, 20, 2); le(central, 20, 2); le(central, 0, 2); le(central, 0, 2); le(central, 0, 2);
    le(central, 0x21, 2); le(central, crc, 4); le(central, data.size(), 4); le(central, data.size(), 4);
    le(central, name.size(), 2); le(central, 0, 2); le(central, 0, 2); le(central, 0, 2); le(central, 0, 2);
    le(central, 0, 4); le(central, offset, 4);
    central += name;
  }
  uint32_t cd_offset = out.size();
  out += central;
  le(out, 0x06054b50, 4);  // end of central directory
  le(out, 0, 2); le(out, 0, 2); le(out, entries.size(), 2); le(out, entries.size(), 2);
  le(out, central.size(), 4); le(out, cd_offset, 4); le(out, 0, 2);
  return out;
}

namespace {

void varint_string(std::string& out, const std::string& s) {
  uint64_t n = s.size();
  while (n >= 0x80) {
    out += static_cast<char>((n & 0x7f) | 0x80);
    n >>= 7;
  }
  out += static_cast<char>(n);
  out += s;
}

}  // namespace

std::string make_buildinfo(const std::string& go_version, const std::string& mod_text) {
  std::string out(32, 'x');  // unrelated data before the aligned header
  out += "\xff Go buildinf:";
  out += static_cast<char>(8);  // pointer size
  out += static_cast<char>(2);  // flags: version inline, little endian
  out += std::string(16, '\0');
  varint_string(out, go_version);
  // The real sentinels' bytes do not matter to readers, only their length.
  varint_string(out, std::string(16, 'S') + mod_text + std::string(16, 'E'));
  return out;
}

std::string make_elf(const std::vector<std::pair<std::string, std::string>>& sections) {
  // Layout: header (64) | section data, each 16-aligned | shstrtab | table.
  std::string strtab(1, '\0');
  std::string body;
  std::vector<std::pair<uint64_t, uint64_t>> spans;  // offset, size
  std::vector<uint32_t> names;
  for (const auto& [name, data] : sections) {
    while ((64 + body.size()) % 16) body += '\0';
    spans.emplace_back(64 + body.size(), data.size());
    body += data;
    names.push_back(strtab.size());
    strtab += name + '\0';
  }
  names.push_back(strtab.size());
  strtab += std::string(".shstrtab") + '\0';
  spans.emplace_back(64 + body.size(), strtab.size());
  body += strtab;
  while ((64 + body.size()) % 8) body += '\0';
  uint64_t shoff = 64 + body.size();
  uint16_t shnum = sections.size() + 2;  // the null section, ours, .shstrtab

  std::string out = "\x7f" "ELF";
  out += '\2'; out += '\1'; out += '\1';  // 64-bit, little endian, version 1
  out += std::string(9, '\0');
  le(out, 2, 2); le(out, 62, 2); le(out, 1, 4);  // ET_EXEC, x86-64
  le(out, 0, 8); le(out, 0, 8); le(out, shoff, 8);  // entry, phoff, shoff
  le(out, 0, 4); le(out, 64, 2); le(out, 56, 2); le(out, 0, 2);  // flags, ehsize, phentsize, phnum
  le(out, 64, 2); le(out, shnum, 2); le(out, shnum - 1, 2);  // shentsize, shnum, shstrndx
  out += body;
  out += std::string(64, '\0');  // the null section
  for (size_t i = 0; i < spans.size(); ++i) {
    le(out, names[i], 4); le(out, i + 1 == spans.size() ? 3 : 1, 4);  // STRTAB / PROGBITS
    le(out, 0, 8); le(out, 0, 8); le(out, spans[i].first, 8); le(out, spans[i].second, 8);
    le(out, 0, 4); le(out, 0, 4); le(out, 1, 8); le(out, 0, 8);
  }
  return out;
}

std::vector<std::string> ids(const LangPackages& packages) {
  std::vector<std::string> out;
  for (const LangPackage& p : packages) out.push_back(p.name + "@" + p.version);
  return out;
}

}  // namespace hako::scan::testing
