#include "cli/units.h"

#include <cmath>
#include <ctime>

#include <fmt/format.h>

namespace hako::cli {

std::string human_size(double size) {
  static const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  int i = 0;
  while (size >= 1000.0 && i < 8) {
    size /= 1000.0;
    ++i;
  }
  // Go's %.*g with precision 3: at most 3 significant digits, no trailing zeros.
  return fmt::format("{:.3g}{}", size, units[i]);
}

std::string human_binary_size(double size) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
  int i = 0;
  while (size >= 1024.0 && i < 8) {
    size /= 1024.0;
    ++i;
  }
  return fmt::format("{:.4g}{}", size, units[i]);
}

std::string human_duration(int64_t seconds) {
  if (seconds < 1) return "Less than a second";
  if (seconds == 1) return "1 second";
  if (seconds < 60) return fmt::format("{} seconds", seconds);
  int64_t minutes = seconds / 60;
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return fmt::format("{} minutes", minutes);
  int64_t hours = static_cast<int64_t>(std::llround(static_cast<double>(seconds) / 3600.0));
  if (hours == 1) return "About an hour";
  if (hours < 48) return fmt::format("{} hours", hours);
  if (hours < 24 * 7 * 2) return fmt::format("{} days", hours / 24);
  if (hours < 24 * 30 * 2) return fmt::format("{} weeks", hours / 24 / 7);
  if (hours < 24 * 365 * 2) return fmt::format("{} months", hours / 24 / 30);
  return fmt::format("{} years", hours / 24 / 365);
}

std::string time_ago(int64_t unix_seconds) {
  return human_duration(static_cast<int64_t>(std::time(nullptr)) - unix_seconds) + " ago";
}

}  // namespace hako::cli
