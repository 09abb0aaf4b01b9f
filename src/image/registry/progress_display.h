// Docker-style progress output for pulls and pushes.
//
// On a terminal each layer has one line, redrawn in place with ANSI
// cursor movement ("0123456789ab: Downloading [=====>    ]  12.35MB/50.1MB"),
// at most every `interval` for byte counts (action changes draw at once).
// Lines are cut to the terminal width so a wrapped line never breaks the
// cursor arithmetic. Elsewhere (a log, a pipe) each layer's action change
// prints once as a plain line and byte counts are not shown at all, which
// is what `docker pull | cat` prints.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "image/registry/transfer.h"

namespace hako::image::registry {

class ProgressDisplay : public ProgressSink {
 public:
  // Writes to `fd`, which the caller owns. `terminal`: the caller's
  // isatty() verdict (it may want to force either mode).
  ProgressDisplay(int fd, bool terminal, std::chrono::milliseconds interval = std::chrono::milliseconds(100));

  void update(const Progress& p) override;
  // A line of its own ("Digest: sha256:..."). On a terminal the layer lines
  // so far are drawn in their final state and stay above it; a later
  // update for one of those layers starts a new line below.
  void print(std::string_view line);
  // Draws pending updates now. Call once the transfers are over.
  void flush();

 private:
  void draw_locked();
  void write_out(std::string_view s);

  std::mutex mu_;
  int fd_;
  bool terminal_;
  std::chrono::milliseconds interval_;
  std::vector<Progress> rows_;  // in order of first appearance
  size_t drawn_ = 0;            // rows_ lines on screen (terminal mode)
  bool dirty_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

// Docker's size format (go-units HumanSize): decimal units, 4 significant
// digits: "512B", "1.5kB", "12.35MB".
std::string human_size(uint64_t bytes);

// One layer's line. The bar needs a terminal wider than 110 columns, as in
// Docker; width 0 means unknown (treated as wide).
std::string format_progress_line(const Progress& p, int width);

}  // namespace hako::image::registry
