#include "cgroups/v2/device_filter.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

namespace hako::cgroups::v2 {

namespace {

// Registers: r1 = context on entry; we keep type in r2, access in r3,
// major in r4, minor in r5, and use r1 as scratch once loaded.
constexpr uint8_t kLdxW = BPF_LDX | BPF_MEM | BPF_W;
constexpr uint8_t kAnd32 = BPF_ALU | BPF_AND | BPF_K;
constexpr uint8_t kRsh32 = BPF_ALU | BPF_RSH | BPF_K;
constexpr uint8_t kMovReg = BPF_ALU64 | BPF_MOV | BPF_X;
constexpr uint8_t kMovImm = BPF_ALU64 | BPF_MOV | BPF_K;
constexpr uint8_t kJneImm = BPF_JMP | BPF_JNE | BPF_K;
constexpr uint8_t kExit = BPF_JMP | BPF_EXIT;

BpfInsn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  return BpfInsn{code, static_cast<uint8_t>(dst | (src << 4)), off, imm};
}

int32_t access_mask(const std::string& access) {
  int32_t m = 0;
  for (char c : access) {
    if (c == 'm') m |= BPF_DEVCG_ACC_MKNOD;
    if (c == 'r') m |= BPF_DEVCG_ACC_READ;
    if (c == 'w') m |= BPF_DEVCG_ACC_WRITE;
  }
  return m;
}

// One rule: a run of "if it does not match, skip to the next rule" tests,
// then "return allow". Jump offsets count the instructions still to come.
// Returns false when the rule matches every access: rules after it in the
// program could never run, and the verifier rejects unreachable code.
bool emit_rule(std::vector<BpfInsn>& out, const DeviceRule& r) {
  std::vector<BpfInsn> tests;
  if (r.type != 'a') tests.push_back(insn(kJneImm, 2, 0, 0, r.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
  int32_t mask = access_mask(r.access);
  if (mask != (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)) {
    // Every requested access bit must be one the rule names.
    tests.push_back(insn(kMovReg, 1, 3, 0, 0));
    tests.push_back(insn(kAnd32, 1, 0, 0, ~mask));
    tests.push_back(insn(kJneImm, 1, 0, 0, 0));
  }
  if (r.major && *r.major >= 0) tests.push_back(insn(kJneImm, 4, 0, 0, static_cast<int32_t>(*r.major)));
  if (r.minor && *r.minor >= 0) tests.push_back(insn(kJneImm, 5, 0, 0, static_cast<int32_t>(*r.minor)));
  const int16_t tail = 2;  // mov r0, allow; exit
  for (size_t i = 0; i < tests.size(); ++i) {
    if (tests[i].code == kJneImm) tests[i].off = static_cast<int16_t>(tests.size() - i - 1 + tail);
    out.push_back(tests[i]);
  }
  out.push_back(insn(kMovImm, 0, 0, 0, r.allow ? 1 : 0));
  out.push_back(insn(kExit, 0, 0, 0, 0));
  return !tests.empty();
}

long bpf(int cmd, union bpf_attr& attr) { return ::syscall(SYS_bpf, cmd, &attr, sizeof attr); }

}  // namespace

std::vector<BpfInsn> compile_device_filter(const std::vector<DeviceRule>& rules) {
  std::vector<DeviceRule> all = rules;
  const auto& defaults = default_device_rules();
  all.insert(all.end(), defaults.begin(), defaults.end());
  std::vector<BpfInsn> out = {
      insn(kLdxW, 2, 1, 0, 0),   // r2 = access_type
      insn(kAnd32, 2, 0, 0, 0xFFFF),  // r2 = device type
      insn(kLdxW, 3, 1, 0, 0),   // r3 = access_type
      insn(kRsh32, 3, 0, 0, 16),  // r3 = access
      insn(kLdxW, 4, 1, 4, 0),   // r4 = major
      insn(kLdxW, 5, 1, 8, 0),   // r5 = minor
  };
  // The last matching rule decides, so test rules from the last one back.
  for (auto it = all.rbegin(); it != all.rend(); ++it)
    if (!emit_rule(out, *it)) return out;
  out.push_back(insn(kMovImm, 0, 0, 0, 0));  // nothing matched: deny
  out.push_back(insn(kExit, 0, 0, 0, 0));
  return out;
}

Result<> attach_device_filter(const std::string& dir, const std::vector<BpfInsn>& program) {
  UniqueFd cgroup(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cgroup) return fail_sys(fmt::format("open cgroup {}", dir));

  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  static const char license[] = "Apache-2.0";
  std::string log(64 * 1024, '\0');
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = reinterpret_cast<uint64_t>(program.data());
  attr.insn_cnt = static_cast<uint32_t>(program.size());
  attr.license = reinterpret_cast<uint64_t>(license);
  attr.log_buf = reinterpret_cast<uint64_t>(log.data());
  attr.log_size = static_cast<uint32_t>(log.size());
  attr.log_level = 1;
  UniqueFd prog(static_cast<int>(bpf(BPF_PROG_LOAD, attr)));
  if (!prog) {
    int err = errno;
    return fail_sys(fmt::format("loading the device filter (verifier: {})", std::string(log.c_str()).substr(0, 400)), err);
  }

  // Programs attached earlier (a previous `update`): detach after attaching
  // the new one, so there is never a moment without a filter.
  uint32_t ids[64];
  std::memset(&attr, 0, sizeof attr);
  attr.query.target_fd = static_cast<uint32_t>(cgroup.get());
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = reinterpret_cast<uint64_t>(ids);
  attr.query.prog_cnt = 64;
  uint32_t old_count = bpf(BPF_PROG_QUERY, attr) == 0 ? attr.query.prog_cnt : 0;

  std::memset(&attr, 0, sizeof attr);
  attr.target_fd = static_cast<uint32_t>(cgroup.get());
  attr.attach_bpf_fd = static_cast<uint32_t>(prog.get());
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf(BPF_PROG_ATTACH, attr) < 0) return fail_sys(fmt::format("attaching the device filter to {}", dir));

  for (uint32_t i = 0; i < old_count; ++i) {
    std::memset(&attr, 0, sizeof attr);
    attr.prog_id = ids[i];
    UniqueFd old(static_cast<int>(bpf(BPF_PROG_GET_FD_BY_ID, attr)));
    if (!old) continue;
    std::memset(&attr, 0, sizeof attr);
    attr.target_fd = static_cast<uint32_t>(cgroup.get());
    attr.attach_bpf_fd = static_cast<uint32_t>(old.get());
    attr.attach_type = BPF_CGROUP_DEVICE;
    (void)bpf(BPF_PROG_DETACH, attr);
  }
  return {};
}

}  // namespace hako::cgroups::v2
