#include "oci/spec.h"

#include <gtest/gtest.h>

namespace hako::oci {

static Result<Spec> parse(const char* text) {
  auto j = parse_json(text, "config.json");
  if (!j) return std::unexpected(j.error());
  auto s = parse_spec(*j);
  if (!s) return s;
  TRY(validate_spec(*s));
  return s;
}

TEST(Spec, DefaultSpecParsesAndValidates) {
  auto s = parse_spec(default_spec(false));
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_TRUE(validate_spec(*s));
  EXPECT_EQ(s->process->args, std::vector<std::string>{"sh"});
  EXPECT_TRUE(s->has_namespace(NamespaceType::Pid));
  auto r = parse_spec(default_spec(true));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(validate_spec(*r));
  EXPECT_TRUE(r->has_namespace(NamespaceType::User));
  EXPECT_FALSE(r->has_namespace(NamespaceType::Network));
}

TEST(Spec, MalformedJsonNamesTheFile) {
  auto s = parse("{\"ociVersion\": ");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("config.json: malformed JSON"), std::string::npos);
}

TEST(Spec, WrongTypeNamesTheField) {
  auto s = parse(R"({"ociVersion":"1.0.0","root":{"path":"r"},"process":{"cwd":"/","user":{"uid":0,"gid":0},"args":"sh"}})");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message(), "process.args: expected an array of strings, got string");
}

TEST(Spec, MissingOciVersion) {
  auto s = parse(R"({"root":{"path":"r"}})");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message(), "ociVersion: required field is missing");
}

TEST(Spec, UnknownNamespaceType) {
  auto s = parse(R"({"ociVersion":"1.0.0","root":{"path":"r"},"linux":{"namespaces":[{"type":"pid"},{"type":"foo"}]}})");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message(), "linux.namespaces[1].type: unknown namespace type \"foo\"");
}

TEST(Spec, DuplicateNamespace) {
  auto s = parse(R"({"ociVersion":"1.0.0","root":{"path":"r"},"linux":{"namespaces":[{"type":"pid"},{"type":"pid"}]}})");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("listed twice"), std::string::npos);
}

TEST(Spec, NegativeUidRejected) {
  auto s = parse(R"({"ociVersion":"1.0.0","root":{"path":"r"},"process":{"cwd":"/","user":{"uid":-1,"gid":0}}})");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message(), "process.user.uid: expected a non-negative integer, got -1");
}

TEST(Spec, HostnameNeedsUts) {
  auto s = parse(R"({"ociVersion":"1.0.0","root":{"path":"r"},"hostname":"x","linux":{}})");
  ASSERT_FALSE(s);
}

TEST(Spec, ParsesMountsHooksDevicesAndOffsets) {
  auto s = parse(R"({"ociVersion":"1.2.0","root":{"path":"r","readonly":true},
    "mounts":[{"destination":"/data","type":"bind","source":"/tmp","options":["rbind","ro"]}],
    "hooks":{"poststop":[{"path":"/bin/true","args":["true"],"timeout":5}]},
    "linux":{"namespaces":[{"type":"time"},{"type":"user"}],
             "uidMappings":[{"containerID":0,"hostID":1000,"size":10}],
             "timeOffsets":{"monotonic":{"secs":86400,"nanosecs":0}},
             "devices":[{"type":"c","path":"/dev/x","major":1,"minor":3,"fileMode":438}]}})");
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_TRUE(s->root_readonly);
  EXPECT_EQ(s->mounts[0].options.size(), 2u);
  EXPECT_EQ(s->hooks.poststop[0].timeout, 5);
  EXPECT_EQ(s->linux->uid_mappings[0].host_id, 1000u);
  EXPECT_EQ(s->linux->monotonic_offset->secs, 86400);
  EXPECT_EQ(s->linux->devices[0].file_mode, 0666u);
}

}  // namespace hako::oci
