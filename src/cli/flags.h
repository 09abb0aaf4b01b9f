// Docker-style (spf13/pflag) command-line flags for hako's own commands:
// --name value, --name=value, -n value, -nvalue, combined boolean shorts
// (-aq), repeatable list flags, and flags mixed with positional arguments
// (unless the command stops at its first positional, as `run IMAGE CMD...`
// does). Errors use pflag's words ("unknown flag: --x", "unknown shorthand
// flag: 'x' in -x", "flag needs an argument: --name").
#pragma once
#include <map>
#include <string>
#include <vector>

#include "base/error.h"

namespace hako::cli {

struct Flag {
  std::string name;   // "all"
  char shorthand = 0; // 'a'
  enum Type { Bool, String, List, Int } type = Bool;
  std::string default_value;
  std::string help;
  std::string value_name = "string";  // shown in --help: "--format string"
};

class ParsedFlags {
 public:
  bool set(const std::string& name) const { return given_.contains(name); }
  bool boolean(const std::string& name) const;
  std::string str(const std::string& name) const;
  std::vector<std::string> list(const std::string& name) const;
  Result<long long> integer(const std::string& name) const;
  const std::vector<std::string>& args() const { return args_; }
  bool help() const { return help_; }

 private:
  friend Result<ParsedFlags> parse_flags(const std::vector<Flag>&, const std::vector<std::string>&, bool);
  std::map<std::string, std::vector<std::string>> given_;
  std::map<std::string, std::string> defaults_;
  std::vector<std::string> args_;
  bool help_ = false;
};

// Parses argv (the command's own arguments). With stop_at_positional,
// everything from the first positional argument on is positional.
Result<ParsedFlags> parse_flags(const std::vector<Flag>& flags, const std::vector<std::string>& argv,
                                bool stop_at_positional = false);

// The "Options:" block of --help.
std::string flags_help(const std::vector<Flag>& flags);

}  // namespace hako::cli
