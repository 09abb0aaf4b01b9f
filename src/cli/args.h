// Command-line parsing in the style of runc (urfave/cli): flags as
// --name value, --name=value or -n value; boolean flags take no value;
// parsing stops at the first positional argument or at "--".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"

namespace hako::cli {

struct FlagSpec {
  std::string name;    // "bundle"
  std::string short_;  // "b", or empty
  bool takes_value = true;
};

class Args {
 public:
  // Parses argv[from..]; unknown flags are an error naming the flag.
  static Result<Args> parse(const std::vector<std::string>& argv, size_t from, const std::vector<FlagSpec>& specs,
                            bool stop_at_positional = true);

  bool has(const std::string& name) const { return values_.contains(name); }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> all(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

}  // namespace hako::cli
