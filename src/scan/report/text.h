// Text helpers the table writers share.
#pragma once

#include <string>

namespace hako::scan::report {

// `s` cut to at most `width` bytes with "..." at the end, never inside a
// UTF-8 sequence.
inline std::string shorten(const std::string& s, size_t width) {
  if (s.size() <= width) return s;
  size_t cut = width - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

}  // namespace hako::scan::report
