#include "engine/spec/run_options.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "base/files.h"

namespace hako::engine {
namespace {

EnvLookup fake_env() {
  return [](const std::string& k) -> std::optional<std::string> {
    if (k == "FROM_HOST") return "hostval";
    return std::nullopt;
  };
}

Result<RunOptions> parse(FlagValues flags, std::vector<std::string> args = {"busybox"}) {
  return parse_run_options(flags, args, fake_env());
}

std::string err(FlagValues flags, std::vector<std::string> args = {"busybox"}) {
  auto r = parse(std::move(flags), std::move(args));
  return r ? std::string("(ok)") : r.error().message();
}

struct TempDir {
  TempDir() {
    char t[] = "/tmp/hako-runopts-XXXXXX";
    path = mkdtemp(t);
  }
  ~TempDir() { (void)remove_tree(path); }
  std::string file(const std::string& name, const std::string& content) {
    std::string p = path + "/" + name;
    EXPECT_TRUE(write_file(p, content));
    return p;
  }
  std::string path;
};

TEST(RunOptions, Defaults) {
  auto o = parse({}, {"busybox", "echo", "hi"});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->image, "busybox");
  EXPECT_EQ(o->command, (std::vector<std::string>{"echo", "hi"}));
  EXPECT_FALSE(o->detach);
  EXPECT_TRUE(o->sig_proxy);
  EXPECT_TRUE(o->restart.none());
  EXPECT_EQ(o->restart.name, "no");
  EXPECT_EQ(o->log_driver, "json-file");
  EXPECT_EQ(o->pull, "missing");
  EXPECT_EQ(o->detach_key_bytes, "\x10\x11");
  EXPECT_FALSE(o->attach_stdin);
  EXPECT_TRUE(o->attach_stdout);
  EXPECT_TRUE(o->attach_stderr);
  EXPECT_FALSE(o->entrypoint);
  EXPECT_EQ(o->security.seccomp, SeccompMode::Default);
  EXPECT_EQ(err({}, {}), "requires at least 1 argument");
}

TEST(RunOptions, FlagTable) {
  const auto& run = run_flag_specs(true);
  const auto& create = run_flag_specs(false);
  auto find = [](const std::vector<FlagSpec>& t, const std::string& n) -> const FlagSpec* {
    for (const auto& f : t)
      if (f.name == n) return &f;
    return nullptr;
  };
  ASSERT_TRUE(find(run, "detach"));
  EXPECT_EQ(find(run, "detach")->shorthand, 'd');
  EXPECT_FALSE(find(run, "detach")->takes_value);
  EXPECT_FALSE(find(create, "detach"));
  EXPECT_TRUE(find(run, "env")->repeatable);
  EXPECT_EQ(find(run, "memory")->shorthand, 'm');
  EXPECT_EQ(find(run, "hostname")->shorthand, 'h');
  EXPECT_EQ(find(run, "restart")->default_value, "no");
  EXPECT_EQ(find(run, "sig-proxy")->default_value, "true");
  EXPECT_EQ(err({{"bogus", {"1"}}}), "unknown flag: --bogus");
}

TEST(RunOptions, Booleans) {
  auto o = parse({{"detach", {"true"}}, {"interactive", {"true"}}, {"tty", {"true"}}, {"rm", {"true"}},
                  {"init", {"true"}}, {"read-only", {"1"}}, {"privileged", {"true"}}, {"sig-proxy", {"false"}}});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_TRUE(o->detach && o->interactive && o->tty && o->rm && o->init && o->read_only && o->privileged);
  EXPECT_FALSE(o->sig_proxy);
  EXPECT_FALSE(o->attach_stdout);  // -d: nothing attached
  EXPECT_EQ(err({{"rm", {"maybe"}}}), "invalid argument \"maybe\" for \"--rm\" flag: strconv.ParseBool: parsing "
                                      "\"maybe\": invalid syntax");
  EXPECT_EQ(err({{"tty", {"x"}}}),
            "invalid argument \"x\" for \"-t, --tty\" flag: strconv.ParseBool: parsing \"x\": invalid syntax");
}

TEST(RunOptions, Attach) {
  auto o = parse({{"attach", {"STDOUT"}}, {"interactive", {"true"}}});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->attach_stdin);  // -i attaches stdin whatever -a says
  EXPECT_TRUE(o->attach_stdout);
  EXPECT_FALSE(o->attach_stderr);
  EXPECT_EQ(err({{"attach", {"stdfoo"}}}),
            "invalid argument \"stdfoo\" for \"-a, --attach\" flag: valid streams are STDIN, STDOUT and STDERR");
  EXPECT_EQ(err({{"attach", {"stdout"}}, {"detach", {"true"}}}),
            "conflicting options: cannot specify both --attach and --detach");
}

