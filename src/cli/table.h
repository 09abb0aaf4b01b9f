// Column-aligned text tables, like Go's tabwriter as Docker and runc use it:
// columns padded to their widest cell plus `gap` spaces.
#pragma once

#include <string>
#include <vector>

namespace hako::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header, size_t gap = 3, size_t min_width = 0)
      : rows_{std::move(header)}, gap_(gap), min_width_(min_width) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string render() const;

 private:
  std::vector<std::vector<std::string>> rows_;
  size_t gap_;
  size_t min_width_;  // a padded cell is at least this wide (tabwriter's minwidth)
};

}  // namespace hako::cli
