// --format handling for listings and inspect, after docker/cli's
// cli/command/formatter (Context.preFormat/postFormat) and cli/command/inspect.
#include "cli/format/tabwriter.h"
#include "cli/format/template.h"

namespace hako::cli::format {

namespace {

constexpr std::string_view kTableKey = "table";

std::string_view trim_spaces(std::string_view s) {
  size_t b = s.find_first_not_of(' ');
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

// strings.NewReplacer(`\t`, "\t", `\n`, "\n").
std::string unescape_tabs(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == 't' || s[i + 1] == 'n')) {
      out += s[i + 1] == 't' ? '\t' : '\n';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

Result<std::string> render_listing(std::string_view format, std::string_view default_table,
                                   const std::vector<Json>& rows,
                                   const std::map<std::string, std::string>& headers) {
  if (format.empty() || format == kTableKey) format = default_table;
  bool table = format.starts_with(kTableKey);
  std::string_view body = format;
  if (table) {
    body.remove_prefix(kTableKey.size());
  } else if (trim_spaces(format) == "json") {
    body = "{{json .}}";
  }
  auto tmpl = parse_template(unescape_tabs(trim_spaces(body)));
  if (!tmpl) return std::unexpected(tmpl.error().context("template parsing error"));

  std::string out;
  for (const auto& row : rows) {
    TRY_CTX(tmpl->execute_to(out, row), "template parsing error");
    out += '\n';
  }
  if (!table) return out;

  Json header_row = Json::object();
  for (const auto& [field, title] : headers) header_row[field] = title;
  std::string text;
  // Like Docker, a header that fails to render keeps what it rendered so far.
  (void)tmpl->execute_to(text, header_row, {.missing_key = MissingKey::Default, .header = true});
  text += '\n';
  text += out;
  return tabwrite(text);
}

Result<std::string> render_each(std::string_view format, const std::vector<Json>& values) {
  auto tmpl = parse_template(format);
  if (!tmpl) return std::unexpected(tmpl.error().context("template parsing error"));
  std::string out;
  for (const auto& v : values) {
    TRY_CTX(tmpl->execute_to(out, v), "template parsing error");
    out += '\n';
  }
  return out;
}

}  // namespace hako::cli::format
