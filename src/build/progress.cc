#include "build/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>

namespace hako::build {

Progress::Progress(ProgressMode mode, std::FILE* out) : mode_(mode), out_(out) {
  struct winsize ws {};
  if (::ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40) width_ = ws.ws_col;
}

std::string Progress::fit(const std::string& text, size_t reserve) const {
  std::string one = text.substr(0, text.find('\n'));
  size_t room = width_ > reserve ? width_ - reserve : 10;
  if (one.size() <= room) return one;
  return one.substr(0, room - 3) + "...";
}

double Progress::seconds(const Step& s) const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - s.start).count();
}

int Progress::begin(const std::string& name) {
  std::lock_guard lock(mu_);
  int n = ++next_;
  steps_[n] = Step{name, std::chrono::steady_clock::now(), "", {}, false};
  if (mode_ == ProgressMode::Plain) fmt::print(out_, "#{} {}\n", n, name);
  std::fflush(out_);
  return n;
}

void Progress::cached(int n) {
  std::lock_guard lock(mu_);
  auto& s = steps_[n];
  s.ended = true;
  ++ended_;
  if (mode_ == ProgressMode::Plain) fmt::print(out_, "#{} CACHED\n\n", n);
  if (mode_ == ProgressMode::Tty) fmt::print(out_, " => CACHED {}\n", fit(s.name, 12));
  std::fflush(out_);
}

void Progress::line_out(int n, Step& s, std::string_view line) {
  if (mode_ == ProgressMode::Plain) fmt::print(out_, "#{} {:.3f} {}\n", n, seconds(s), line);
  if (mode_ == ProgressMode::Tty)
    fmt::print(out_, "\033[2m #{} {:.3f} {}\033[0m\n", n, seconds(s), fit(std::string(line), 16));
}

void Progress::output(int n, std::string_view chunk) {
  std::lock_guard lock(mu_);
  if (mode_ == ProgressMode::Quiet) return;
  auto& s = steps_[n];
  s.partial.append(chunk);
  size_t start = 0;
  for (size_t nl; (nl = s.partial.find('\n', start)) != std::string::npos; start = nl + 1)
    line_out(n, s, std::string_view(s.partial).substr(start, nl - start));
  s.partial.erase(0, start);
  std::fflush(out_);
}

void Progress::log(int n, const std::string& line) {
  std::lock_guard lock(mu_);
  if (mode_ == ProgressMode::Plain) fmt::print(out_, "#{} {}\n", n, line);
  if (mode_ == ProgressMode::Tty) steps_[n].logs.push_back(line);
  std::fflush(out_);
}

void Progress::done(int n) {
  std::lock_guard lock(mu_);
  auto& s = steps_[n];
  if (!s.partial.empty()) line_out(n, s, s.partial), s.partial.clear();
  s.ended = true;
  ++ended_;
  if (mode_ == ProgressMode::Plain) fmt::print(out_, "#{} DONE {:.1f}s\n\n", n, seconds(s));
  if (mode_ == ProgressMode::Tty) {
    size_t w = width_ > 14 ? width_ - 14 : 20;
    fmt::print(out_, " => {:<{}} {:5.1f}s\n", fit(s.name, 14), w, seconds(s));
    for (const auto& l : s.logs) fmt::print(out_, " => => {}\n", fit(l, 8));
  }
  std::fflush(out_);
}

void Progress::failed(int n, const std::string& message) {
  std::lock_guard lock(mu_);
  auto& s = steps_[n];
  if (!s.partial.empty()) line_out(n, s, s.partial), s.partial.clear();
  s.ended = true;
  ++ended_;
  if (mode_ == ProgressMode::Plain) fmt::print(out_, "#{} ERROR: {}\n\n", n, message);
  if (mode_ == ProgressMode::Tty) fmt::print(out_, " => ERROR {} {:.1f}s\n", fit(s.name, 20), seconds(s));
  std::fflush(out_);
}

void Progress::finish(bool ok) {
  std::lock_guard lock(mu_);
  if (mode_ != ProgressMode::Tty) return;
  double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  fmt::print(out_, "[+] Building {:.1f}s ({}/{}) {}\n", total, ended_, next_, ok ? "FINISHED" : "ERROR");
  std::fflush(out_);
}

}  // namespace hako::build
