#include "cli/flags.h"

#include "base/strings.h"

namespace hako::cli {

bool ParsedFlags::boolean(const std::string& name) const {
  auto v = str(name);
  return v == "true" || v == "1";
}

std::string ParsedFlags::str(const std::string& name) const {
  auto it = given_.find(name);
  if (it != given_.end() && !it->second.empty()) return it->second.back();
  auto d = defaults_.find(name);
  return d == defaults_.end() ? "" : d->second;
}

std::vector<std::string> ParsedFlags::list(const std::string& name) const {
  auto it = given_.find(name);
  return it == given_.end() ? std::vector<std::string>{} : it->second;
}

Result<long long> ParsedFlags::integer(const std::string& name) const {
  std::string v = str(name);
  auto n = parse_int(v);
  if (!n) return fail(ErrorKind::InvalidArgument, "invalid argument \"{}\" for \"--{}\" flag: not an integer", v, name);
  return *n;
}

Result<ParsedFlags> parse_flags(const std::vector<Flag>& flags, const std::vector<std::string>& argv,
                                bool stop_at_positional) {
  ParsedFlags p;
  for (const auto& f : flags) p.defaults_[f.name] = f.default_value;
  auto by_name = [&](std::string_view n) -> const Flag* {
    for (const auto& f : flags)
      if (f.name == n) return &f;
    return nullptr;
  };
  auto by_short = [&](char c) -> const Flag* {
    for (const auto& f : flags)
      if (f.shorthand == c) return &f;
    return nullptr;
  };
  auto put = [&](const Flag& f, std::string value) -> Result<> {
    if (f.type == Flag::Bool && value != "true" && value != "false")
      return fail(ErrorKind::InvalidArgument, "invalid argument \"{}\" for \"--{}\" flag: strconv.ParseBool: parsing "
                  "\"{}\": invalid syntax", value, f.name, value);
    if (f.type == Flag::Int && !parse_int(value))
      return fail(ErrorKind::InvalidArgument, "invalid argument \"{}\" for \"--{}\" flag: strconv.ParseInt: parsing "
                  "\"{}\": invalid syntax", value, f.name, value);
    auto& slot = p.given_[f.name];
    if (f.type != Flag::List) slot.clear();
    slot.push_back(std::move(value));
    return {};
  };

  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--") {
      p.args_.insert(p.args_.end(), argv.begin() + static_cast<long>(i) + 1, argv.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      p.args_.push_back(arg);
      if (stop_at_positional) {
        p.args_.insert(p.args_.end(), argv.begin() + static_cast<long>(i) + 1, argv.end());
        break;
      }
      continue;
    }
    if (arg[1] == '-') {
      std::string name = arg.substr(2);
      std::optional<std::string> value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name.resize(eq);
      }
      if (name == "help") {
        p.help_ = true;
        continue;
      }
      const Flag* f = by_name(name);
      if (!f) return fail(ErrorKind::InvalidArgument, "unknown flag: --{}", name);
      if (f->type == Flag::Bool) {
        TRY(put(*f, value.value_or("true")));
        continue;
      }
      if (!value) {
        if (i + 1 >= argv.size()) return fail(ErrorKind::InvalidArgument, "flag needs an argument: --{}", name);
        value = argv[++i];
      }
      TRY(put(*f, *value));
      continue;
    }
    // Shorthands: -a, -aq, -ofile, -o file, -f=x.
    for (size_t j = 1; j < arg.size(); ++j) {
      char c = arg[j];
      if (c == 'h' && !by_short('h')) {
        p.help_ = true;
        continue;
      }
      const Flag* f = by_short(c);
      if (!f) return fail(ErrorKind::InvalidArgument, "unknown shorthand flag: '{}' in {}", c, arg);
      std::string rest = arg.substr(j + 1);
      if (f->type == Flag::Bool) {
        if (rest.starts_with('=')) {
          TRY(put(*f, rest.substr(1)));
          break;
        }
        TRY(put(*f, "true"));
        continue;
      }
      if (rest.starts_with('=')) rest.erase(0, 1);
      if (rest.empty()) {
        if (i + 1 >= argv.size())
          return fail(ErrorKind::InvalidArgument, "flag needs an argument: '{}' in -{}", c, c);
        rest = argv[++i];
      }
      TRY(put(*f, rest));
      break;
    }
  }
  return p;
}

std::string flags_help(const std::vector<Flag>& flags) {
  std::vector<std::pair<std::string, std::string>> rows;
  size_t width = 0;
  for (const auto& f : flags) {
    std::string left = f.shorthand ? fmt::format("  -{}, --{}", f.shorthand, f.name) : fmt::format("      --{}", f.name);
    if (f.type == Flag::String || f.type == Flag::Int) left += " " + (f.type == Flag::Int ? std::string("int") : f.value_name);
    if (f.type == Flag::List) left += " list";
    std::string help = f.help;
    if (!f.default_value.empty() && f.type != Flag::Bool) help += fmt::format(" (default \"{}\")", f.default_value);
    width = std::max(width, left.size());
    rows.emplace_back(std::move(left), std::move(help));
  }
  std::string out = "Options:\n";
  for (const auto& [l, h] : rows) out += fmt::format("{:<{}}   {}\n", l, width, h);
  return out;
}

}  // namespace hako::cli