TEST(RunOptions, Name) {
  EXPECT_EQ(parse({{"name", {"web"}}})->name, "web");
  EXPECT_EQ(parse({{"name", {"/web"}}})->name, "web");
  EXPECT_EQ(err({{"name", {"bad name"}}}),
            "Invalid container name (bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
}

TEST(RunOptions, Env) {
  TempDir dir;
  std::string f1 = dir.file("a.env", "A=file\nB=file\nFROM_HOST\nNOT_SET\n");
  auto o = parse({{"env-file", {f1}}, {"env", {"B=flag", "FROM_HOST", "GONE", "E="}}});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->env, (std::vector<std::string>{"A=file", "B=file", "FROM_HOST=hostval", "B=flag", "FROM_HOST=hostval",
                                              "GONE", "E="}));
  EXPECT_EQ(err({{"env", {"=x"}}}), "invalid argument \"=x\" for \"-e, --env\" flag: invalid environment variable: =x");
  EXPECT_EQ(err({{"env-file", {dir.path + "/nope"}}}),
            "--env-file: open " + dir.path + "/nope: no such file or directory");
  std::string bad = dir.file("bad.env", "A B=1\n");
  EXPECT_EQ(err({{"env-file", {bad}}}),
            "--env-file: invalid env file (" + bad + "): variable 'A B' contains whitespaces");
}

TEST(RunOptions, Labels) {
  TempDir dir;
  std::string f = dir.file("labels", "a=file\nb=file\nkeyonly\n");
  auto o = parse({{"label-file", {f}}, {"label", {"b=flag", "c"}}});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->labels, (std::map<std::string, std::string>{{"a", "file"}, {"b", "flag"}, {"c", ""}}));
  EXPECT_EQ(err({{"label", {"=x"}}}), "invalid argument \"=x\" for \"-l, --label\" flag: invalid label '=x': empty name");
  EXPECT_EQ(err({{"label", {"a b=x"}}}),
            "invalid argument \"a b=x\" for \"-l, --label\" flag: label 'a b' contains whitespaces");
  EXPECT_EQ(err({{"label-file", {dir.path + "/x"}}}), "--label-file: open " + dir.path + "/x: no such file or directory");
}

