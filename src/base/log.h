// Logging in runc's style, so tools that read runc's --log file read ours.
//
// Text lines look like `time="..." level=error msg="..."`; with
// --log-format json each line is {"level":..,"msg":..,"time":..}. Until a log
// file is opened, entries go to stderr.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"

namespace hako::log {

enum class Level { Debug, Info, Warn, Error };
enum class Format { Text, Json };

// Opens `path` for appending (empty: stderr). Safe to call once at startup.
Result<> configure(const std::string& path, Format format, bool debug);
bool to_stderr();
void write(Level level, std::string_view msg);

inline void debug(std::string_view m) { write(Level::Debug, m); }
inline void info(std::string_view m) { write(Level::Info, m); }
inline void warn(std::string_view m) { write(Level::Warn, m); }
inline void error(std::string_view m) { write(Level::Error, m); }

}  // namespace hako::log
