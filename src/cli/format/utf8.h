// UTF-8 decoding the way Go does it: an invalid byte decodes as U+FFFD with
// width 1, so byte strings that are not UTF-8 still print and align.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hako::cli::format {

inline constexpr char32_t kRuneError = 0xFFFD;

// Decodes the rune at s[i]; sets `len` to its byte length (1 for invalid bytes).
char32_t decode_rune(std::string_view s, size_t i, size_t* len);
void append_rune(std::string& out, char32_t r);
size_t rune_count(std::string_view s);

// Terminal columns a rune occupies, like go-runewidth (which Docker's table
// writer uses): 0 for controls and combining marks, 2 for East Asian wide.
int rune_width(char32_t r);
int display_width(std::string_view s);

// A rough unicode.IsPrint for quoting: ASCII graphic characters and space,
// and non-ASCII runes outside the C1 controls and a few invisible ones.
bool is_print(char32_t r);

}  // namespace hako::cli::format