TEST(RunOptions, ProcessSettings) {
  auto o = parse({{"workdir", {"/app//src/"}}, {"user", {"1000:1000"}}, {"hostname", {"box"}},
                  {"entrypoint", {"/bin/sh"}}, {"stop-signal", {"SIGINT"}}, {"stop-timeout", {"3"}},
                  {"oom-score-adj", {"-500"}}, {"cidfile", {"/tmp/cid"}}, {"platform", {"linux/amd64"}},
                  {"network", {"host"}}, {"publish", {"80:80"}}, {"volume", {"/a:/b"}}, {"mount", {"type=tmpfs,dst=/x"}},
                  {"quiet", {"true"}}});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->workdir, "/app/src");
  EXPECT_EQ(o->user, "1000:1000");
  EXPECT_EQ(o->hostname, "box");
  EXPECT_EQ(o->entrypoint, "/bin/sh");
  EXPECT_EQ(o->stop_signal, "SIGINT");
  EXPECT_EQ(o->stop_timeout, 3);
  EXPECT_EQ(o->oom_score_adj, -500);
  EXPECT_EQ(o->cidfile, "/tmp/cid");
  EXPECT_EQ(o->platform, "linux/amd64");
  EXPECT_EQ(o->network, "host");
  ASSERT_EQ(o->publish.size(), 1u);
  EXPECT_EQ(o->publish[0].container_port, 80);
  EXPECT_EQ(o->publish[0].host_first, 80);
  EXPECT_EQ(o->volumes, (std::vector<std::string>{"/a:/b"}));
  EXPECT_EQ(o->mounts, (std::vector<std::string>{"type=tmpfs,dst=/x"}));
  EXPECT_TRUE(o->quiet);
  EXPECT_EQ(parse({{"entrypoint", {""}}})->entrypoint, "");
  EXPECT_EQ(err({{"workdir", {"rel"}}}), "the working directory 'rel' is invalid, it needs to be an absolute path");
  EXPECT_EQ(err({{"stop-signal", {"SIGNOPE"}}}), "invalid signal: SIGNOPE");
  EXPECT_EQ(err({{"stop-timeout", {"soon"}}}),
            "invalid argument \"soon\" for \"--stop-timeout\" flag: strconv.ParseInt: parsing \"soon\": invalid syntax");
  EXPECT_EQ(err({{"oom-score-adj", {"1001"}}}), "Invalid value 1001, range for oom score adj is [-1000, 1000]");
}

TEST(RunOptions, RestartPolicy) {
  EXPECT_EQ(parse({{"restart", {"always"}}})->restart.name, "always");
  auto of = parse({{"restart", {"on-failure:5"}}});
  EXPECT_EQ(of->restart.name, "on-failure");
  EXPECT_EQ(of->restart.max_retries, 5);
  EXPECT_EQ(parse({{"restart", {"unless-stopped"}}})->restart.name, "unless-stopped");
  EXPECT_EQ(parse({{"restart", {"on-failure"}}})->restart.max_retries, 0);
  EXPECT_EQ(err({{"restart", {"sometimes"}}}),
            "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or "
            "'unless-stopped'");
  EXPECT_EQ(err({{"restart", {"always:3"}}}),
            "invalid restart policy: maximum retry count can only be used with 'on-failure'");
  EXPECT_EQ(err({{"restart", {"no:-1"}}}),
            "invalid restart policy: maximum retry count can only be used with 'on-failure' and cannot be negative");
  EXPECT_EQ(err({{"restart", {"on-failure:-1"}}}), "invalid restart policy: maximum retry count cannot be negative");
  EXPECT_EQ(err({{"restart", {"on-failure:x"}}}),
            "invalid restart policy format: maximum retry count must be an integer");
  EXPECT_EQ(err({{"restart", {":3"}}}), "invalid restart policy format: no policy provided before colon");
  EXPECT_EQ(err({{"restart", {"always"}}, {"rm", {"true"}}}),
            "conflicting options: cannot specify both --restart and --rm");
  EXPECT_TRUE(parse({{"restart", {"no"}}, {"rm", {"true"}}}));
}

