// hako-lint-time DOCKERFILE [N]: lints DOCKERFILE N times (default 200) in
// one process with every rule and the JSON report, and prints the median
// and p90 of one lint in ms, for bench/lint.sh to show beside the CLI's
// fork-to-exit time. A benchmark tool, not part of hako's command line.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "base/files.h"
#include "lint/linter.h"
#include "lint/report.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: hako-lint-time DOCKERFILE [N]\n");
    return 2;
  }
  auto text = hako::read_file(argv[1]);
  if (!text) {
    std::fprintf(stderr, "hako-lint-time: %s\n", text.error().message().c_str());
    return 1;
  }
  int n = argc > 2 ? std::atoi(argv[2]) : 200;
  hako::lint::Config cfg;
  hako::lint::ReportOptions ro;
  ro.format = "json";
  std::vector<double> ms;
  size_t findings = 0, bytes = 0;
  for (int i = 0; i < n; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto f = hako::lint::lint_text(*text, argv[1], cfg);
    std::string out = hako::lint::render_report({{argv[1], f}}, ro);
    auto t1 = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    findings = f.size();
    bytes = out.size();
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%.3f %.3f %zu %zu\n", ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 9 / 10)], findings, bytes);
  return 0;
}
