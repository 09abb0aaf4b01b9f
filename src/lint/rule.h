// A lint rule: Hadolint's id, default severity and message, and a check over
// the whole model (lint/model.h) that reports findings. Rules live in
// lint/rules/*.cc, one file per family, and are listed by all_rules().
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lint/model.h"

namespace hako::lint {

// Most severe first; the order --failure-threshold compares by.
enum class Severity { Error, Warning, Info, Style, Ignore };

std::string_view severity_name(Severity s);  // "error", "warning", "info", "style", "ignore"
std::optional<Severity> parse_severity(std::string_view s);

struct Finding {
  std::string code;  // "DL3008"
  Severity severity = Severity::Warning;
  std::string message;
  std::string file;  // filled in by the linter
  int line = 0;
  int column = 1;
};

// --require-label / label-schema formats (Hadolint's LabelType).
enum class LabelFormat { Text, Url, Rfc3339, Spdx, GitHash, SemVer, Email };
std::optional<LabelFormat> parse_label_format(std::string_view s);

// What rules read from the configuration.
struct RuleOptions {
  std::vector<std::string> trusted_registries;    // DL3026; empty: the rule is off
  std::map<std::string, LabelFormat> label_schema;  // DL3049, DL3052-DL3058
  bool strict_labels = false;                       // DL3050
};

struct RuleInfo {
  std::string_view code;
  Severity severity;
  std::string_view message;  // Hadolint's text
};

// Collects one rule's findings.
class Reporter {
 public:
  Reporter(const RuleInfo& info, std::vector<Finding>* out) : info_(info), out_(out) {}
  // At the instruction's line, with the rule's message or `message`.
  void at(const Instruction& ins, std::string message = {}) { at_line(ins.line, std::move(message)); }
  void at_line(int line, std::string message = {});

 private:
  const RuleInfo& info_;
  std::vector<Finding>* out_;
};

using CheckFn = void (*)(const Model&, const RuleOptions&, Reporter&);

struct Rule {
  RuleInfo info;
  CheckFn check;
};

// Every rule, by code.
const std::vector<Rule>& all_rules();
const Rule* find_rule(std::string_view code);

// The families (lint/rules/*.cc); all_rules() joins them.
std::vector<Rule> instruction_rules();  // FROM, COPY, ADD, WORKDIR, USER, EXPOSE, CMD ... (no shell)
std::vector<Rule> shell_rules();        // RUN commands in general (cd, sudo, wget/curl, pipes ...)
std::vector<Rule> apt_apk_rules();      // apt-get, apt, apk
std::vector<Rule> rpm_rules();          // yum, dnf, microdnf, zypper
std::vector<Rule> language_rules();     // pip, npm, yarn, gem, go
std::vector<Rule> label_rules();        // LABEL keys and values

}  // namespace hako::lint
