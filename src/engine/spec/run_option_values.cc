// The structured values of run flags: restart policies, ulimits, devices,
// capabilities. Messages are docker/cli's and the daemon's.
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "base/files.h"
#include "base/strings.h"
#include "engine/spec/run_options.h"
#include "engine/spec/values.h"
#include "linux/capabilities.h"

namespace hako::engine {

namespace {

// CapEff of /proc/self/status; nullopt when it cannot be read.
std::optional<uint64_t> effective_capabilities() {
  auto status = read_file("/proc/self/status");
  if (!status) return std::nullopt;
  size_t at = status->find("\nCapEff:");
  if (at == std::string::npos) return std::nullopt;
  size_t start = status->find_first_not_of(" \t", at + 8);
  size_t end = status->find('\n', start);
  std::string hex = status->substr(start, end == std::string::npos ? std::string::npos : end - start);
  char* stop = nullptr;
  uint64_t mask = std::strtoull(hex.c_str(), &stop, 16);
  if (hex.empty() || *stop != '\0') return std::nullopt;
  return mask;
}

bool capability_available(int cap) {
  static const std::optional<uint64_t> current = effective_capabilities();
  if (cap > linux::last_capability()) return false;
  return !current || (*current >> cap) & 1;
}

}  // namespace

std::vector<std::string> all_capabilities() {
  std::vector<std::string> caps;
  for (int c = 0; c <= linux::last_capability(); ++c)
    if (capability_available(c)) caps.push_back(linux::capability_name(c));
  return caps;
}

Result<std::string> normalize_capability(const std::string& name) {
  std::string c;
  for (char ch : name) c += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (c == "ALL") return c;
  if (!c.starts_with("CAP_")) c = "CAP_" + c;
  auto cap = linux::capability_from_name(c);
  if (!cap) return fail(ErrorKind::InvalidArgument, "unknown capability: \"{}\"", c);
  if (!capability_available(*cap))
    return fail(ErrorKind::NotSupported,
                "capability not supported by your kernel or not available in the current environment: \"{}\"", c);
  return c;
}

Result<RestartPolicy> parse_restart_policy(const std::string& value) {
  RestartPolicy p;
  if (value.empty()) return p;  // the CLI's "no policy given"
  size_t colon = value.find(':');
  p.name = value.substr(0, colon);
  if (colon != std::string::npos && p.name.empty())
    return fail(ErrorKind::InvalidArgument, "invalid restart policy format: no policy provided before colon");
  if (colon != std::string::npos && colon + 1 < value.size()) {
    auto n = parse_int(std::string_view(value).substr(colon + 1));
    if (!n || *n > INT32_MAX || *n < INT32_MIN)
      return fail(ErrorKind::InvalidArgument, "invalid restart policy format: maximum retry count must be an integer");
    p.max_retries = static_cast<int>(*n);
  }
  if (p.name == "always" || p.name == "unless-stopped" || p.name == "no") {
    if (p.max_retries != 0) {
      std::string msg = "invalid restart policy: maximum retry count can only be used with 'on-failure'";
      if (p.max_retries < 0) msg += " and cannot be negative";
      return fail(ErrorKind::InvalidArgument, "{}", msg);
    }
    return p;
  }
  if (p.name == "on-failure") {
    if (p.max_retries < 0)
      return fail(ErrorKind::InvalidArgument, "invalid restart policy: maximum retry count cannot be negative");
    return p;
  }
  return fail(ErrorKind::InvalidArgument,
              "invalid restart policy: unknown policy '{}'; use one of 'no', 'always', 'on-failure', or "
              "'unless-stopped'",
              p.name);
}

Result<Ulimit> parse_ulimit(const std::string& value) {
  size_t eq = value.find('=');
  if (eq == std::string::npos) return fail(ErrorKind::InvalidArgument, "invalid ulimit argument: {}", value);
  // "as" is left out, as go-units does: it breaks the way containers start.
  static const char* const kNames[] = {"core",  "cpu",   "data",   "fsize",  "locks",      "memlock", "msgqueue",
                                       "nice",  "nofile", "nproc", "rss",    "rtprio",     "rttime",  "sigpending",
                                       "stack"};
  Ulimit u;
  u.name = value.substr(0, eq);
  if (std::find(std::begin(kNames), std::end(kNames), u.name) == std::end(kNames))
    return fail(ErrorKind::InvalidArgument, "invalid ulimit type: {}", u.name);
  std::string limits = value.substr(eq + 1);
  auto parts = split(limits, ':');
  if (parts.size() > 2)
    return fail(ErrorKind::InvalidArgument,
                "too many limit value arguments - {}, can only have up to two, `soft[:hard]`", limits);
  TRY_ASSIGN(u.soft, parse_go_int(parts[0]));
  u.hard = u.soft;
  if (parts.size() == 2) {
    TRY_ASSIGN(u.hard, parse_go_int(parts[1]));
  }
  if (u.hard != -1) {
    if (u.soft == -1)
      return fail(ErrorKind::InvalidArgument,
                  "ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: {}", u.hard);
    if (u.soft > u.hard)
      return fail(ErrorKind::InvalidArgument, "ulimit soft limit must be less than or equal to hard limit: {} > {}",
                  u.soft, u.hard);
  }
  return u;
}

namespace {

// "r", "rw", "rwm" and any order, each letter at most once.
bool valid_device_mode(std::string_view mode) {
  if (mode.empty()) return false;
  bool seen[3] = {};
  for (char c : mode) {
    size_t i = std::string_view("rwm").find(c);
    if (i == std::string_view::npos || seen[i]) return false;
    seen[i] = true;
  }
  return true;
}

}  // namespace

Result<DeviceMapping> parse_device(const std::string& value) {
  // validateLinuxPath: [host-dir:]container-path[:mode], normalized.
  if (std::count(value.begin(), value.end(), ':') > 2)
    return fail(ErrorKind::InvalidArgument, "bad format for path: {}", value);
  auto parts = split(value, ':');
  if (parts[0].empty()) return fail(ErrorKind::InvalidArgument, "bad format for path: {}", value);
  std::string container_path;
  DeviceMapping d;
  switch (parts.size()) {
    case 1:
      container_path = parts[0];
      d.host_path = d.container_path = clean_path(parts[0]);
      break;
    case 2:
      if (valid_device_mode(parts[1])) {
        container_path = parts[0];
        d.host_path = d.container_path = clean_path(parts[0]);
        d.permissions = parts[1];
      } else {
        container_path = parts[1];
        d.host_path = parts[0];
        d.container_path = clean_path(parts[1]);
      }
      break;
    default:
      container_path = parts[1];
      if (!valid_device_mode(parts[2])) return fail(ErrorKind::InvalidArgument, "bad mode specified: {}", parts[2]);
      d.host_path = parts[0];
      d.container_path = parts[1];
      d.permissions = parts[2];
      break;
  }
  if (container_path.empty() || container_path[0] != '/')
    return fail(ErrorKind::InvalidArgument, "{} is not an absolute path", container_path);
  return d;
}

}  // namespace hako::engine
