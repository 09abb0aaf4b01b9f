// What `build` prints while it works, as BuildKit's progress modes:
//   plain  "#3 [2/3] RUN make", "#3 0.214 output line", "#3 DONE 0.3s",
//          "#3 CACHED", "#3 ERROR: ..." (what a log file or CI wants)
//   tty    one line per step as it ends ("=> [2/3] RUN make   0.3s",
//          "=> CACHED [2/3] ..."), a RUN's output dimmed below its step while
//          it runs, and a closing "[+] Building 1.2s (5/5) FINISHED".
//   quiet  nothing (-q: only the image id is printed, by the command).
// Steps may run at once (parallel stages): calls are serialized here.
#pragma once
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "build/builder.h"

namespace hako::build {

enum class ProgressMode { Plain, Tty, Quiet };

class Progress : public BuildObserver {
 public:
  Progress(ProgressMode mode, std::FILE* out);
  int begin(const std::string& name) override;
  void cached(int step) override;
  void output(int step, std::string_view chunk) override;
  void log(int step, const std::string& line) override;
  void done(int step) override;
  void failed(int step, const std::string& message) override;
  // The closing line (tty).
  void finish(bool ok);

 private:
  struct Step {
    std::string name;
    std::chrono::steady_clock::time_point start;
    std::string partial;  // output after the last newline
    std::vector<std::string> logs;  // tty: printed under the step's line when it ends
    bool ended = false;
  };
  double seconds(const Step& s) const;
  void line_out(int n, Step& s, std::string_view line);
  // tty: `text` cut to the terminal's width less `reserve` columns.
  std::string fit(const std::string& text, size_t reserve) const;

  ProgressMode mode_;
  std::FILE* out_;
  std::mutex mu_;
  std::map<int, Step> steps_;
  int next_ = 0, ended_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  size_t width_ = 80;
};

}  // namespace hako::build
