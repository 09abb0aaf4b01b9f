#include "engine/spec/seccomp.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "engine/spec/spec_builder.h"
#include "linux/seccomp_filter.h"

namespace hako::engine {
namespace {

SeccompHost amd64(int kernel = 6, int major = 1) { return SeccompHost{"amd64", kernel, major}; }

// The rules naming `syscall`, in order.
std::vector<Json> rules_for(const Json& spec, const std::string& syscall) {
  std::vector<Json> out;
  for (const auto& r : spec["syscalls"]) {
    const auto& names = r["names"];
    if (std::find(names.begin(), names.end(), syscall) != names.end()) out.push_back(r);
  }
  return out;
}

bool allowed(const Json& spec, const std::string& syscall) {
  for (const auto& r : rules_for(spec, syscall))
    if (r["action"] == "SCMP_ACT_ALLOW" && !r.contains("args")) return true;
  return false;
}

TEST(SeccompDefault, DockerShape) {
  const Json& p = docker_default_seccomp_profile();
  EXPECT_EQ(p["defaultAction"], "SCMP_ACT_ERRNO");
  EXPECT_EQ(p["defaultErrnoRet"], 1);
  EXPECT_EQ(p["archMap"].size(), 9u);
  EXPECT_EQ(p["syscalls"].size(), 33u);
  EXPECT_EQ(p["syscalls"][0]["names"].size(), 361u);
}

TEST(SeccompDefault, DefaultCapabilities) {
  auto spec = convert_seccomp_profile(docker_default_seccomp_profile(), default_capabilities(), amd64());
  ASSERT_TRUE(spec) << spec.error().message();
  const Json& s = *spec;
  EXPECT_EQ(s["defaultAction"], "SCMP_ACT_ERRNO");
  EXPECT_EQ(s["defaultErrnoRet"], 1);
  EXPECT_EQ(s["architectures"], Json({"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}));
  EXPECT_TRUE(allowed(s, "read"));
  EXPECT_TRUE(allowed(s, "arch_prctl"));  // amd64 only
  EXPECT_TRUE(allowed(s, "modify_ldt"));
  EXPECT_FALSE(allowed(s, "cacheflush"));  // arm only
  EXPECT_TRUE(allowed(s, "chroot"));       // CAP_SYS_CHROOT is a default capability
  EXPECT_TRUE(allowed(s, "ptrace"));       // kernel >= 4.8
  EXPECT_FALSE(allowed(s, "mount"));       // needs CAP_SYS_ADMIN
  EXPECT_FALSE(allowed(s, "reboot"));
  EXPECT_FALSE(allowed(s, "bpf"));
  // clone: only without namespace flags; clone3: ENOSYS.
  auto clone = rules_for(s, "clone");
  ASSERT_EQ(clone.size(), 1u);
  EXPECT_EQ(clone[0]["args"], Json::parse(R"([{"index":0,"value":2114060288,"op":"SCMP_CMP_MASKED_EQ"}])"));
  auto clone3 = rules_for(s, "clone3");
  ASSERT_EQ(clone3.size(), 1u);
  EXPECT_EQ(clone3[0]["action"], "SCMP_ACT_ERRNO");
  EXPECT_EQ(clone3[0]["errnoRet"], 38);
  // personality: the five values Docker allows.
  auto personality = rules_for(s, "personality");
  ASSERT_EQ(personality.size(), 5u);
  EXPECT_EQ(personality[4]["args"][0]["value"], 4294967295ULL);
  EXPECT_EQ(rules_for(s, "socket").size(), 3u);
  for (const auto& r : s["syscalls"]) {
    EXPECT_FALSE(r.contains("includes"));
    EXPECT_FALSE(r.contains("excludes"));
    EXPECT_FALSE(r.contains("comment"));
  }
}

TEST(SeccompDefault, CapabilityConditionalRules) {
  auto caps = default_capabilities();
  caps.push_back("CAP_SYS_ADMIN");
  caps.push_back("CAP_SYS_PTRACE");
  auto spec = convert_seccomp_profile(docker_default_seccomp_profile(), caps, amd64());
  ASSERT_TRUE(spec);
  EXPECT_TRUE(allowed(*spec, "mount"));
  EXPECT_TRUE(allowed(*spec, "clone"));  // unconditional with CAP_SYS_ADMIN
  EXPECT_TRUE(allowed(*spec, "clone3"));
  EXPECT_EQ(rules_for(*spec, "clone").size(), 1u);   // the flag filter is excluded
  EXPECT_EQ(rules_for(*spec, "clone3").size(), 1u);  // no ENOSYS rule
  EXPECT_TRUE(allowed(*spec, "kcmp"));
}

TEST(SeccompDefault, ArchAndKernel) {
  auto arm = convert_seccomp_profile(docker_default_seccomp_profile(), default_capabilities(),
                                     SeccompHost{"arm64", 6, 1});
  ASSERT_TRUE(arm);
  EXPECT_EQ((*arm)["architectures"], Json({"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}));
  EXPECT_TRUE(allowed(*arm, "cacheflush"));
  EXPECT_FALSE(allowed(*arm, "arch_prctl"));
  auto s390 = convert_seccomp_profile(docker_default_seccomp_profile(), default_capabilities(),
                                      SeccompHost{"s390x", 6, 1});
  ASSERT_TRUE(s390);
  auto clone = rules_for(*s390, "clone");
  ASSERT_EQ(clone.size(), 1u);
  EXPECT_EQ(clone[0]["args"][0]["index"], 1);  // s390 puts the flags second
  auto old = convert_seccomp_profile(docker_default_seccomp_profile(), default_capabilities(), amd64(4, 4));
  ASSERT_TRUE(old);
  EXPECT_FALSE(allowed(*old, "ptrace"));  // minKernel 4.8
}

TEST(SeccompDefault, CompilesWithLibseccomp) {
  auto spec = convert_seccomp_profile(docker_default_seccomp_profile(), default_capabilities(), SeccompHost::current());
  ASSERT_TRUE(spec);
  auto filter = linux::SeccompFilter::compile(*spec);
  ASSERT_TRUE(filter) << filter.error().message();
  EXPECT_TRUE(*filter);
}

TEST(SeccompCustom, ConvertsDockerFormat) {
  const char* text = R"({
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64"],
    "flags": ["SECCOMP_FILTER_FLAG_LOG"],
    "syscalls": [
      {"name": "chmod", "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "comment": "old form"},
      {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO",
       "args": [{"index": 1, "value": 511, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]},
      {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
      {"names": ["tkill"], "action": "SCMP_ACT_ERRNO", "excludes": {"caps": ["CAP_KILL"]}},
      {"names": ["uname"], "action": "SCMP_ACT_ERRNO", "excludes": {"minKernel": "3.0"}},
      {"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "includes": {"arches": ["ppc64le"]}}
    ]})";
  auto spec = load_seccomp_profile(text, default_capabilities(), amd64());
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_EQ(*spec, Json::parse(R"({
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64"],
    "flags": ["SECCOMP_FILTER_FLAG_LOG"],
    "syscalls": [
      {"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
      {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": 511, "op": "SCMP_CMP_EQ"}]}
    ]})"));
  auto filter = linux::SeccompFilter::compile(*spec);
  EXPECT_TRUE(filter) << filter.error().message();
}

TEST(SeccompCustom, Errors) {
  auto caps = default_capabilities();
  auto e = [&](const char* text) {
    auto r = load_seccomp_profile(text, caps, amd64());
    return r ? std::string("(ok)") : r.error().message();
  };
  EXPECT_EQ(e(R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86"],"archMap":[{"architecture":"SCMP_ARCH_X86"}]})"),
            "Decoding seccomp profile failed: both 'architectures' and 'archMap' are specified in the seccomp "
            "profile, use either 'architectures' or 'archMap'");
  EXPECT_EQ(e(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"name":"a","names":["b"],"action":"SCMP_ACT_ERRNO"}]})"),
            "Decoding seccomp profile failed: both 'name' and 'names' are specified in the seccomp profile, use "
            "either 'name' or 'names'");
  EXPECT_EQ(e(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["a"],"action":"SCMP_ACT_ERRNO","includes":{"minKernel":"4"}}]})"),
            "Decoding seccomp profile failed: invalid kernel version: \"4\", expected \"<kernel>.<major>\"");
  EXPECT_TRUE(e("{nope").starts_with("Decoding seccomp profile failed: seccomp profile: malformed JSON"));
  EXPECT_EQ(e(R"({"defaultAction": 3})"),
            "Decoding seccomp profile failed: seccomp profile.defaultAction: expected a string, got number");
  auto off = load_seccomp_profile("{}", caps, amd64());
  ASSERT_TRUE(off);
  EXPECT_TRUE(off->is_null());  // no default action, no rules: no seccomp
}

TEST(KernelVersion, Parse) {
  EXPECT_EQ(*parse_kernel_version("4.8"), std::pair(4, 8));
  EXPECT_FALSE(parse_kernel_version("4.8.1"));
  EXPECT_FALSE(parse_kernel_version("0.0"));
  EXPECT_FALSE(parse_kernel_version("a.b"));
}

}  // namespace
}  // namespace hako::engine
