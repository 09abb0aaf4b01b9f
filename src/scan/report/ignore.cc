// .hakoignore parsing (the .trivyignore format).
#include "scan/report/ignore.h"

#include <algorithm>

#include "base/strings.h"

namespace hako::scan::report {
namespace {

bool valid_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return false;
  int month = (d[5] - '0') * 10 + (d[6] - '0');
  int day = (d[8] - '0') * 10 + (d[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool IgnoreList::matches(const Vulnerability& v) const {
  if (ids.count(v.id)) return true;
  return std::any_of(v.aliases.begin(), v.aliases.end(), [&](const std::string& a) { return ids.count(a) > 0; });
}

Result<IgnoreList> parse_ignore_file(std::string_view text, std::string_view file, std::string_view today) {
  IgnoreList list;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    size_t space = line.find_first_of(" \t");
    std::string_view id = line.substr(0, space);
    std::string_view rest = space == std::string_view::npos ? std::string_view{} : trim(line.substr(space));
    if (!rest.empty()) {
      if (!rest.starts_with("exp:"))
        return fail(ErrorKind::InvalidArgument, "{}:{}: unexpected \"{}\" after {} (only exp:YYYY-MM-DD may follow)",
                    file, line_no, rest, id);
      std::string_view date = rest.substr(4);
      if (!valid_date(date))
        return fail(ErrorKind::InvalidArgument, "{}:{}: bad expiry date \"{}\" (want YYYY-MM-DD)", file, line_no,
                    date);
      if (date < today) {  // expired: the finding is reported again
        ++list.expired;
        continue;
      }
    }
    list.ids.emplace(id);
  }
  return list;
}

}  // namespace hako::scan::report
