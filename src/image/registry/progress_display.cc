#include "image/registry/progress_display.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include <fmt/format.h>

namespace hako::image::registry {

std::string human_size(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  double size = static_cast<double>(bytes);
  size_t unit = 0;
  while (size >= 1000.0 && unit + 1 < std::size(kUnits)) {
    size /= 1000.0;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g%s", size, kUnits[unit]);
  return buf;
}

std::string format_progress_line(const Progress& p, int width) {
  std::string line = p.id.empty() ? p.action : p.id + ": " + p.action;
  if (p.total == 0) return line;
  if (width <= 0) width = 200;
  std::string bar;
  if (p.current <= p.total && width > 110) {
    size_t filled = std::min<size_t>(static_cast<size_t>(static_cast<double>(p.current) / p.total * 100) / 2, 50);
    bar = "[" + std::string(filled, '=') + ">" + std::string(50 - filled, ' ') + "] ";
  }
  char numbers[64];
  std::snprintf(numbers, sizeof numbers, "%8s/%s", human_size(p.current).c_str(), human_size(p.total).c_str());
  return line + " " + bar + numbers;
}

static int terminal_width(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 0;
}

ProgressDisplay::ProgressDisplay(int fd, bool terminal, std::chrono::milliseconds interval)
    : fd_(fd), terminal_(terminal), interval_(interval) {}

void ProgressDisplay::write_out(std::string_view s) {
  // Progress is best effort: a closed pipe must not fail the pull.
  while (!s.empty()) {
    ssize_t n = ::write(fd_, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    s.remove_prefix(static_cast<size_t>(n));
  }
}

void ProgressDisplay::draw_locked() {
  int width = terminal_width(fd_);
  std::string out;
  // Back to the first line of the block, then rewrite every line of it.
  if (drawn_ > 0) out += fmt::format("\x1b[{}A", drawn_);
  for (const auto& row : rows_) {
    std::string line = format_progress_line(row, width);
    if (width > 0 && line.size() >= static_cast<size_t>(width)) line.resize(static_cast<size_t>(width - 1));
    out += "\r\x1b[2K";
    out += line;
    out += '\n';
  }
  write_out(out);
  drawn_ = rows_.size();
  dirty_ = false;
  last_draw_ = std::chrono::steady_clock::now();
}

void ProgressDisplay::update(const Progress& p) {
  std::lock_guard lock(mu_);
  Progress* row = nullptr;
  for (auto& r : rows_)
    if (r.id == p.id) row = &r;
  bool changed = !row || row->action != p.action;
  if (!terminal_) {
    // Bar updates are for terminals; a log gets each new state once.
    if (!changed) return;
    if (row) row->action = p.action;
    else rows_.push_back(p);
    if (p.total == 0) write_out(format_progress_line(p, 0) + "\n");
    return;
  }
  if (row) *row = p;
  else rows_.push_back(p);
  dirty_ = true;
  if (changed || std::chrono::steady_clock::now() - last_draw_ >= interval_) draw_locked();
}

void ProgressDisplay::print(std::string_view line) {
  std::lock_guard lock(mu_);
  if (terminal_ && dirty_) draw_locked();
  write_out(std::string(line) + "\n");
  if (terminal_) {
    rows_.clear();
    drawn_ = 0;
  }
}

void ProgressDisplay::flush() {
  std::lock_guard lock(mu_);
  if (terminal_ && dirty_) draw_locked();
}

}  // namespace hako::image::registry
