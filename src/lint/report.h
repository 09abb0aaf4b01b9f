// Writing findings in Hadolint's output formats: tty, json, sarif (2.1.0),
// checkstyle, codeclimate and gitlab_codeclimate.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "lint/rule.h"

namespace hako::lint {

struct ReportOptions {
  std::string format = "tty";
  bool color = false;  // tty only
  std::string tool_version;  // sarif: the driver's version
};

// One linted file: its name as reported ("-" for stdin) and its findings.
struct FileResult {
  std::string file;
  std::vector<Finding> findings;
};

// tty, json, sarif, checkstyle, codeclimate, gitlab_codeclimate.
bool known_format(std::string_view format);

// The whole report. tty: "Dockerfile:3 DL3008 warning: message" a line per
// finding; json: one array of {code, column, file, level, line, message};
// sarif: one SARIF 2.1.0 log; checkstyle: XML with a <file> per input;
// codeclimate: an issue object per finding, each followed by a NUL byte;
// gitlab_codeclimate: one array of issues with fingerprints.
std::string render_report(const std::vector<FileResult>& results, const ReportOptions& opts);

}  // namespace hako::lint
