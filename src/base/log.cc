#include "base/log.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "base/clock.h"

namespace hako::log {
namespace {
int g_fd = STDERR_FILENO;
Format g_format = Format::Text;
bool g_debug = false;

std::string_view level_name(Level l) {
  switch (l) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warn: return "warning";
    case Level::Error: return "error";
  }
  return "info";
}

}  // namespace

Result<> configure(const std::string& path, Format format, bool debug) {
  g_format = format;
  g_debug = debug;
  if (path.empty()) return {};
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return fail_sys(fmt::format("opening log file {}", path));
  g_fd = fd;
  return {};
}

bool to_stderr() { return g_fd == STDERR_FILENO; }

void write(Level level, std::string_view msg) {
  if (level == Level::Debug && !g_debug) return;
  std::string line;
  if (g_format == Format::Json) {
    nlohmann::json j = {{"level", level_name(level)}, {"msg", msg}, {"time", now_rfc3339()}};
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else {
    nlohmann::json quoted = msg;
    line = fmt::format("time=\"{}\" level={} msg={}\n", now_rfc3339(), level_name(level),
                       quoted.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  (void)!::write(g_fd, line.data(), line.size());
}

}  // namespace hako::log
