// Fixtures for the langpkg tests: temp directories and archives built in
// memory (a stored zip, a Go build info blob, a minimal ELF).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "scan/langpkg/langpkg.h"

namespace hako::scan::testing {

// A fresh directory under $TMPDIR, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  // Writes `content` at path()/rel, making parent directories.
  void write(const std::string& rel, const std::string& content, int mode = 0644) const;

 private:
  std::string path_;
};

// A zip archive of uncompressed entries (name, content).
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& entries);

// Go 1.18+ build info: the 32-byte header at a 16-aligned offset, then the
// version and the sentinel-wrapped module text as varint-prefixed strings.
std::string make_buildinfo(const std::string& go_version, const std::string& mod_text);

// A little-endian ELF64 file whose sections are named and filled as given.
std::string make_elf(const std::vector<std::pair<std::string, std::string>>& sections);

// "name@version" of each package, for compact expectations.
std::vector<std::string> ids(const LangPackages& packages);

}  // namespace hako::scan::testing
