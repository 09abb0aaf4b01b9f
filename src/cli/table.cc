#include "cli/table.h"

#include <algorithm>

namespace hako::cli {

std::string Table::render() const {
  std::vector<size_t> width;
  for (const auto& r : rows_)
    for (size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  std::string out;
  for (const auto& r : rows_) {
    for (size_t i = 0; i < r.size(); ++i) {
      out += r[i];
      if (i + 1 < r.size()) out.append(std::max(width[i] + gap_, min_width_) - r[i].size(), ' ');
    }
    out += '\n';
  }
  return out;
}

}  // namespace hako::cli
