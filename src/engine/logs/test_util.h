// Helpers shared by the logs tests: a temp directory and file peeking.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>
#include <vector>

#include "base/files.h"
#include "base/strings.h"

namespace hako::engine::logs::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/hako-logs-XXXXXX";
    if (mkdtemp(tmpl)) path_ = tmpl;
  }
  ~TempDir() {
    if (!path_.empty()) (void)remove_tree(path_);
  }
  const std::string& path() const { return path_; }
  std::string log() const { return path_ + "/abc-json.log"; }

 private:
  std::string path_;
};

// The lines of a file, without their "\n" (a torn last line included).
inline std::vector<std::string> file_lines(const std::string& path) {
  auto text = read_file(path);
  if (!text || text->empty()) return {};
  auto lines = split(*text, '\n');
  if (lines.back().empty()) lines.pop_back();
  return lines;
}

}  // namespace hako::engine::logs::testing
