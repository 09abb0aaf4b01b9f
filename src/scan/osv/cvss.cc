// CVSS v3 base scores and severity labels (declared in advisory.h).
//
// The formulas and constants are those of the CVSS v3.1 specification,
// section 7 ("CVSS v3.1 Equations") and its Appendix A Roundup, which avoids
// the floating-point surprises of a plain ceil(x * 10) / 10.
#include <cmath>
#include <map>

#include "scan/osv/advisory.h"

namespace hako::scan::osv {

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// CVSS 3.1 Appendix A: the smallest number with one decimal place that is
// >= input, computed on an integer so 4.00000000001 style errors vanish.
double roundup(double input) {
  long long int_input = std::llround(input * 100000.0);
  if (int_input % 10000 == 0) return static_cast<double>(int_input) / 100000.0;
  return (std::floor(static_cast<double>(int_input) / 10000.0) + 1.0) / 10.0;
}

}  // namespace

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::Unknown: return "UNKNOWN";
    case Severity::Low: return "LOW";
    case Severity::Medium: return "MEDIUM";
    case Severity::High: return "HIGH";
    case Severity::Critical: return "CRITICAL";
  }
  return "UNKNOWN";
}

std::optional<Severity> severity_from_label(std::string_view label) {
  static constexpr std::pair<std::string_view, Severity> table[] = {
      {"critical", Severity::Critical}, {"high", Severity::High},
      {"important", Severity::High},    {"medium", Severity::Medium},
      {"moderate", Severity::Medium},   {"low", Severity::Low},
      {"unimportant", Severity::Low},   {"negligible", Severity::Low},
      {"unknown", Severity::Unknown},
  };
  for (const auto& [name, severity] : table)
    if (iequals(label, name)) return severity == Severity::Unknown ? std::nullopt : std::optional(severity);
  return std::nullopt;
}

Result<double> cvss3_base_score(std::string_view vector) {
  auto bad = [&](std::string_view why) {
    return fail(ErrorKind::InvalidArgument, "CVSS vector {:?}: {}", std::string(vector), why);
  };
  std::string_view rest = vector;
  if (rest.starts_with("CVSS:3.1/") || rest.starts_with("CVSS:3.0/"))
    rest.remove_prefix(9);
  else
    return bad("not a CVSS 3.0/3.1 vector");
  std::map<std::string, std::string, std::less<>> metrics;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    size_t colon = part.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == part.size())
      return bad(fmt::format("malformed metric {:?}", std::string(part)));
    if (!metrics.emplace(std::string(part.substr(0, colon)), std::string(part.substr(colon + 1))).second)
      return bad(fmt::format("metric {} given twice", part.substr(0, colon)));
  }
  // Looks up metric `name` and maps its value through `values`.
  auto weight = [&](const char* name, std::initializer_list<std::pair<const char*, double>> values)
      -> Result<double> {
    auto it = metrics.find(name);
    if (it == metrics.end()) return bad(fmt::format("base metric {} is missing", name));
    for (const auto& [value, w] : values)
      if (it->second == value) return w;
    return bad(fmt::format("unknown value {}:{}", name, it->second));
  };
  TRY_ASSIGN(double scope_changed_w, weight("S", {{"U", 0.0}, {"C", 1.0}}));
  bool changed = scope_changed_w != 0.0;
  TRY_ASSIGN(double av, weight("AV", {{"N", 0.85}, {"A", 0.62}, {"L", 0.55}, {"P", 0.2}}));
  TRY_ASSIGN(double ac, weight("AC", {{"L", 0.77}, {"H", 0.44}}));
  // Privileges Required weighs more when the scope changes.
  TRY_ASSIGN(double pr, weight("PR", {{"N", 0.85}, {"L", changed ? 0.68 : 0.62}, {"H", changed ? 0.5 : 0.27}}));
  TRY_ASSIGN(double ui, weight("UI", {{"N", 0.85}, {"R", 0.62}}));
  TRY_ASSIGN(double c, weight("C", {{"H", 0.56}, {"L", 0.22}, {"N", 0.0}}));
  TRY_ASSIGN(double i, weight("I", {{"H", 0.56}, {"L", 0.22}, {"N", 0.0}}));
  TRY_ASSIGN(double a, weight("A", {{"H", 0.56}, {"L", 0.22}, {"N", 0.0}}));

  double iss = 1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a);
  double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  double exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0.0;
  double sum = changed ? 1.08 * (impact + exploitability) : impact + exploitability;
  return roundup(std::min(sum, 10.0));
}

Severity severity_for_score(double score) {
  if (score >= 9.0) return Severity::Critical;
  if (score >= 7.0) return Severity::High;
  if (score >= 4.0) return Severity::Medium;
  return Severity::Low;
}

}  // namespace hako::scan::osv