TEST(RunOptions, Healthcheck) {
  auto o = parse({{"health-cmd", {"curl -f localhost"}}, {"health-interval", {"1m30s"}}, {"health-timeout", {"5s"}},
                  {"health-retries", {"4"}}, {"health-start-period", {"500ms"}}, {"health-start-interval", {"2s"}}});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->health.cmd, "curl -f localhost");
  EXPECT_EQ(o->health.interval, 90'000'000'000);
  EXPECT_EQ(o->health.timeout, 5'000'000'000);
  EXPECT_EQ(o->health.retries, 4);
  EXPECT_EQ(o->health.start_period, 500'000'000);
  EXPECT_EQ(o->health.start_interval, 2'000'000'000);
  EXPECT_TRUE(parse({{"no-healthcheck", {"true"}}})->health.disabled);
  EXPECT_EQ(err({{"no-healthcheck", {"true"}}, {"health-cmd", {"x"}}}),
            "--no-healthcheck conflicts with --health-* options");
  EXPECT_EQ(err({{"health-interval", {"-1s"}}}), "--health-interval cannot be negative");
  EXPECT_EQ(err({{"health-retries", {"-1"}}}), "--health-retries cannot be negative");
  EXPECT_EQ(err({{"health-timeout", {"10us"}}}), "Timeout in Healthcheck cannot be less than 1ms");
  EXPECT_EQ(err({{"health-interval", {"5"}}}),
            "invalid argument \"5\" for \"--health-interval\" flag: time: missing unit in duration \"5\"");
}

TEST(RunOptions, Memory) {
  auto o = parse({{"memory", {"512m"}}, {"memory-swap", {"1g"}}, {"memory-reservation", {"256m"}},
                  {"shm-size", {"128m"}}});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->memory, 512LL << 20);
  EXPECT_EQ(o->memory_swap, 1LL << 30);
  EXPECT_EQ(o->memory_reservation, 256LL << 20);
  EXPECT_EQ(o->shm_size, 128LL << 20);
  EXPECT_EQ(parse({{"memory", {"1g"}}, {"memory-swap", {"-1"}}})->memory_swap, -1);
  EXPECT_EQ(err({{"memory", {"4m"}}}), "Minimum memory limit allowed is 6MB");
  EXPECT_EQ(err({{"memory", {"lots"}}}), "invalid argument \"lots\" for \"-m, --memory\" flag: invalid size: 'lots'");
  EXPECT_EQ(err({{"memory", {"512m"}}, {"memory-swap", {"256m"}}}),
            "Minimum memoryswap limit should be larger than memory limit, see usage");
  EXPECT_EQ(err({{"memory-swap", {"1g"}}}),
            "You should always set the Memory limit when using Memoryswap limit, see usage");
  EXPECT_EQ(err({{"memory-reservation", {"1m"}}}), "Minimum memory reservation allowed is 6MB");
  EXPECT_EQ(err({{"memory", {"64m"}}, {"memory-reservation", {"128m"}}}),
            "Minimum memory limit can not be less than memory reservation limit, see usage");
  EXPECT_EQ(err({{"shm-size", {"1q"}}}), "invalid argument \"1q\" for \"--shm-size\" flag: invalid suffix: 'q'");
}

TEST(RunOptions, Cpu) {
  auto o = parse({{"cpus", {"0.5"}}, {"cpu-shares", {"512"}}, {"cpuset-cpus", {"0-1,3"}}, {"pids-limit", {"100"}}});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->nano_cpus, 500'000'000);
  EXPECT_EQ(o->cpu_shares, 512);
  EXPECT_EQ(o->cpuset_cpus, "0-1,3");
  EXPECT_EQ(o->pids_limit, 100);
  EXPECT_EQ(err({{"cpus", {"many"}}}), "invalid argument \"many\" for \"--cpus\" flag: failed to parse many as a rational number");
  EXPECT_EQ(err({{"cpus", {"1000000"}}}).substr(0, 29), "range of CPUs is from 0.01 to");
  EXPECT_EQ(err({{"cpu-shares", {"-2"}}}), "invalid CPU shares (-2): value must be a positive integer");
  EXPECT_EQ(err({{"cpu-shares", {"x"}}}),
            "invalid argument \"x\" for \"-c, --cpu-shares\" flag: strconv.ParseInt: parsing \"x\": invalid syntax");
  EXPECT_EQ(err({{"cpuset-cpus", {"1-a"}}}), "Invalid value 1-a for cpuset cpus: invalid format: 1-a");
}

