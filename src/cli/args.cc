#include "cli/args.h"

namespace hako::cli {

Result<Args> Args::parse(const std::vector<std::string>& argv, size_t from, const std::vector<FlagSpec>& specs,
                         bool stop_at_positional) {
  Args a;
  for (size_t i = from; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--") {
      a.positional_.insert(a.positional_.end(), argv.begin() + static_cast<long>(i) + 1, argv.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      a.positional_.push_back(arg);
      if (stop_at_positional) {
        a.positional_.insert(a.positional_.end(), argv.begin() + static_cast<long>(i) + 1, argv.end());
        break;
      }
      continue;
    }
    std::string name = arg.substr(arg[1] == '-' ? 2 : 1);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const FlagSpec* spec = nullptr;
    for (const auto& s : specs)
      if (s.name == name || (!s.short_.empty() && s.short_ == name)) spec = &s;
    if (!spec) return fail(ErrorKind::InvalidArgument, "flag provided but not defined: -{}", name);
    if (spec->takes_value) {
      if (!value) {
        if (i + 1 >= argv.size()) return fail(ErrorKind::InvalidArgument, "flag needs an argument: -{}", name);
        value = argv[++i];
      }
    } else if (value && *value != "true" && *value != "false") {
      return fail(ErrorKind::InvalidArgument, "invalid boolean value \"{}\" for -{}", *value, name);
    } else if (value && *value == "false") {
      continue;
    }
    a.values_[spec->name].push_back(value.value_or("true"));
  }
  return a;
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> Args::all(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace hako::cli
