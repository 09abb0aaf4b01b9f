// The ignore file (.hakoignore, in .trivyignore's format): one vulnerability
// id per line, '#' comments, an optional "exp:YYYY-MM-DD" after the id after
// which the entry no longer applies. An entry matches a finding by its id or
// any of its aliases.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "base/error.h"
#include "scan/report/model.h"

namespace hako::scan::report {

struct IgnoreList {
  std::set<std::string> ids;
  size_t expired = 0;  // entries skipped because their date has passed
  bool matches(const Vulnerability& v) const;
};

// `today` is "YYYY-MM-DD". Errors name the file and line ("x:3: bad
// expiry date "2026-13-01"").
Result<IgnoreList> parse_ignore_file(std::string_view text, std::string_view file, std::string_view today);

}  // namespace hako::scan::report
