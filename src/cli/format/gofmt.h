// Go's fmt and encoding/json output for JSON values, so templates print what
// Docker prints: integers without ".0", floats like Go's %g, arrays as
// "[a b]", objects as "map[k:v]" (keys sorted), null as "<nil>".
//
// The JSON kinds stand for Go types: string, int (integers; uint64 above
// int64's range), float64, bool, []interface {}, map[string]interface {} and
// a nil interface for null.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/json.h"

namespace hako::cli::format {

// %T of the value ("string", "int", "float64", "[]interface {}", "<nil>").
std::string go_type_name(const Json& v);
// The Go type the value has where a typed parameter rejects it ("interface {}" for null).
std::string go_param_type_name(const Json& v);

// fmt.Sprint(v): the %v form.
std::string go_sprint_value(const Json& v);
// fmt.Sprint(args...): spaces only between operands when neither is a string.
std::string go_sprint(std::span<const Json* const> args);
// fmt.Sprintln(args...): always spaces, trailing newline.
std::string go_sprintln(std::span<const Json* const> args);
// fmt.Sprintf: flags "+- #0", width, precision (or "*"), verbs v s q d b o O x X c U
// e E f F g G t T %. Mistakes print Go's way: "%!d(string=x)", "%!s(MISSING)",
// "%!(EXTRA int=1)".
std::string go_sprintf(std::string_view format, std::span<const Json* const> args);

// strconv.FormatFloat(v, fmt, prec, 64) for fmt in "eEfFgG"; prec -1 = shortest.
std::string go_format_float(double v, char fmt, int prec);
// strconv.Quote / QuoteToASCII.
std::string go_quote(std::string_view s, bool ascii_only = false);
// strconv.QuoteRune.
std::string go_quote_rune(char32_t r);

// json.Marshal with SetEscapeHTML(false), as Docker's `json` function; keys
// come out sorted (Go sorts map keys; struct field order is not known here).
// nullopt for values JSON cannot carry (NaN, infinities).
std::optional<std::string> go_json(const Json& v);

}  // namespace hako::cli::format
