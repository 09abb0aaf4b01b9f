// Docker's json-file log format, byte for byte.
//
// One entry per line: {"log":"text\n","stream":"stdout","time":"<RFC3339Nano>"}
// where "log" is escaped by Docker's own encoder (jsonlog.JSONLogs): HTML
// characters as \u003c \u003e \u0026, \n and \r short, other control bytes
// \u00XX, U+2028/U+2029 escaped, each invalid UTF-8 byte \ufffd. "log" and
// "stream" are left out when empty (Go's omitempty). The time is UTC with
// the fraction's trailing zeros trimmed (Go's RFC3339Nano), so the length of
// a line varies; `docker logs -t` instead prints a fixed 9-digit fraction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hako::engine::logs {

enum class Stream { Stdout, Stderr };
std::string_view stream_name(Stream s);  // "stdout", "stderr"

// Docker's copier never puts more than this in one entry: a longer line is
// split into entries without a newline, the last one carrying it.
inline constexpr size_t kMaxMessageBytes = 16 * 1024;

int64_t now_unix_nanos();

// Appends `s` as a JSON string literal (quotes included), escaped as above.
void append_json_string(std::string& out, std::string_view s);
// Go's RFC3339Nano: "2026-12-02T01:44:29.01840945Z", "2026-12-02T01:44:29Z".
void append_rfc3339_nano(std::string& out, int64_t unix_nanos);
// Docker's RFC3339NanoFixed: always nine fraction digits.
std::string rfc3339_nano_fixed(int64_t unix_nanos);
// One whole line of the log file, "\n" included. `text` is the entry's
// payload as stored: a complete line carries its trailing "\n".
void append_entry(std::string& out, Stream stream, std::string_view text, int64_t unix_nanos);

// Unix seconds of a proleptic Gregorian UTC date and time (no range checks).
int64_t unix_seconds_utc(int year, int month, int day, int hour, int minute, int second);
// "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)" to unix nanos; nullopt otherwise.
std::optional<int64_t> parse_rfc3339_nano(std::string_view text);

// One parsed entry; `text` as stored (a complete line ends with "\n").
struct DecodedEntry {
  Stream stream = Stream::Stdout;
  std::string text;
  int64_t time = 0;
};
// Parses one line (without its "\n"). False when the line is not JSON, not
// an object, has no valid "time", or a "stream" other than stdout/stderr.
bool decode_entry(std::string_view line, DecodedEntry& out);

}  // namespace hako::engine::logs
