#include "linux/capabilities.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>

#include "base/files.h"
#include "base/strings.h"

namespace hako::linux {

namespace {
constexpr std::array<std::string_view, 41> kNames = {
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
    "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
    "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
    "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
    "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
    "CHECKPOINT_RESTORE"};
}  // namespace

std::optional<int> capability_from_name(std::string_view name) {
  if (name.starts_with("CAP_")) name.remove_prefix(4);
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<int>(i);
  return std::nullopt;
}

std::string capability_name(int cap) {
  if (cap >= 0 && static_cast<size_t>(cap) < kNames.size()) return "CAP_" + std::string(kNames[cap]);
  return fmt::format("CAP_{}", cap);
}

int last_capability() {
  static int last = [] {
    auto text = read_file("/proc/sys/kernel/cap_last_cap");
    if (!text) return static_cast<int>(kNames.size()) - 1;
    return static_cast<int>(parse_int(trim(*text)).value_or(kNames.size() - 1));
  }();
  return last;
}

CapabilitySets resolve_capabilities(const oci::Capabilities& caps, std::vector<std::string>* unknown) {
  CapabilitySets s;
  auto fill = [&](const std::vector<std::string>& names, uint64_t& mask) {
    for (const auto& n : names) {
      auto c = capability_from_name(n);
      if (!c || *c > last_capability()) {
        if (unknown) unknown->push_back(n);
        continue;
      }
      mask |= 1ULL << *c;
    }
  };
  fill(caps.bounding, s.bounding);
  fill(caps.effective, s.effective);
  fill(caps.inheritable, s.inheritable);
  fill(caps.permitted, s.permitted);
  fill(caps.ambient, s.ambient);
  return s;
}

Result<> drop_bounding_set(const CapabilitySets& sets) {
  for (int c = 0; c <= last_capability(); ++c) {
    if (sets.bounding & (1ULL << c)) continue;
    if (::prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
      return fail_sys(fmt::format("dropping {} from the bounding set", capability_name(c)));
  }
  return {};
}

Result<> keep_capabilities_across_setuid() {
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return fail_sys("prctl(PR_SET_KEEPCAPS)");
  return {};
}

Result<> apply_capabilities(const CapabilitySets& sets) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  for (int i = 0; i < 2; ++i) {
    data[i].effective = static_cast<uint32_t>(sets.effective >> (32 * i));
    data[i].permitted = static_cast<uint32_t>(sets.permitted >> (32 * i));
    data[i].inheritable = static_cast<uint32_t>(sets.inheritable >> (32 * i));
  }
  if (::syscall(SYS_capset, &header, data) < 0) return fail_sys("capset");
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return fail_sys("clearing the ambient capability set");
  for (int c = 0; c <= last_capability(); ++c) {
    if (!(sets.ambient & (1ULL << c))) continue;
    // The kernel refuses an ambient capability missing from the permitted or
    // inheritable set; runc ignores those, and so do we.
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0 && errno != EPERM)
      return fail_sys(fmt::format("raising ambient {}", capability_name(c)));
  }
  return {};
}

}  // namespace hako::linux
