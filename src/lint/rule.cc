#include "lint/rule.h"

#include <algorithm>

namespace hako::lint {

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
    case Severity::Style: return "style";
    case Severity::Ignore: return "ignore";
  }
  return "ignore";
}

std::optional<Severity> parse_severity(std::string_view s) {
  for (Severity v : {Severity::Error, Severity::Warning, Severity::Info, Severity::Style, Severity::Ignore}) {
    if (severity_name(v) == s) return v;
  }
  return std::nullopt;
}

std::optional<LabelFormat> parse_label_format(std::string_view s) {
  if (s == "text") return LabelFormat::Text;
  if (s == "url") return LabelFormat::Url;
  if (s == "rfc3339") return LabelFormat::Rfc3339;
  if (s == "spdx") return LabelFormat::Spdx;
  if (s == "hash") return LabelFormat::GitHash;
  if (s == "semver") return LabelFormat::SemVer;
  if (s == "email") return LabelFormat::Email;
  return std::nullopt;
}

void Reporter::at_line(int line, std::string message) {
  Finding f;
  f.code = std::string(info_.code);
  f.severity = info_.severity;
  f.message = message.empty() ? std::string(info_.message) : std::move(message);
  f.line = line;
  out_->push_back(std::move(f));
}

const std::vector<Rule>& all_rules() {
  static const std::vector<Rule> rules = [] {
    std::vector<Rule> all;
    for (auto family : {instruction_rules, shell_rules, apt_apk_rules, rpm_rules, language_rules, label_rules}) {
      auto part = family();
      all.insert(all.end(), part.begin(), part.end());
    }
    std::sort(all.begin(), all.end(), [](const Rule& a, const Rule& b) { return a.info.code < b.info.code; });
    return all;
  }();
  return rules;
}

const Rule* find_rule(std::string_view code) {
  for (const auto& r : all_rules()) {
    if (r.info.code == code) return &r;
  }
  return nullptr;
}

}  // namespace hako::lint
