// Docker-format seccomp profile -> runtime-spec linux.seccomp, following
// moby/profiles' setupSeccomp: pick the native architecture's archMap entry,
// then keep each rule whose includes all hold and whose excludes do not.
#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>

#include "engine/spec/seccomp.h"

namespace hako::engine {

namespace {

// Go's runtime arch as libseccomp names it (moby's goToNative), and the
// SCMP_ARCH of that name (nativeToSeccomp).
const char* build_arch() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#elif defined(__i386__)
  return "x86";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "ppc64le";
#elif defined(__powerpc64__)
  return "ppc64";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#elif defined(__loongarch64)
  return "loong64";
#else
  return "";
#endif
}

std::string scmp_arch_of(const std::string& native) {
  static const std::pair<const char*, const char*> map[] = {
      {"x86", "SCMP_ARCH_X86"},         {"amd64", "SCMP_ARCH_X86_64"},     {"arm", "SCMP_ARCH_ARM"},
      {"arm64", "SCMP_ARCH_AARCH64"},   {"loong64", "SCMP_ARCH_LOONGARCH64"}, {"mips64", "SCMP_ARCH_MIPS64"},
      {"mips64n32", "SCMP_ARCH_MIPS64N32"}, {"mipsel64", "SCMP_ARCH_MIPSEL64"}, {"mipsle", "SCMP_ARCH_MIPSEL"},
      {"ppc", "SCMP_ARCH_PPC"},         {"ppc64", "SCMP_ARCH_PPC64"},      {"ppc64le", "SCMP_ARCH_PPC64LE"},
      {"riscv64", "SCMP_ARCH_RISCV64"}, {"s390", "SCMP_ARCH_S390"},        {"s390x", "SCMP_ARCH_S390X"}};
  for (auto [n, a] : map)
    if (native == n) return a;
  return "";
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

struct Filter {
  std::vector<std::string> caps, arches;
  std::optional<std::pair<int, int>> min_kernel;
};

Result<std::optional<Filter>> parse_filter(const JsonObject& rule, const char* key) {
  TRY_ASSIGN(auto o, rule.opt_object(key));
  if (!o) return std::optional<Filter>();
  Filter f;
  TRY_ASSIGN(f.caps, o->strings("caps"));
  TRY_ASSIGN(f.arches, o->strings("arches"));
  TRY_ASSIGN(auto min_kernel, o->opt_string("minKernel"));
  if (min_kernel && !min_kernel->empty()) {
    TRY_ASSIGN(f.min_kernel, parse_kernel_version(*min_kernel));
  }
  return std::optional<Filter>(std::move(f));
}

bool kernel_at_least(const SeccompHost& host, std::pair<int, int> v) {
  return host.kernel > v.first || (host.kernel == v.first && host.major >= v.second);
}

// The runtime-spec fields of one rule, copied from the Docker rule.
Result<Json> rule_to_spec(const JsonObject& rule, std::vector<std::string> names) {
  Json out = {{"names", std::move(names)}};
  TRY_ASSIGN(out["action"], rule.string("action"));
  TRY_ASSIGN(auto errno_ret, rule.opt_uint("errnoRet"));
  if (errno_ret) out["errnoRet"] = *errno_ret;
  TRY_ASSIGN(auto args, rule.objects("args"));
  if (!args.empty()) {
    Json list = Json::array();
    for (const auto& a : args) {
      Json arg = Json::object();
      TRY_ASSIGN(auto index, a.opt_uint("index"));
      TRY_ASSIGN(auto value, a.opt_uint("value"));
      TRY_ASSIGN(auto value_two, a.opt_uint("valueTwo"));
      TRY_ASSIGN(auto op, a.string("op"));
      arg["index"] = index.value_or(0);
      arg["value"] = value.value_or(0);
      if (value_two.value_or(0) != 0) arg["valueTwo"] = *value_two;
      arg["op"] = op;
      list.push_back(std::move(arg));
    }
    out["args"] = std::move(list);
  }
  return out;
}

}  // namespace

SeccompHost SeccompHost::current() {
  SeccompHost h;
  h.arch = build_arch();
  struct utsname u {};
  if (::uname(&u) == 0) std::sscanf(u.release, "%d.%d", &h.kernel, &h.major);
  return h;
}

Result<std::pair<int, int>> parse_kernel_version(std::string_view v) {
  auto bad = [&](std::string_view why) {
    return fail(ErrorKind::InvalidArgument, "invalid kernel version: \"{}\", expected \"<kernel>.<major>\"{}", v, why);
  };
  size_t dot = v.find('.');
  if (dot == std::string_view::npos || v.find('.', dot + 1) != std::string_view::npos) return bad("");
  auto num = [](std::string_view s) -> std::optional<int> {
    if (s.empty() || s.size() > 3 || s.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
    int n = std::stoi(std::string(s));
    if (n > 255) return std::nullopt;
    return n;
  };
  auto kernel = num(v.substr(0, dot));
  auto major = num(v.substr(dot + 1));
  if (!kernel || !major) return bad(": invalid number");
  if (*kernel == 0 && *major == 0) return bad(": version cannot be 0.0");
  return std::pair{*kernel, *major};
}

Result<Json> convert_seccomp_profile(const Json& profile, const std::vector<std::string>& bounding_caps,
                                     const SeccompHost& host) {
  TRY_ASSIGN(auto o, JsonObject::of(profile, "seccomp profile"));
  TRY_ASSIGN(auto default_action, o.opt_string("defaultAction"));
  TRY_ASSIGN(auto rules, o.objects("syscalls"));
  if (default_action.value_or("").empty() && rules.empty()) return Json();  // seccomp disabled
  TRY_ASSIGN(auto architectures, o.strings("architectures"));
  TRY_ASSIGN(auto arch_map, o.objects("archMap"));
  if (!architectures.empty() && !arch_map.empty())
    return fail(ErrorKind::InvalidArgument,
                "both 'architectures' and 'archMap' are specified in the seccomp profile, use either "
                "'architectures' or 'archMap'");

  Json out = {{"defaultAction", default_action.value_or("")}};
  TRY_ASSIGN(auto default_errno, o.opt_uint("defaultErrnoRet"));
  if (default_errno) out["defaultErrnoRet"] = *default_errno;
  std::string native = scmp_arch_of(host.arch);
  for (const auto& entry : arch_map) {
    TRY_ASSIGN(auto arch, entry.string("architecture"));
    if (native.empty() || arch != native) continue;
    TRY_ASSIGN(auto subs, entry.strings("subArchitectures"));
    architectures.push_back(arch);
    architectures.insert(architectures.end(), subs.begin(), subs.end());
    break;
  }
  if (!architectures.empty()) out["architectures"] = architectures;
  TRY_ASSIGN(auto flags, o.strings("flags"));
  if (!flags.empty()) out["flags"] = flags;
  for (const char* key : {"listenerPath", "listenerMetadata"}) {
    TRY_ASSIGN(auto v, o.opt_string(key));
    if (v && !v->empty()) out[key] = *v;
  }

  Json syscalls = Json::array();
  for (const auto& rule : rules) {
    TRY_ASSIGN(auto names, rule.strings("names"));
    TRY_ASSIGN(auto name, rule.opt_string("name"));
    if (name && !name->empty()) {
      if (!names.empty())
        return fail(ErrorKind::InvalidArgument,
                    "both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'");
      names = {*name};
    }
    TRY_ASSIGN(auto excludes, parse_filter(rule, "excludes"));
    TRY_ASSIGN(auto includes, parse_filter(rule, "includes"));
    if (excludes) {
      if (contains(excludes->arches, host.arch)) continue;
      if (std::any_of(excludes->caps.begin(), excludes->caps.end(),
                      [&](const std::string& c) { return contains(bounding_caps, c); }))
        continue;
      if (excludes->min_kernel && kernel_at_least(host, *excludes->min_kernel)) continue;
    }
    if (includes) {
      if (!includes->arches.empty() && !contains(includes->arches, host.arch)) continue;
      if (!std::all_of(includes->caps.begin(), includes->caps.end(),
                       [&](const std::string& c) { return contains(bounding_caps, c); }))
        continue;
      if (includes->min_kernel && !kernel_at_least(host, *includes->min_kernel)) continue;
    }
    TRY_ASSIGN(auto spec_rule, rule_to_spec(rule, std::move(names)));
    syscalls.push_back(std::move(spec_rule));
  }
  if (!syscalls.empty()) out["syscalls"] = std::move(syscalls);
  return out;
}

Result<Json> load_seccomp_profile(std::string_view text, const std::vector<std::string>& bounding_caps,
                                  const SeccompHost& host) {
  auto doc = parse_json(text, "seccomp profile");
  if (!doc) return std::unexpected(doc.error().context("Decoding seccomp profile failed"));
  auto spec = convert_seccomp_profile(*doc, bounding_caps, host);
  if (!spec) return std::unexpected(spec.error().context("Decoding seccomp profile failed"));
  return spec;
}

}  // namespace hako::engine
