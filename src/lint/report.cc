#include "lint/report.h"

#include <openssl/evp.h>

#include "base/json.h"

namespace hako::lint {
namespace {

std::string tty(const std::vector<FileResult>& results, bool color) {
  std::string out;
  for (const auto& r : results) {
    for (const auto& f : r.findings) {
      std::string sev(severity_name(f.severity));
      if (color) {
        switch (f.severity) {
          case Severity::Error: sev = "\033[1;31m" + sev + "\033[0m"; break;
          case Severity::Warning: sev = "\033[1;33m" + sev + "\033[0m"; break;
          case Severity::Info: sev = "\033[32m" + sev + "\033[0m"; break;
          case Severity::Style: sev = "\033[36m" + sev + "\033[0m"; break;
          case Severity::Ignore: break;
        }
      }
      out += fmt::format("{}:{} {} {}: {}\n", f.file, f.line, f.code, sev, f.message);
    }
  }
  return out;
}

std::string json(const std::vector<FileResult>& results) {
  Json arr = Json::array();
  for (const auto& r : results) {
    for (const auto& f : r.findings) {
      arr.push_back({{"code", f.code},
                     {"column", f.column},
                     {"file", f.file},
                     {"level", severity_name(f.severity)},
                     {"line", f.line},
                     {"message", f.message}});
    }
  }
  return arr.dump() + "\n";
}

std::string_view sarif_level(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    default: return "note";
  }
}

std::string sarif(const std::vector<FileResult>& results, const std::string& version) {
  Json rules = Json::array();
  Json sarif_results = Json::array();
  std::map<std::string, size_t> rule_index;
  for (const auto& r : results) {
    for (const auto& f : r.findings) {
      auto [it, added] = rule_index.emplace(f.code, rule_index.size());
      if (added) {
        const Rule* rule = find_rule(f.code);
        Json desc = {{"text", rule ? std::string(rule->info.message) : std::string("Invalid Dockerfile")}};
        Json entry = {{"id", f.code},
                      {"shortDescription", desc},
                      {"defaultConfiguration",
                       {{"level", sarif_level(rule ? rule->info.severity : Severity::Error)}}}};
        rules.push_back(std::move(entry));
      }
      Json region = {{"startLine", f.line}, {"endLine", f.line}, {"startColumn", f.column},
                     {"endColumn", f.column}, {"sourceLanguage", "dockerfile"}};
      sarif_results.push_back(
          {{"ruleId", f.code},
           {"ruleIndex", it->second},
           {"level", sarif_level(f.severity)},
           {"message", {{"text", f.message}}},
           {"locations",
            Json::array({{{"physicalLocation", {{"artifactLocation", {{"uri", f.file}}}, {"region", region}}}}})}});
    }
  }
  Json driver = {{"name", "hako lint"},
                 {"fullName", "hako lint: Dockerfile linter with Hadolint's rules"},
                 {"informationUri", "https://github.com/hadolint/hadolint#rules"},
                 {"rules", rules}};
  if (!version.empty()) driver["version"] = version;
  Json log = {{"$schema", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", Json::array({{{"tool", {{"driver", driver}}}, {"results", sarif_results}}})}};
  return log.dump(2) + "\n";
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += "&#10;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string checkstyle(const std::vector<FileResult>& results) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n";
  for (const auto& r : results) {
    out += fmt::format("  <file name=\"{}\">\n", xml_escape(r.file));
    for (const auto& f : r.findings) {
      out += fmt::format("    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"{}\"/>\n", f.line,
                         f.column, severity_name(f.severity), xml_escape(f.message), xml_escape(f.code));
    }
    out += "  </file>\n";
  }
  return out + "</checkstyle>\n";
}

std::string_view climate_severity(Severity s) {
  switch (s) {
    case Severity::Error: return "blocker";
    case Severity::Warning: return "major";
    case Severity::Info: return "info";
    case Severity::Style: return "minor";
    case Severity::Ignore: return "";
  }
  return "";
}

Json climate_issue(const Finding& f) {
  return {{"type", "issue"},
          {"check_name", f.code},
          {"description", f.message},
          {"categories", Json::array({"Bug Risk"})},
          {"location", {{"path", f.file}, {"lines", {{"begin", f.line}, {"end", f.line}}}}},
          {"severity", climate_severity(f.severity)}};
}

std::string sha1_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr);
  std::string out;
  for (unsigned i = 0; i < len; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

std::string codeclimate(const std::vector<FileResult>& results, bool gitlab) {
  std::string out;
  Json arr = Json::array();
  for (const auto& r : results) {
    for (const auto& f : r.findings) {
      Json issue = climate_issue(f);
      if (gitlab) {
        issue["fingerprint"] = sha1_hex(issue.dump());
        arr.push_back(std::move(issue));
      } else {
        out += issue.dump();
        out += '\0';
      }
    }
  }
  return gitlab ? arr.dump() + "\n" : out;
}

}  // namespace

bool known_format(std::string_view format) {
  return format == "tty" || format == "json" || format == "sarif" || format == "checkstyle" ||
         format == "codeclimate" || format == "gitlab_codeclimate";
}

std::string render_report(const std::vector<FileResult>& results, const ReportOptions& opts) {
  if (opts.format == "json") return json(results);
  if (opts.format == "sarif") return sarif(results, opts.tool_version);
  if (opts.format == "checkstyle") return checkstyle(results);
  if (opts.format == "codeclimate") return codeclimate(results, false);
  if (opts.format == "gitlab_codeclimate") return codeclimate(results, true);
  return tty(results, opts.color);
}

}  // namespace hako::lint
