#include "image/changes.h"

#include <gtest/gtest.h>

namespace hako::image {
namespace {

oci::ContainerConfig apply_all(std::initializer_list<std::string_view> changes) {
  oci::ContainerConfig c;
  for (auto ch : changes) {
    auto r = apply_change(c, ch);
    EXPECT_TRUE(r) << ch << ": " << r.error().message();
  }
  return c;
}

TEST(Changes, CommandsTakeExecAndShellForms) {
  auto c = apply_all({R"(CMD ["sh", "-c", "echo hi"])", "ENTRYPOINT /bin/init --x"});
  ASSERT_TRUE(c.entrypoint);
  EXPECT_EQ(*c.entrypoint, (std::vector<std::string>{"/bin/sh", "-c", "/bin/init --x"}));
  EXPECT_FALSE(c.cmd) << "ENTRYPOINT resets CMD";
  c = apply_all({"cmd echo hi"});
  EXPECT_EQ(*c.cmd, (std::vector<std::string>{"/bin/sh", "-c", "echo hi"}));
}

TEST(Changes, EnvLabelExposeVolume) {
  auto c = apply_all({"ENV A=1 B=\"two words\"", "ENV A 3 4", "LABEL com.x=y", "EXPOSE 80 53/UDP",
                      "VOLUME [\"/data\"]", "VOLUME /a /b", "USER nobody", "WORKDIR /srv", "WORKDIR app",
                      "STOPSIGNAL SIGINT", "ONBUILD RUN true"});
  EXPECT_EQ(c.env, (std::vector<std::string>{"A=3 4", "B=two words"}));
  EXPECT_EQ(c.labels.at("com.x"), "y");
  EXPECT_EQ(c.exposed_ports, (std::vector<std::string>{"53/udp", "80/tcp"}));  // sorted, as BuildKit's parser gives them
  EXPECT_EQ(c.volumes, (std::vector<std::string>{"/data", "/a", "/b"}));
  EXPECT_EQ(c.user, "nobody");
  EXPECT_EQ(c.working_dir, "/srv/app");
  EXPECT_EQ(c.stop_signal, "SIGINT");
  EXPECT_EQ(c.onbuild, (std::vector<std::string>{"RUN true"}));
}

TEST(Changes, BadChangesAreRefusedByName) {
  oci::ContainerConfig c;
  auto r = apply_change(c, "RUN rm -rf /");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "RUN is not a valid change command");
  EXPECT_FALSE(apply_change(c, "EXPOSE 99999"));
  EXPECT_FALSE(apply_change(c, "ENV"));
  EXPECT_FALSE(apply_change(c, "ENV A=\"open"));
}

}  // namespace
}  // namespace hako::image