TEST(RunOptions, Ulimits) {
  auto o = parse({{"ulimit", {"nproc=512", "nofile=1024:2048", "core=-1", "nofile=10:20"}}});
  ASSERT_TRUE(o) << o.error().message();
  ASSERT_EQ(o->ulimits.size(), 3u);  // one per name, last wins, sorted
  EXPECT_EQ(o->ulimits[0].name, "core");
  EXPECT_EQ(o->ulimits[0].soft, -1);
  EXPECT_EQ(o->ulimits[0].hard, -1);
  EXPECT_EQ(o->ulimits[1].name, "nofile");
  EXPECT_EQ(o->ulimits[1].soft, 10);
  EXPECT_EQ(o->ulimits[1].hard, 20);
  EXPECT_EQ(o->ulimits[2].name, "nproc");
  EXPECT_EQ(o->ulimits[2].hard, 512);
  auto e = [](const std::string& v) { return err({{"ulimit", {v}}}); };
  EXPECT_EQ(e("nofile"), "invalid argument \"nofile\" for \"--ulimit\" flag: invalid ulimit argument: nofile");
  EXPECT_EQ(e("as=1"), "invalid argument \"as=1\" for \"--ulimit\" flag: invalid ulimit type: as");
  EXPECT_EQ(e("nofile=1:2:3"), "invalid argument \"nofile=1:2:3\" for \"--ulimit\" flag: too many limit value "
                               "arguments - 1:2:3, can only have up to two, `soft[:hard]`");
  EXPECT_EQ(e("nofile=20:10"), "invalid argument \"nofile=20:10\" for \"--ulimit\" flag: ulimit soft limit must be "
                               "less than or equal to hard limit: 20 > 10");
  EXPECT_EQ(e("nofile=-1:10"), "invalid argument \"nofile=-1:10\" for \"--ulimit\" flag: ulimit soft limit must be "
                               "less than or equal to hard limit: soft: -1 (unlimited), hard: 10");
  EXPECT_EQ(e("nofile=x"),
            "invalid argument \"nofile=x\" for \"--ulimit\" flag: strconv.ParseInt: parsing \"x\": invalid syntax");
}

TEST(RunOptions, Capabilities) {
  auto o = parse({{"cap-add", {"net_admin", "CAP_SYS_TIME", "all"}}, {"cap-drop", {"MKNOD"}}});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->cap_add, (std::vector<std::string>{"CAP_NET_ADMIN", "CAP_SYS_TIME", "ALL"}));
  EXPECT_EQ(o->cap_drop, (std::vector<std::string>{"CAP_MKNOD"}));
  EXPECT_EQ(err({{"cap-add", {"FLY"}}}), "invalid CapAdd: unknown capability: \"CAP_FLY\"");
  EXPECT_EQ(err({{"cap-drop", {"cap_nope"}}}), "invalid CapDrop: unknown capability: \"CAP_NOPE\"");
}

TEST(RunOptions, SecurityOpts) {
  TempDir dir;
  std::string profile = dir.file("p.json", R"({"defaultAction": "SCMP_ACT_ALLOW"})");
  auto o = parse({{"security-opt", {"no-new-privileges", "seccomp=" + profile, "label=disable", "apparmor=unconfined",
                                    "systempaths=unconfined"}}});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_TRUE(o->security.no_new_privileges);
  EXPECT_EQ(o->security.seccomp, SeccompMode::Custom);
  EXPECT_EQ(o->security.seccomp_profile, R"({"defaultAction": "SCMP_ACT_ALLOW"})");
  EXPECT_TRUE(o->security.system_paths_unconfined);
  EXPECT_EQ(o->notes.size(), 2u);
  EXPECT_EQ(parse({{"security-opt", {"seccomp=unconfined"}}})->security.seccomp, SeccompMode::Unconfined);
  EXPECT_EQ(parse({{"security-opt", {"seccomp=builtin"}}})->security.seccomp, SeccompMode::Default);
  EXPECT_TRUE(parse({{"security-opt", {"no-new-privileges:true"}}})->security.no_new_privileges);
  EXPECT_FALSE(parse({{"security-opt", {"no-new-privileges=false"}}})->security.no_new_privileges);
  EXPECT_TRUE(parse({{"security-opt", {"label:disable"}}}));
  EXPECT_EQ(err({{"security-opt", {"seccomp"}}}), "invalid --security-opt: \"seccomp\"");
  EXPECT_EQ(err({{"security-opt", {"apparmor="}}}), "invalid --security-opt: \"apparmor=\"");
  EXPECT_EQ(err({{"security-opt", {"no-new-privileges=maybe"}}}),
            "invalid --security-opt 2: \"no-new-privileges=maybe\"");
  EXPECT_EQ(err({{"security-opt", {"flavor=mint"}}}), "invalid --security-opt 2: \"flavor=mint\"");
  EXPECT_EQ(err({{"security-opt", {"seccomp=" + dir.path + "/none.json"}}}),
            "opening seccomp profile (" + dir.path + "/none.json) failed: open " + dir.path +
                "/none.json: no such file or directory");
  std::string broken = dir.file("broken.json", "{nope");
  EXPECT_TRUE(err({{"security-opt", {"seccomp=" + broken}}})
                  .starts_with("compacting json for seccomp profile (" + broken + ") failed: "));
}

