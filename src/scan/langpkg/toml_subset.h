// The TOML that poetry.lock and Cargo.lock are made of, read just far enough
// for their [[package]] tables: one string-valued `key = "value"` per line,
// multi-line arrays and strings stepped over, sub-tables ([package.extras],
// [[package.files]], [metadata]) ending the package they follow.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace hako::scan::langpkg_detail {

using TomlTable = std::map<std::string, std::string>;

// The string-valued keys of every `[[name]]` table, in file order. Values
// that are not strings (arrays, inline tables, numbers) are left out.
std::vector<TomlTable> toml_array_tables(std::string_view content, std::string_view name);

}  // namespace hako::scan::langpkg_detail
