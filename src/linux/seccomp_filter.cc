#include "linux/seccomp_filter.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <string_view>

#include "base/files.h"

namespace hako::linux {

namespace {

Result<uint32_t> parse_action(const std::string& name, std::optional<uint64_t> errno_ret, const std::string& where,
                              bool& uses_notify) {
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(static_cast<uint32_t>(errno_ret.value_or(EPERM)));
  if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(static_cast<uint32_t>(errno_ret.value_or(EPERM)));
  if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  if (name == "SCMP_ACT_NOTIFY") {
    uses_notify = true;
    return SCMP_ACT_NOTIFY;
  }
  return fail(ErrorKind::InvalidArgument, "{}: unknown seccomp action \"{}\"", where, name);
}

Result<uint32_t> parse_arch(const std::string& name) {
  static const std::pair<std::string_view, uint32_t> arches[] = {
      {"SCMP_ARCH_X86", SCMP_ARCH_X86},         {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
      {"SCMP_ARCH_X32", SCMP_ARCH_X32},         {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
      {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64}, {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
      {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},   {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
      {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},   {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
      {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32}, {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
      {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},     {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
      {"SCMP_ARCH_S390", SCMP_ARCH_S390},       {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
      {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},   {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
      {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
  };
  for (auto [n, v] : arches)
    if (n == name) return v;
  return fail(ErrorKind::InvalidArgument, "linux.seccomp.architectures: unknown architecture \"{}\"", name);
}

Result<scmp_compare> parse_op(const std::string& op, const std::string& where) {
  static const std::pair<std::string_view, scmp_compare> ops[] = {
      {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
      {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
      {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
  for (auto [n, v] : ops)
    if (n == op) return v;
  return fail(ErrorKind::InvalidArgument, "{}: unknown seccomp operator \"{}\"", where, op);
}

}  // namespace

SeccompFilter::~SeccompFilter() {
  if (ctx_) seccomp_release(static_cast<scmp_filter_ctx>(ctx_));
}

Result<std::unique_ptr<SeccompFilter>> SeccompFilter::compile(const Json& profile) {
  if (profile.is_null()) return std::unique_ptr<SeccompFilter>();
  TRY_ASSIGN(auto o, JsonObject::of(profile, "linux.seccomp"));
  std::unique_ptr<SeccompFilter> f(new SeccompFilter());
  TRY_ASSIGN(auto default_action, o.string("defaultAction"));
  TRY_ASSIGN(auto default_errno, o.opt_uint("defaultErrnoRet"));
  TRY_ASSIGN(uint32_t def, parse_action(default_action, default_errno, "linux.seccomp.defaultAction", f->uses_notify_));
  if (f->uses_notify_)
    return fail(ErrorKind::InvalidArgument, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
  auto* ctx = seccomp_init(def);
  if (!ctx) return fail(ErrorKind::Internal, "seccomp_init failed");
  f->ctx_ = ctx;
  // The kernel's own errno for syscalls libseccomp does not know here.
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
  TRY_ASSIGN(auto arches, o.strings("architectures"));
  for (const auto& a : arches) {
    TRY_ASSIGN(uint32_t arch, parse_arch(a));
    int r = seccomp_arch_add(ctx, arch);
    if (r < 0 && r != -EEXIST) return fail_sys(fmt::format("linux.seccomp.architectures: adding {}", a), -r);
  }
  TRY_ASSIGN(auto flags, o.strings("flags"));
  for (const auto& fl : flags) {
    int r = 0;
    if (fl == "SECCOMP_FILTER_FLAG_TSYNC") {
      r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
      f->kernel_flags_ |= SECCOMP_FILTER_FLAG_TSYNC;
    } else if (fl == "SECCOMP_FILTER_FLAG_LOG") {
      r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
      f->kernel_flags_ |= SECCOMP_FILTER_FLAG_LOG;
    } else if (fl == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") {
      r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1);
      f->kernel_flags_ |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    } else return fail(ErrorKind::InvalidArgument, "linux.seccomp.flags: unknown flag \"{}\"", fl);
    if (r < 0) return fail_sys(fmt::format("linux.seccomp.flags: {}", fl), -r);
  }
  TRY_ASSIGN(auto listener, o.opt_string("listenerPath"));
  f->listener_path_ = listener.value_or("");
  TRY_ASSIGN(auto metadata, o.opt_string("listenerMetadata"));
  f->listener_metadata_ = metadata.value_or("");

  TRY_ASSIGN(auto rules, o.objects("syscalls"));
  for (const auto& rule : rules) {
    TRY_ASSIGN(auto names, rule.strings("names"));
    TRY_ASSIGN(auto action_name, rule.string("action"));
    TRY_ASSIGN(auto errno_ret, rule.opt_uint("errnoRet"));
    TRY_ASSIGN(uint32_t action, parse_action(action_name, errno_ret, rule.child_path("action"), f->uses_notify_));
    std::vector<scmp_arg_cmp> cmps;
    TRY_ASSIGN(auto args, rule.objects("args"));
    for (const auto& a : args) {
      TRY_ASSIGN(auto index, a.opt_uint("index"));
      TRY_ASSIGN(auto value, a.opt_uint("value"));
      TRY_ASSIGN(auto value_two, a.opt_uint("valueTwo"));
      TRY_ASSIGN(auto op_name, a.string("op"));
      TRY_ASSIGN(auto op, parse_op(op_name, a.child_path("op")));
      if (!index || *index > 5) return fail(ErrorKind::InvalidArgument, "{}: index must be 0..5", a.child_path("index"));
      cmps.push_back({static_cast<unsigned>(*index), op, value.value_or(0), value_two.value_or(0)});
    }
    // A rule whose action is the default one is a no-op; libseccomp refuses it.
    if (action == def) continue;
    for (const auto& name : names) {
      int nr = seccomp_syscall_resolve_name(name.c_str());
      if (nr == __NR_SCMP_ERROR) continue;  // unknown on this kernel/arch: skip, as runc does
      int r = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(cmps.size()), cmps.data());
      if (r < 0) return fail_sys(fmt::format("{}: adding rule for {}", rule.path(), name), -r);
    }
  }
  if (f->uses_notify_ && f->listener_path_.empty())
    return fail(ErrorKind::InvalidArgument, "linux.seccomp.listenerPath: required when an action is SCMP_ACT_NOTIFY");
  if (!f->uses_notify_) TRY(f->generate_program());
  return f;
}

namespace {

constexpr char kCacheMagic[8] = {'h', 'k', 'b', 'p', 'f', '0', '0', '1'};

// Entry layout: magic, u32 flags, u32 text length, text, u32 instruction
// count, instructions.
std::string cache_entry(const std::string& text, unsigned flags, const std::vector<sock_filter>& program) {
  std::string out(kCacheMagic, sizeof kCacheMagic);
  auto put32 = [&](uint32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put32(flags);
  put32(static_cast<uint32_t>(text.size()));
  out += text;
  put32(static_cast<uint32_t>(program.size()));
  out.append(reinterpret_cast<const char*>(program.data()), program.size() * sizeof(sock_filter));
  return out;
}

// The program an entry holds for exactly `text`, or nothing.
bool parse_entry(const std::string& entry, const std::string& text, unsigned& flags, std::vector<sock_filter>& program) {
  size_t at = 0;
  auto get32 = [&](uint32_t& v) {
    if (entry.size() - at < sizeof v) return false;
    std::memcpy(&v, entry.data() + at, sizeof v);
    at += sizeof v;
    return true;
  };
  if (entry.size() < sizeof kCacheMagic || std::memcmp(entry.data(), kCacheMagic, sizeof kCacheMagic) != 0) return false;
  at = sizeof kCacheMagic;
  uint32_t f, len, count;
  if (!get32(f) || !get32(len) || entry.size() - at < len || entry.compare(at, len, text) != 0) return false;
  at += len;
  if (!get32(count) || count == 0 || count > BPF_MAXINSNS || entry.size() - at != count * sizeof(sock_filter)) return false;
  program.resize(count);
  std::memcpy(program.data(), entry.data() + at, count * sizeof(sock_filter));
  flags = f;
  return true;
}

}  // namespace

Result<std::unique_ptr<SeccompFilter>> SeccompFilter::compile_cached(const Json& profile, const std::string& cache_dir) {
  if (profile.is_null()) return std::unique_ptr<SeccompFilter>();
  std::string text = profile.dump();
  std::string path = fmt::format("{}/{:016x}.bpf", cache_dir, std::hash<std::string>{}(text));
  if (auto entry = read_file(path)) {
    std::unique_ptr<SeccompFilter> f(new SeccompFilter());
    if (parse_entry(*entry, text, f->kernel_flags_, f->program_)) return f;
  }
  TRY_ASSIGN(auto f, compile(profile));
  if (f && !f->uses_notify_ && make_dirs(cache_dir, 0700))
    (void)write_file_atomic(path, cache_entry(text, f->kernel_flags_, f->program_), 0600);
  return f;
}

// libseccomp generates the BPF program when it loads the filter, which took
// several ms inside every container's init (on the start's critical path,
// and again in every exec). Generated here once, in the runtime, the child
// only hands the finished program to the kernel.
Result<> SeccompFilter::generate_program() {
  UniqueFd fd(static_cast<int>(::syscall(SYS_memfd_create, "seccomp-bpf", MFD_CLOEXEC)));
  if (!fd) return fail_sys("memfd_create");
  int r = seccomp_export_bpf(static_cast<scmp_filter_ctx>(ctx_), fd.get());
  if (r < 0) return fail_sys("generating the seccomp program", -r);
  off_t size = ::lseek(fd.get(), 0, SEEK_END);
  if (size <= 0 || size % sizeof(sock_filter) != 0)
    return fail(ErrorKind::Internal, "seccomp program of {} bytes", static_cast<long long>(size));
  program_.resize(static_cast<size_t>(size) / sizeof(sock_filter));
  if (::pread(fd.get(), program_.data(), static_cast<size_t>(size), 0) != size) return fail_sys("reading the seccomp program");
  return {};
}

Result<UniqueFd> SeccompFilter::load() const {
  if (!program_.empty()) {
    sock_fprog prog{static_cast<unsigned short>(program_.size()), const_cast<sock_filter*>(program_.data())};
    if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, kernel_flags_, &prog) < 0)
      return fail_sys("loading the seccomp filter");
    return UniqueFd();
  }
  auto* ctx = static_cast<scmp_filter_ctx>(ctx_);
  int r = seccomp_load(ctx);
  if (r < 0) return fail_sys("loading the seccomp filter", -r);
  if (!uses_notify_) return UniqueFd();
  int fd = seccomp_notify_fd(ctx);
  if (fd < 0) return fail_sys("getting the seccomp notify fd", -fd);
  return UniqueFd(fd);
}

}  // namespace hako::linux