TEST(RunOptions, FilesystemAndDevices) {
  auto o = parse({{"tmpfs", {"/run:size=64m,exec", "/tmp", "/run:size=1m"}},
                  {"device", {"/dev/fuse", "/dev/sda:/dev/xvda:r", "/dev/null:rw", "/dev/zero:/dev/z"}}});
  ASSERT_TRUE(o) << o.error().message();
  ASSERT_EQ(o->tmpfs.size(), 2u);  // one per destination, the last given
  EXPECT_EQ(o->tmpfs[0].destination, "/run");
  EXPECT_EQ(o->tmpfs[0].options, "size=1m");
  EXPECT_EQ(o->tmpfs[1].destination, "/tmp");
  ASSERT_EQ(o->devices.size(), 4u);
  EXPECT_EQ(o->devices[0].container_path, "/dev/fuse");
  EXPECT_EQ(o->devices[0].permissions, "rwm");
  EXPECT_EQ(o->devices[1].host_path, "/dev/sda");
  EXPECT_EQ(o->devices[1].container_path, "/dev/xvda");
  EXPECT_EQ(o->devices[1].permissions, "r");
  EXPECT_EQ(o->devices[2].container_path, "/dev/null");
  EXPECT_EQ(o->devices[2].permissions, "rw");
  EXPECT_EQ(o->devices[3].container_path, "/dev/z");
  EXPECT_EQ(err({{"tmpfs", {"/"}}}), "invalid specification: destination can't be '/'");
  EXPECT_EQ(err({{"tmpfs", {"run"}}}), "invalid mount path: 'run' mount path must be absolute");
  EXPECT_EQ(err({{"tmpfs", {"/run:bogus"}}}), "invalid tmpfs option \"bogus\"");
  EXPECT_EQ(err({{"device", {"/a:/b:/c:/d"}}}), "bad format for path: /a:/b:/c:/d");
  EXPECT_EQ(err({{"device", {":/b"}}}), "bad format for path: :/b");
  EXPECT_EQ(err({{"device", {"/a:/b:rx"}}}), "bad mode specified: rx");
  EXPECT_EQ(err({{"device", {"/a:b"}}}), "b is not an absolute path");
}

TEST(RunOptions, Sysctls) {
  auto o = parse({{"sysctl", {"net.ipv4.ip_forward=1", "kernel.shmmax=1000", "fs.mqueue.msg_max=20"}}});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->sysctls.at("net.ipv4.ip_forward"), "1");
  EXPECT_EQ(o->sysctls.size(), 3u);
  EXPECT_EQ(err({{"sysctl", {"kernel.hostname=x"}}}),
            "invalid argument \"kernel.hostname=x\" for \"--sysctl\" flag: sysctl 'kernel.hostname=x' is not allowed");
  EXPECT_EQ(err({{"sysctl", {"net.x"}}}), "invalid argument \"net.x\" for \"--sysctl\" flag: sysctl 'net.x' is not allowed");
}

