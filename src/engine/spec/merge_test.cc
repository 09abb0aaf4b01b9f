#include "engine/spec/merge.h"

#include <gtest/gtest.h>

namespace hako::engine {
namespace {

using Args = std::vector<std::string>;
using OptArgs = std::optional<Args>;

oci::ContainerConfig image(OptArgs entrypoint, OptArgs cmd) {
  oci::ContainerConfig c;
  c.entrypoint = std::move(entrypoint);
  c.cmd = std::move(cmd);
  return c;
}

// Docker's behaviour for every combination of image ENTRYPOINT/CMD and
// run's --entrypoint/COMMAND.
struct Case {
  const char* what;
  OptArgs image_entrypoint, image_cmd;
  std::optional<std::string> flag;
  Args command;
  OptArgs want;  // nullopt: "no command specified"
};

TEST(ContainerArgs, DockerTable) {
  const Args ep = {"/entry", "-x"};
  const Args cmd = {"serve", "--port=80"};
  const Case cases[] = {
      {"image cmd only", std::nullopt, cmd, std::nullopt, {}, cmd},
      {"image entrypoint only", ep, std::nullopt, std::nullopt, {}, ep},
      {"image entrypoint and cmd", ep, cmd, std::nullopt, {}, Args{"/entry", "-x", "serve", "--port=80"}},
      {"command replaces cmd", std::nullopt, cmd, std::nullopt, {"ls", "-l"}, Args{"ls", "-l"}},
      {"command replaces cmd, after entrypoint", ep, cmd, std::nullopt, {"ls"}, Args{"/entry", "-x", "ls"}},
      {"--entrypoint drops image cmd", ep, cmd, "/bin/sh", {}, Args{"/bin/sh"}},
      {"--entrypoint with command", ep, cmd, "/bin/sh", {"-c", "echo"}, Args{"/bin/sh", "-c", "echo"}},
      {"--entrypoint on image without one", std::nullopt, cmd, "/bin/sh", {}, Args{"/bin/sh"}},
      {"--entrypoint '' with command", ep, cmd, "", {"ls"}, Args{"ls"}},
      {"--entrypoint '' without command", ep, cmd, "", {}, std::nullopt},
      {"--entrypoint '' on cmd-only image", std::nullopt, cmd, "", {}, std::nullopt},
      {"nothing at all", std::nullopt, std::nullopt, std::nullopt, {}, std::nullopt},
      {"empty image lists", Args{}, Args{}, std::nullopt, {}, std::nullopt},
      {"command on an empty image", std::nullopt, std::nullopt, std::nullopt, {"sh"}, Args{"sh"}},
      {"image entrypoint [\"\"] counts as none", Args{""}, cmd, std::nullopt, {}, cmd},
      {"image cmd [] with entrypoint", ep, Args{}, std::nullopt, {}, ep},
  };
  for (const auto& c : cases) {
    auto got = container_args(c.flag, c.command, image(c.image_entrypoint, c.image_cmd));
    if (!c.want) {
      ASSERT_FALSE(got) << c.what;
      EXPECT_EQ(got.error().message(), "no command specified") << c.what;
    } else {
      ASSERT_TRUE(got) << c.what << ": " << got.error().message();
      EXPECT_EQ(*got, *c.want) << c.what;
    }
  }
}

TEST(ContainerEnv, DefaultsAndOrder) {
  auto env = container_env({}, {}, "abc123", false);
  EXPECT_EQ(env, (Args{std::string("PATH=") + kDefaultPath, "HOSTNAME=abc123"}));
  env = container_env({}, {}, "h", true);
  EXPECT_EQ(env.back(), "TERM=xterm");
}

TEST(ContainerEnv, ImageAndUserMerge) {
  Args image_env = {"PATH=/opt/bin:/usr/bin", "LANG=C", "KEEP=image", "DROP=image"};
  Args user_env = {"LANG=en_US.UTF-8", "NEW=1", "DROP", "TERM=dumb", "HOSTNAME=mine"};
  auto env = container_env(user_env, image_env, "cafe", true);
  // Defaults replaced in place; user entries then the image's leftovers in order.
  EXPECT_EQ(env, (Args{"PATH=/opt/bin:/usr/bin", "HOSTNAME=mine", "TERM=dumb", "LANG=en_US.UTF-8", "NEW=1",
                       "KEEP=image"}));
}

TEST(ContainerEnv, UnsetRemovesDefaults) {
  auto env = container_env({"PATH", "A=1", "A=2"}, {}, "h", false);
  EXPECT_EQ(env, (Args{"HOSTNAME=h", "A=2"}));
}

TEST(Healthcheck, ImageAndFlags) {
  oci::HealthConfig img;
  img.test = {"CMD", "true"};
  img.interval = 10;
  img.timeout = 20;
  img.retries = 5;
  img.start_period = 30;
  HealthFlags none;
  EXPECT_FALSE(merge_healthcheck(none, std::nullopt));
  EXPECT_EQ(merge_healthcheck(none, img)->test, img.test);

  HealthFlags flags;
  flags.interval = 99;
  auto h = merge_healthcheck(flags, img);
  EXPECT_EQ(h->test, img.test);  // test kept from the image
  EXPECT_EQ(h->interval, 99);
  EXPECT_EQ(h->timeout, 20);
  EXPECT_EQ(h->retries, 5);
  EXPECT_EQ(h->start_period, 30);

  flags.cmd = "curl -f x";
  h = merge_healthcheck(flags, img);
  EXPECT_EQ(h->test, (Args{"CMD-SHELL", "curl -f x"}));

  HealthFlags off;
  off.disabled = true;
  h = merge_healthcheck(off, img);
  EXPECT_EQ(h->test, (Args{"NONE"}));
  EXPECT_TRUE(healthcheck_disabled(h));
  EXPECT_FALSE(healthcheck_disabled(img));
  EXPECT_TRUE(healthcheck_disabled(std::nullopt));
}

}  // namespace
}  // namespace hako::engine
