// Column-aligned text tables, like Go's tabwriter as Docker and runc use it:
// columns padded to their widest cell plus `gap` spaces.
#pragma once

#include <string>
#include <vector>

namespace hako::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header, size_t gap = 3) : rows_{std::move(header)}, gap_(gap) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string render() const;

 private:
  std::vector<std::vector<std::string>> rows_;
  size_t gap_;
};

}  // namespace hako::cli
