// A throwaway image root for the inventory tests.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "base/files.h"

namespace hako::scan {

class TestRoot {
 public:
  TestRoot() {
    char tmpl[] = "/tmp/hako-inventory-XXXXXX";
    const char* dir = ::mkdtemp(tmpl);
    EXPECT_NE(dir, nullptr);
    path_ = dir ? dir : "/nonexistent";
  }
  ~TestRoot() { (void)remove_tree(path_); }
  TestRoot(const TestRoot&) = delete;
  TestRoot& operator=(const TestRoot&) = delete;

  const std::string& path() const { return path_; }

  // Writes `rel` (relative to the root), creating parent directories.
  void write(const std::string& rel, std::string_view data) {
    std::string full = path_ + "/" + rel;
    ASSERT_TRUE(make_dirs(full.substr(0, full.rfind('/'))).has_value());
    ASSERT_TRUE(write_file(full, data).has_value());
  }
  void symlink(const std::string& target, const std::string& rel) {
    std::string full = path_ + "/" + rel;
    ASSERT_TRUE(make_dirs(full.substr(0, full.rfind('/'))).has_value());
    ASSERT_EQ(::symlink(target.c_str(), full.c_str()), 0);
  }

 private:
  std::string path_;
};

}  // namespace hako::scan
