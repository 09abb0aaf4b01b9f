#include "engine/spec/tmpfs.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/strings.h"
#include "engine/spec/values.h"

namespace hako::engine {

namespace {

// The collision key of each flag option: options setting or clearing the
// same mount flag share a key; all propagation options share one.
int flag_key(const std::string& option) {
  static const std::map<std::string, int> keys = {
      {"ro", 1},         {"rw", 1},          {"suid", 2},        {"nosuid", 2},   {"dev", 3},
      {"nodev", 3},      {"exec", 4},        {"noexec", 4},      {"sync", 5},     {"async", 5},
      {"dirsync", 6},    {"remount", 7},     {"mand", 8},        {"nomand", 8},   {"atime", 9},
      {"noatime", 9},    {"diratime", 10},   {"nodiratime", 10}, {"relatime", 11}, {"norelatime", 11},
      {"strictatime", 12}, {"nostrictatime", 12},
      {"bind", -1},      {"rbind", -1},      {"unbindable", -1}, {"runbindable", -1}, {"private", -1},
      {"rprivate", -1},  {"shared", -1},     {"rshared", -1},    {"slave", -1},   {"rslave", -1}};
  auto it = keys.find(option);
  return it == keys.end() ? 0 : it->second;
}

}  // namespace

Result<std::vector<std::string>> merge_tmpfs_options(const std::vector<std::string>& options) {
  static const std::set<std::string> data_options = {"", "size", "mode", "uid", "gid", "nr_inodes", "nr_blocks", "mpol"};
  std::set<int> flags_seen;
  std::set<std::string> data_seen;
  std::vector<std::string> out;
  for (auto it = options.rbegin(); it != options.rend(); ++it) {
    const std::string& option = *it;
    if (option == "defaults") continue;
    if (int key = flag_key(option)) {
      if (flags_seen.insert(key).second) out.push_back(option);
      continue;
    }
    size_t eq = option.find('=');
    std::string name = option.substr(0, eq);
    if (eq == std::string::npos || !data_options.contains(name))
      return fail(ErrorKind::InvalidArgument, "invalid tmpfs option \"{}\"", name);
    if (data_seen.insert(name).second) out.push_back(option);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

Result<std::vector<std::string>> tmpfs_mount_options(const std::string& user_options) {
  std::vector<std::string> options = {"noexec", "nosuid", "nodev", "rprivate"};
  if (!user_options.empty())
    for (auto& o : split(user_options, ',')) options.push_back(std::move(o));
  return merge_tmpfs_options(options);
}

Result<> validate_tmpfs_destination(const std::string& destination) {
  if (clean_path(destination) == "/")
    return fail(ErrorKind::InvalidArgument, "invalid specification: destination can't be '/'");
  if (destination.empty() || destination[0] != '/')
    return fail(ErrorKind::InvalidArgument, "invalid mount path: '{}' mount path must be absolute", destination);
  return {};
}

}  // namespace hako::engine
