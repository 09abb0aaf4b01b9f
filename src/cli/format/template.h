// Go text/template, the subset Docker users type into --format and
// `inspect -f`, evaluated against JSON: `.Foo.Bar` looks up object keys
// (exact match), and values print the way Go's fmt prints them.
//
//   auto t = parse_template("{{.Repository}}:{{.Tag}}");   // parse once
//   auto line = t->execute(row);                            // run per row
//
// Supported: text and actions with trim markers ({{- -}}), comments,
// pipelines, variables ($x := / $x = / $), if / else if / else, range (arrays,
// objects in key order, integers; $i, $v forms; else; break / continue),
// with / else with / else, literals (strings, raw strings, numbers, chars,
// true / false / nil), parenthesized pipelines and field chains on them.
// Functions: Go's builtins and, or, not, len, index, slice, eq, ne, lt, le,
// gt, ge, print, printf, println, html, js, urlquery, and Docker's json,
// split, join, title, lower, upper, pad, truncate.
// Not supported: define, template, block, call, complex numbers.
//
// A field used with arguments on an object value indexes it, standing in for
// Docker's methods such as `{{.Label "com.example"}}`: a row that has
// "Label": {labels} answers it (an absent key gives "").
//
// All failures are ErrorKind::InvalidArgument with Go's message, e.g.
//   template: :1: unexpected "}" in operand
//   template: :1:2: executing "" at <.Foo>: map has no entry for key "Foo"
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/json.h"

namespace hako::cli::format {

struct Tree;

// What `.Key` does when an object has no such key.
enum class MissingKey {
  Error,    // Go's missingkey=error: fail, naming the key
  Default,  // Go's default: the value is missing, printed "<no value>"
};

struct ExecOptions {
  MissingKey missing_key = MissingKey::Error;
  // Docker's header mode: json, split, join, title, lower, upper and
  // truncate return their (header text) argument unchanged, and fields used
  // with arguments ignore them.
  bool header = false;
};

class Template {
 public:
  Result<std::string> execute(const Json& data, const ExecOptions& options = {}) const;
  // Appends to `out`; on failure `out` keeps what was written before it, as
  // Go's Execute leaves partial output in its writer.
  Result<void> execute_to(std::string& out, const Json& data, const ExecOptions& options = {}) const;
  const std::string& text() const;

 private:
  friend Result<Template> parse_template(std::string_view text);
  explicit Template(std::shared_ptr<const Tree> tree) : tree_(std::move(tree)) {}
  std::shared_ptr<const Tree> tree_;
};

// Parses once; the Template can be executed any number of times, also concurrently.
Result<Template> parse_template(std::string_view text);

// Output for a listing command's --format, as docker/cli's formatter does it:
//  - "" or "table": `default_table`, itself a format (normally "table ...").
//  - "json": `{{json .}}` per row.
//  - "table <tmpl>": a header row (the template run against `headers`, a
//    field-name → column-title map, in header mode) and the rows, aligned
//    by a tab writer with Docker's settings (minwidth 10, padding 3).
//  - anything else: the template per row.
// Each row ends with "\n". In the format the two-character sequences `\t`
// and `\n` stand for a tab and a newline, and leading/trailing spaces are
// dropped. Parse and execution errors read "template parsing error: ...".
Result<std::string> render_listing(std::string_view format, std::string_view default_table,
                                   const std::vector<Json>& rows,
                                   const std::map<std::string, std::string>& headers);

// `inspect -f`: the template run against each value, each followed by
// "\n". Absent keys are errors (Docker's raw-JSON fallback uses
// missingkey=error); errors read "template parsing error: ...".
Result<std::string> render_each(std::string_view format, const std::vector<Json>& values);

}  // namespace hako::cli::format
