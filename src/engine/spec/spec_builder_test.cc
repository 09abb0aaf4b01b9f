#include "engine/spec/spec_builder.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>

#include "base/files.h"
#include "engine/spec/merge.h"
#include "oci/spec.h"

namespace hako::engine {
namespace {

using Strings = std::vector<std::string>;
const std::string kId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct Fixture {
  RunOptions options;
  oci::ImageConfig image;
  SpecInput in;

  explicit Fixture(FlagValues flags = {}, Strings args = {"img"}) {
    auto o = parse_run_options(flags, args, [](const std::string&) { return std::nullopt; });
    EXPECT_TRUE(o) << o.error().message();
    if (o) options = *o;
    image.config.cmd = Strings{"/bin/sh"};
    in.options = &options;
    in.image = &image;
    in.rootfs = "/var/lib/hako/rootfs";
    in.container_id = kId;
    in.lookup_user = [](const std::string& spec) -> Result<ExecUser> {
      if (spec.empty() || spec == "root") return ExecUser{0, 0, {10}, "/root"};
      if (spec == "app") return ExecUser{1000, 1000, {}, "/home/app"};
      return fail(ErrorKind::NotFound, "unable to find user {}: no matching entries in passwd file", spec);
    };
    in.host_devices_root = "";
    in.seccomp_host = SeccompHost{"amd64", 6, 1};
  }
  Result<ContainerSpec> build() { return build_container_spec(in); }
};

const Json* find_mount(const Json& spec, const std::string& dest) {
  for (const auto& m : spec["mounts"])
    if (m["destination"] == dest) return &m;
  return nullptr;
}

Strings destinations(const Json& spec) {
  Strings out;
  for (const auto& m : spec["mounts"]) out.push_back(m["destination"]);
  return out;
}

Strings ns_types(const Json& spec) {
  Strings out;
  for (const auto& n : spec["linux"]["namespaces"]) out.push_back(n["type"]);
  return out;
}

void expect_valid(const Json& spec) {
  auto parsed = oci::parse_spec(spec);
  ASSERT_TRUE(parsed) << parsed.error().message();
  auto valid = oci::validate_spec(*parsed);
  EXPECT_TRUE(valid) << valid.error().message();
}

TEST(SpecBuilder, DockerDefaults) {
  Fixture f;
  auto c = f.build();
  ASSERT_TRUE(c) << c.error().message();
  const Json& s = c->spec;
  expect_valid(s);
  EXPECT_EQ(s["root"]["path"], "/var/lib/hako/rootfs");
  EXPECT_EQ(s["root"]["readonly"], false);
  EXPECT_EQ(s["hostname"], "0123456789ab");
  EXPECT_EQ(c->hostname, "0123456789ab");
  const Json& p = s["process"];
  EXPECT_EQ(p["args"], Json({"/bin/sh"}));
  EXPECT_EQ(p["cwd"], "/");
  EXPECT_EQ(p["terminal"], false);
  EXPECT_EQ(p["env"], Json({std::string("PATH=") + kDefaultPath, "HOSTNAME=0123456789ab"}));
  EXPECT_EQ(p["user"], Json::parse(R"({"uid":0,"gid":0,"additionalGids":[0,10]})"));
  EXPECT_EQ(p["oomScoreAdj"], 0);
  EXPECT_FALSE(p.contains("noNewPrivileges"));
  EXPECT_FALSE(p.contains("rlimits"));
  Json caps = default_capabilities();
  EXPECT_EQ(p["capabilities"]["bounding"], caps);
  EXPECT_EQ(p["capabilities"]["effective"], caps);
  EXPECT_EQ(p["capabilities"]["permitted"], caps);
  EXPECT_FALSE(p["capabilities"].contains("inheritable"));
  EXPECT_FALSE(p["capabilities"].contains("ambient"));
  EXPECT_EQ(caps.size(), 14u);

  const Json& l = s["linux"];
  EXPECT_EQ(l["maskedPaths"], Json(default_masked_paths()));
  EXPECT_EQ(l["maskedPaths"].size(), 11u);
  EXPECT_EQ(l["readonlyPaths"], Json({"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}));
  EXPECT_EQ(ns_types(s), (Strings{"mount", "network", "uts", "pid", "ipc", "cgroup"}));
  EXPECT_FALSE(l["namespaces"][1].contains("path"));
  EXPECT_TRUE(l.contains("seccomp"));
  EXPECT_EQ(l["seccomp"]["defaultAction"], "SCMP_ACT_ERRNO");
  EXPECT_EQ(l["devices"], Json::array());
  EXPECT_EQ(l["resources"]["devices"][0], Json::parse(R"({"allow":false,"access":"rwm"})"));
  EXPECT_EQ(l["resources"]["devices"].size(), 8u);
  EXPECT_FALSE(l["resources"].contains("memory"));
  EXPECT_FALSE(l["resources"].contains("cpu"));
  EXPECT_FALSE(l["resources"].contains("pids"));
  EXPECT_FALSE(l.contains("cgroupsPath"));

  EXPECT_EQ(destinations(s),
            (Strings{"/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue", "/dev/shm"}));
  EXPECT_EQ(*find_mount(s, "/proc"), Json::parse(R"({"destination":"/proc","type":"proc","source":"proc",
                                                    "options":["nosuid","noexec","nodev"]})"));
  EXPECT_EQ((*find_mount(s, "/dev"))["options"], Json({"nosuid", "strictatime", "mode=755", "size=65536k"}));
  EXPECT_EQ((*find_mount(s, "/dev/pts"))["options"],
            Json({"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}));
  EXPECT_EQ((*find_mount(s, "/sys"))["options"], Json({"nosuid", "noexec", "nodev", "ro"}));
  EXPECT_EQ((*find_mount(s, "/sys/fs/cgroup"))["type"], "cgroup");
  EXPECT_EQ((*find_mount(s, "/sys/fs/cgroup"))["options"], Json({"ro", "nosuid", "noexec", "nodev"}));
  EXPECT_EQ((*find_mount(s, "/dev/shm"))["options"], Json({"nosuid", "noexec", "nodev", "mode=1777", "size=67108864"}));

  EXPECT_EQ(c->stop_signal, "SIGTERM");
  EXPECT_EQ(c->stop_signal_number, 15);
  EXPECT_EQ(c->stop_timeout, 10);
  EXPECT_TRUE(c->restart.none());
  EXPECT_FALSE(c->healthcheck);
  EXPECT_EQ(c->log_driver, "json-file");
  EXPECT_TRUE(c->warnings.empty());
}

TEST(SpecBuilder, ImageConfigAndFlags) {
  Fixture f(FlagValues{{"env", {"B=flag"}}, {"tty", {"true"}}, {"workdir", {"/srv"}}, {"user", {"app"}}, {"hostname", {"web"}},
             {"label", {"b=flag"}}, {"stop-timeout", {"3"}}, {"restart", {"on-failure:2"}},
             {"health-interval", {"5s"}}, {"log-opt", {"max-size=1m"}}, {"annotation", {"x=y"}}},
            {"img", "arg1"});
  f.image.config.entrypoint = Strings{"/entry"};
  f.image.config.env = {"A=image", "B=image"};
  f.image.config.working_dir = "/image-wd";
  f.image.config.user = "root";
  f.image.config.labels = {{"a", "image"}, {"b", "image"}};
  f.image.config.stop_signal = "SIGQUIT";
  f.image.config.healthcheck = oci::HealthConfig{{"CMD", "true"}, 1, 2, 3, 4, 5};
  auto c = f.build();
  ASSERT_TRUE(c) << c.error().message();
  const Json& p = c->spec["process"];
  EXPECT_EQ(p["args"], Json({"/entry", "arg1"}));
  EXPECT_EQ(p["env"], Json({std::string("PATH=") + kDefaultPath, "HOSTNAME=web", "TERM=xterm", "B=flag", "A=image"}));
  EXPECT_EQ(p["cwd"], "/srv");
  EXPECT_EQ(p["terminal"], true);
  EXPECT_EQ(p["user"]["uid"], 1000);
  EXPECT_EQ(p["user"]["additionalGids"], Json({1000}));
  EXPECT_EQ(c->spec["hostname"], "web");
  EXPECT_EQ(c->spec["annotations"], Json({{"x", "y"}}));
  EXPECT_EQ(c->labels, (std::map<std::string, std::string>{{"a", "image"}, {"b", "flag"}}));
  EXPECT_EQ(c->stop_signal, "SIGQUIT");
  EXPECT_EQ(c->stop_signal_number, 3);
  EXPECT_EQ(c->stop_timeout, 3);
  EXPECT_EQ(c->restart.name, "on-failure");
  EXPECT_EQ(c->restart.max_retries, 2);
  ASSERT_TRUE(c->healthcheck);
  EXPECT_EQ(c->healthcheck->test, (Strings{"CMD", "true"}));
  EXPECT_EQ(c->healthcheck->interval, 5'000'000'000);
  EXPECT_EQ(c->healthcheck->timeout, 2);
  EXPECT_EQ(c->log_opts.at("max-size"), "1m");
  expect_valid(c->spec);

  f.image.config.working_dir = "/image-wd";
  f.options.workdir.clear();
  EXPECT_EQ(f.build()->spec["process"]["cwd"], "/image-wd");
}

TEST(SpecBuilder, UserAndCommandErrors) {
  Fixture f(FlagValues{{"user", {"ghost"}}});
  EXPECT_EQ(f.build().error().message(), "unable to find user ghost: no matching entries in passwd file");
  Fixture g(FlagValues{{"entrypoint", {""}}});
  EXPECT_EQ(g.build().error().message(), "no command specified");
  Fixture h;
  h.image.config.stop_signal = "SIGBOGUS";
  EXPECT_EQ(h.build().error().message(), "invalid signal: SIGBOGUS");
}

TEST(SpecBuilder, Capabilities) {
  Fixture f(FlagValues{{"cap-add", {"NET_ADMIN", "chown"}}, {"cap-drop", {"MKNOD", "NET_RAW"}}});
  auto c = f.build();
  ASSERT_TRUE(c);
  Json b = c->spec["process"]["capabilities"]["bounding"];
  EXPECT_EQ(b.size(), 13u);
  EXPECT_EQ(b.back(), "CAP_NET_ADMIN");
  EXPECT_EQ(std::count(b.begin(), b.end(), "CAP_MKNOD"), 0);
  EXPECT_EQ(std::count(b.begin(), b.end(), "CAP_CHOWN"), 1);

  Fixture only(FlagValues{{"cap-drop", {"ALL"}}, {"cap-add", {"KILL"}}});
  EXPECT_EQ(only.build()->spec["process"]["capabilities"]["bounding"], Json({"CAP_KILL"}));
  Fixture all(FlagValues{{"cap-add", {"ALL"}}, {"cap-drop", {"SYS_ADMIN"}}});
  Json a = all.build()->spec["process"]["capabilities"]["effective"];
  EXPECT_EQ(a.size(), all_capabilities().size() - 1);
  EXPECT_EQ(std::count(a.begin(), a.end(), "CAP_SYS_ADMIN"), 0);
  // Seccomp follows the bounding set: mount is allowed with CAP_SYS_ADMIN.
  Fixture admin(FlagValues{{"cap-add", {"SYS_ADMIN"}}});
  bool mount_allowed = false;
  auto admin_spec = admin.build();
  ASSERT_TRUE(admin_spec);
  for (const auto& r : admin_spec->spec["linux"]["seccomp"]["syscalls"])
    for (const auto& n : r["names"]) mount_allowed = mount_allowed || n == "mount";
  EXPECT_TRUE(mount_allowed);
}

TEST(SpecBuilder, Privileged) {
  Fixture f(FlagValues{{"privileged", {"true"}}, {"security-opt", {"no-new-privileges"}}});
  auto c = f.build();
  ASSERT_TRUE(c) << c.error().message();
  const Json& s = c->spec;
  EXPECT_EQ(s["process"]["capabilities"]["bounding"], Json(all_capabilities()));
  EXPECT_EQ(s["process"]["noNewPrivileges"], true);
  EXPECT_FALSE(s["linux"].contains("seccomp"));
  EXPECT_FALSE(s["linux"].contains("maskedPaths"));
  EXPECT_FALSE(s["linux"].contains("readonlyPaths"));
  EXPECT_EQ((*find_mount(s, "/sys"))["options"], Json({"nosuid", "noexec", "nodev"}));
  EXPECT_EQ((*find_mount(s, "/sys/fs/cgroup"))["options"], Json({"nosuid", "noexec", "nodev"}));
  EXPECT_EQ(s["linux"]["resources"]["devices"], Json::parse(R"([{"allow":true,"access":"rwm"}])"));
  expect_valid(s);

  // With the host's /dev: every device node, without pts/shm/console.
  f.in.host_devices_root = "/dev";
  auto d = f.build();
  ASSERT_TRUE(d);
  bool has_null = false;
  for (const auto& dev : d->spec["linux"]["devices"]) {
    has_null = has_null || dev["path"] == "/dev/null";
    EXPECT_FALSE(std::string(dev["path"]).starts_with("/dev/pts/"));
    EXPECT_NE(dev["path"], "/dev/console");
  }
  EXPECT_TRUE(has_null);
  expect_valid(d->spec);
}

TEST(SpecBuilder, SeccompModes) {
  Fixture off(FlagValues{{"security-opt", {"seccomp=unconfined"}}});
  EXPECT_FALSE(off.build()->spec["linux"].contains("seccomp"));
  char t[] = "/tmp/hako-spec-seccomp-XXXXXX";
  std::string dir = mkdtemp(t);
  std::string path = dir + "/profile.json";
  ASSERT_TRUE(write_file(path, R"({"defaultAction":"SCMP_ACT_LOG","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ERRNO",
    "includes":{"caps":["CAP_SYS_ADMIN"]}}]})"));
  Fixture custom(FlagValues{{"security-opt", {"seccomp=" + path}}});
  EXPECT_EQ(custom.build()->spec["linux"]["seccomp"],
            Json::parse(R"({"defaultAction":"SCMP_ACT_LOG"})"));
  // A custom profile applies even to privileged containers, as in Docker.
  Fixture privileged(FlagValues{{"security-opt", {"seccomp=" + path}}, {"privileged", {"true"}}});
  auto p = privileged.build();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->spec["linux"]["seccomp"]["syscalls"].size(), 1u);
  ASSERT_TRUE(write_file(path, R"({"defaultAction":"SCMP_ACT_LOG","syscalls":[{"name":"a","names":["b"],"action":"x"}]})"));
  Fixture broken(FlagValues{{"security-opt", {"seccomp=" + path}}});
  EXPECT_TRUE(broken.build().error().message().starts_with(path + ": Decoding seccomp profile failed: both"));
  (void)remove_tree(dir);
  Fixture paths(FlagValues{{"security-opt", {"systempaths=unconfined"}}});
  EXPECT_FALSE(paths.build()->spec["linux"].contains("maskedPaths"));
}

TEST(SpecBuilder, Resources) {
  Fixture f(FlagValues{{"memory", {"512m"}}, {"memory-reservation", {"256m"}}, {"cpus", {"1.5"}}, {"cpu-shares", {"512"}},
             {"cpuset-cpus", {"0"}}, {"pids-limit", {"100"}}});
  auto c = f.build();
  ASSERT_TRUE(c) << c.error().message();
  const Json& r = c->spec["linux"]["resources"];
  EXPECT_EQ(r["memory"], Json::parse(R"({"limit":536870912,"reservation":268435456,"swap":1073741824})"));
  EXPECT_EQ(r["cpu"], Json::parse(R"({"shares":512,"cpus":"0","period":100000,"quota":150000})"));
  EXPECT_EQ(r["pids"], Json::parse(R"({"limit":100})"));
  expect_valid(c->spec);

  Fixture unlimited(FlagValues{{"memory", {"512m"}}, {"memory-swap", {"-1"}}});
  EXPECT_EQ(unlimited.build()->spec["linux"]["resources"]["memory"], Json::parse(R"({"limit":536870912})"));
  Fixture explicit_swap(FlagValues{{"memory", {"512m"}}, {"memory-swap", {"768m"}}});
  EXPECT_EQ(explicit_swap.build()->spec["linux"]["resources"]["memory"]["swap"], 768LL << 20);
  Fixture no_swap(FlagValues{{"memory", {"512m"}}});
  no_swap.in.swap_limit_supported = false;
  auto ns = no_swap.build();
  EXPECT_EQ(ns->spec["linux"]["resources"]["memory"], Json::parse(R"({"limit":536870912})"));
  ASSERT_EQ(ns->warnings.size(), 1u);
  Fixture quarter(FlagValues{{"cpus", {"0.25"}}});
  EXPECT_EQ(quarter.build()->spec["linux"]["resources"]["cpu"]["quota"], 25000);
  Fixture no_pids(FlagValues{{"pids-limit", {"-1"}}});
  EXPECT_FALSE(no_pids.build()->spec["linux"]["resources"].contains("pids"));
}

TEST(SpecBuilder, RlimitsSysctlsOom) {
  Fixture f(FlagValues{{"ulimit", {"nofile=1024:2048", "core=-1"}}, {"sysctl", {"net.core.somaxconn=1024"}},
             {"oom-score-adj", {"-100"}}});
  auto c = f.build();
  ASSERT_TRUE(c);
  const Json& p = c->spec["process"];
  EXPECT_EQ(p["rlimits"], Json::parse(R"([{"type":"RLIMIT_CORE","soft":18446744073709551615,"hard":18446744073709551615},
                                          {"type":"RLIMIT_NOFILE","soft":1024,"hard":2048}])"));
  EXPECT_EQ(p["oomScoreAdj"], -100);
  EXPECT_EQ(c->spec["linux"]["sysctl"]["net.core.somaxconn"], "1024");
  expect_valid(c->spec);
}

TEST(SpecBuilder, Namespaces) {
  Fixture host(FlagValues{{"network", {"host"}}, {"publish", {"80:80"}}});
  host.in.host_hostname = "myhost";
  auto c = host.build();
  ASSERT_TRUE(c);
  EXPECT_EQ(ns_types(c->spec), (Strings{"mount", "uts", "pid", "ipc", "cgroup"}));
  EXPECT_EQ(c->hostname, "myhost");
  EXPECT_FALSE(c->spec["linux"].contains("sysctl"));  // no network sysctls on the host's network
  EXPECT_EQ(c->warnings, (Strings{"Published ports are discarded when using host network mode"}));

  Fixture joined;
  joined.in.netns_path = "/run/hako/netns/abc";
  joined.in.cgroupns_private = false;
  auto j = joined.build();
  EXPECT_EQ(ns_types(j->spec), (Strings{"mount", "network", "uts", "pid", "ipc"}));
  EXPECT_EQ(j->spec["linux"]["namespaces"][1]["path"], "/run/hako/netns/abc");
  joined.in.cgroups_path = "/hako/abc";
  EXPECT_EQ(joined.build()->spec["linux"]["cgroupsPath"], "/hako/abc");
  expect_valid(j->spec);
}

TEST(SpecBuilder, MountsTmpfsReadOnlyInit) {
  Fixture f(FlagValues{{"tmpfs", {"/run:size=64m,exec", "/dev/shm:size=1g"}}, {"read-only", {"true"}}, {"init", {"true"}},
             {"shm-size", {"128m"}}},
            {"img", "sleep", "1"});
  oci::Mount vol;
  vol.destination = "/data/deep/dir";
  vol.type = "bind";
  vol.source = "/host/data";
  vol.options = {"rbind"};
  oci::Mount shallow = vol;
  shallow.destination = "/etc/hosts";
  f.in.mounts = {vol, shallow};
  f.in.init_source = "/usr/libexec/hako-init";
  auto c = f.build();
  ASSERT_TRUE(c) << c.error().message();
  const Json& s = c->spec;
  EXPECT_EQ(s["root"]["readonly"], true);
  EXPECT_EQ(s["process"]["args"], Json({"/sbin/docker-init", "--", "sleep", "1"}));
  // Defaults (the user's /dev/shm replaces Docker's), the init, then the user's by depth.
  EXPECT_EQ(destinations(s), (Strings{"/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue",
                                      "/sbin/docker-init", "/run", "/etc/hosts", "/dev/shm", "/data/deep/dir"}));
  EXPECT_EQ(*find_mount(s, "/sbin/docker-init"), Json::parse(R"({"destination":"/sbin/docker-init","type":"bind",
                                                      "source":"/usr/libexec/hako-init","options":["bind","ro"]})"));
  EXPECT_EQ((*find_mount(s, "/run"))["options"], Json({"nosuid", "nodev", "rprivate", "size=64m", "exec"}));
  EXPECT_EQ((*find_mount(s, "/dev/shm"))["options"], Json({"noexec", "nosuid", "nodev", "rprivate", "size=1g"}));
  EXPECT_EQ((*find_mount(s, "/dev/shm"))["type"], "tmpfs");
  EXPECT_EQ((*find_mount(s, "/data/deep/dir"))["options"], Json({"rbind"}));  // user mounts keep their options
  EXPECT_EQ((*find_mount(s, "/proc"))["options"], Json({"nosuid", "noexec", "nodev"}));  // stays writable
  expect_valid(s);

  Fixture shm(FlagValues{{"shm-size", {"128m"}}});
  EXPECT_EQ((*find_mount(shm.build()->spec, "/dev/shm"))["options"].back(), "size=134217728");

  Fixture dev;
  oci::Mount devmount;
  devmount.destination = "/dev";
  devmount.type = "bind";
  devmount.source = "/dev";
  dev.in.mounts = {devmount};
  EXPECT_EQ(destinations(dev.build()->spec), (Strings{"/proc", "/sys", "/sys/fs/cgroup", "/dev"}));
}

TEST(SpecBuilder, Devices) {
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  Fixture f(FlagValues{{"device", {"/dev/null:/dev/mynull:rw"}}});
  auto c = f.build();
  ASSERT_TRUE(c) << c.error().message();
  const Json& dev = c->spec["linux"]["devices"][0];
  EXPECT_EQ(dev["path"], "/dev/mynull");
  EXPECT_EQ(dev["type"], "c");
  EXPECT_EQ(dev["major"], major(st.st_rdev));
  EXPECT_EQ(dev["minor"], minor(st.st_rdev));
  EXPECT_EQ(dev["fileMode"], st.st_mode & 07777);
  EXPECT_EQ(c->spec["linux"]["resources"]["devices"].back(),
            Json::parse(R"({"allow":true,"type":"c","major":1,"minor":3,"access":"rw"})"));
  expect_valid(c->spec);

  Fixture missing(FlagValues{{"device", {"/dev/does-not-exist"}}});
  EXPECT_EQ(missing.build().error().message(),
            "error gathering device information while adding custom device \"/dev/does-not-exist\": no such file or "
            "directory");
  Fixture notdev(FlagValues{{"device", {"/etc/hostname"}}});
  if (path_exists("/etc/hostname")) {
    EXPECT_EQ(notdev.build().error().message(),
              "error gathering device information while adding custom device \"/etc/hostname\": not a device node");
  }
  // A directory: every device node under it, with paths moved to the container's.
  auto devs = devices_from_path("/dev", "/hostdev", "r");
  ASSERT_TRUE(devs);
  bool found = false;
  for (const auto& d : *devs) found = found || d.device.path == "/hostdev/null";
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace hako::engine