TEST(RunOptions, LoggingPullDetachKeys) {
  auto o = parse({{"log-driver", {"json-file"}}, {"log-opt", {"max-size=10m", "max-file=3"}}, {"pull", {"never"}},
                  {"detach-keys", {"ctrl-a,x"}}});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->log_opts, (std::map<std::string, std::string>{{"max-file", "3"}, {"max-size", "10m"}}));
  EXPECT_EQ(o->pull, "never");
  EXPECT_EQ(o->detach_key_bytes, "\x01x");
  EXPECT_EQ(parse({{"log-driver", {"none"}}})->log_driver, "none");
  EXPECT_EQ(err({{"log-driver", {"none"}}, {"log-opt", {"max-size=1m"}}}), "invalid logging opts for driver none");
  EXPECT_EQ(err({{"log-driver", {"syslog"}}}), "logger: no log driver named 'syslog' is registered");
  EXPECT_EQ(err({{"log-opt", {"color=blue"}}}), "unknown log opt 'color' for json-file log driver");
  EXPECT_EQ(err({{"pull", {"sometimes"}}}),
            "invalid pull option: 'sometimes': must be one of \"always\", \"missing\" or \"never\"");
  EXPECT_EQ(err({{"detach-keys", {"shift-b"}}}), "invalid detach keys (shift-b): Unknown character: 'shift-b'");
}

TEST(RunOptions, Annotations) {
  auto o = parse({{"annotation", {"a=1", "b"}}});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->annotations, (std::map<std::string, std::string>{{"a", "1"}, {"b", ""}}));
  EXPECT_EQ(err({{"annotation", {"=1"}}}),
            "invalid Annotations: the empty string is not permitted as an annotation key");
}

TEST(RunOptions, NetworkFlags) {
  auto o = parse({{"network", {"web"}}, {"publish", {"127.0.0.1:8080:80", "9000-9001:9000-9001/udp"}},
                  {"publish-all", {"true"}}, {"expose", {"7000-7001"}}, {"ip", {"10.211.0.9"}},
                  {"mac-address", {"02:42:0a:d3:00:09"}}, {"network-alias", {"db"}}, {"dns", {"127.0.0.53"}},
                  {"dns-search", {"example.test"}}, {"dns-option", {"ndots:2"}},
                  {"add-host", {"gw:host-gateway", "pc=10.1.2.3"}}});
  ASSERT_TRUE(o) << o.error().message();
  ASSERT_EQ(o->publish.size(), 3u);
  EXPECT_EQ(o->publish[0].host_ip, "127.0.0.1");
  EXPECT_EQ(o->publish[2].proto, "udp");
  EXPECT_TRUE(o->publish_all);
  EXPECT_EQ(o->expose.size(), 2u);
  EXPECT_EQ(o->ip, "10.211.0.9");
  EXPECT_EQ(o->add_hosts, (std::vector<std::string>{"gw:host-gateway", "pc:10.1.2.3"}));
  EXPECT_EQ(err({{"publish", {"80:80:80:80"}}}).substr(0, 40), "invalid argument \"80:80:80:80\" for \"-p, ");
  EXPECT_EQ(err({{"network", {"web"}}, {"ip", {"10.1"}}}), "10.1 is not an ip address");
  EXPECT_EQ(err({{"mac-address", {"zz"}}}), "zz is not a valid mac address");
  EXPECT_EQ(err({{"dns", {"x"}}}), "invalid argument \"x\" for \"--dns\" flag: x is not an ip address");
  EXPECT_EQ(err({{"add-host", {"nohost"}}}),
            "invalid argument \"nohost\" for \"--add-host\" flag: bad format for add-host: \"nohost\"");
  EXPECT_EQ(err({{"network-alias", {"a"}}}),
            "network-scoped alias is supported only for containers in user defined networks");
  EXPECT_EQ(err({{"ip", {"10.0.0.2"}}}), "user specified IP address is supported on user defined networks only");
  EXPECT_EQ(err({{"network", {"container:x"}}, {"publish", {"80"}}}),
            "conflicting options: port publishing and the container type network mode");
}

}  // namespace
}  // namespace hako::engine
