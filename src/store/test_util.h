// Test helpers for the store tests: a temp directory removed afterwards.
#pragma once

#include <cstdlib>
#include <string>

#include "base/files.h"

namespace hako::store::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/hako-store-test-XXXXXX";
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~TempDir() {
    if (!path_.empty()) (void)remove_tree(path_);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace hako::store::testing
