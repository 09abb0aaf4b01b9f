// The flag table of `run` and `create`, in Docker's names, shorthands,
// defaults and help words, so `hako run --help` reads like `docker run --help`.
#include <algorithm>

#include "engine/spec/run_options.h"

namespace hako::engine {

namespace {

FlagSpec boolean(std::string name, char shorthand, std::string help, std::string def = "") {
  return FlagSpec{std::move(name), shorthand, false, false, std::move(def), std::move(help), ""};
}
FlagSpec value(std::string name, char shorthand, std::string value_name, std::string help, std::string def = "") {
  return FlagSpec{std::move(name), shorthand, true, false, std::move(def), std::move(help), std::move(value_name)};
}
FlagSpec list(std::string name, char shorthand, std::string help) {
  return FlagSpec{std::move(name), shorthand, true, true, "", std::move(help), "list"};
}

std::vector<FlagSpec> make_table(bool for_run) {
  std::vector<FlagSpec> t = {
      list("attach", 'a', "Attach to STDIN, STDOUT or STDERR"),
      list("add-host", 0, "Add a custom host-to-IP mapping (host:ip)"),
      list("annotation", 0, "Add an annotation to the container (passed through to the OCI runtime)"),
      list("cap-add", 0, "Add Linux capabilities"),
      list("cap-drop", 0, "Drop Linux capabilities"),
      value("cidfile", 0, "string", "Write the container ID to the file"),
      value("cpu-shares", 'c', "int", "CPU shares (relative weight)"),
      value("cpus", 0, "decimal", "Number of CPUs"),
      value("cpuset-cpus", 0, "string", "CPUs in which to allow execution (0-3, 0,1)"),
      list("device", 0, "Add a host device to the container"),
      list("dns", 0, "Set custom DNS servers"),
      list("dns-option", 0, "Set DNS options"),
      list("dns-search", 0, "Set custom DNS search domains"),
      value("entrypoint", 0, "string", "Overwrite the default ENTRYPOINT of the image"),
      list("env", 'e', "Set environment variables"),
      list("env-file", 0, "Read in a file of environment variables"),
      list("expose", 0, "Expose a port or a range of ports"),
      value("health-cmd", 0, "string", "Command to run to check health"),
      value("health-interval", 0, "duration", "Time between running the check (ms|s|m|h) (default 0s)"),
      value("health-retries", 0, "int", "Consecutive failures needed to report unhealthy"),
      value("health-start-interval", 0, "duration",
            "Time between running the check during the start period (ms|s|m|h) (default 0s)"),
      value("health-start-period", 0, "duration",
            "Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) "
            "(default 0s)"),
      value("health-timeout", 0, "duration", "Maximum time to allow one check to run (ms|s|m|h) (default 0s)"),
      value("hostname", 'h', "string", "Container host name"),
      value("ip", 0, "string", "IPv4 address (e.g., 172.30.100.104)"),
      boolean("init", 0, "Run an init inside the container that forwards signals and reaps processes"),
      boolean("interactive", 'i', "Keep STDIN open even if not attached"),
      list("label", 'l', "Set meta data on a container"),
      list("label-file", 0, "Read in a line delimited file of labels"),
      value("log-driver", 0, "string", "Logging driver for the container"),
      list("log-opt", 0, "Log driver options"),
      value("mac-address", 0, "string", "Container MAC address (e.g., 92:d0:c6:0a:29:33)"),
      value("memory", 'm', "bytes", "Memory limit"),
      value("memory-reservation", 0, "bytes", "Memory soft limit"),
      value("memory-swap", 0, "bytes", "Swap limit equal to memory plus swap: '-1' to enable unlimited swap"),
      list("mount", 0, "Attach a filesystem mount to the container"),
      value("name", 0, "string", "Assign a name to the container"),
      value("network", 0, "network", "Connect a container to a network"),
      list("network-alias", 0, "Add network-scoped alias for the container"),
      boolean("no-healthcheck", 0, "Disable any container-specified HEALTHCHECK"),
      value("oom-score-adj", 0, "int", "Tune host's OOM preferences (-1000 to 1000)"),
      value("pids-limit", 0, "int", "Tune container pids limit (set -1 for unlimited)"),
      value("platform", 0, "string", "Set platform if server is multi-platform capable"),
      boolean("privileged", 0, "Give extended privileges to this container"),
      list("publish", 'p', "Publish a container's port(s) to the host"),
      boolean("publish-all", 'P', "Publish all exposed ports to random ports"),
      value("pull", 0, "string", "Pull image before running (\"always\", \"missing\", \"never\")", "missing"),
      boolean("quiet", 'q', "Suppress the pull output"),
      boolean("read-only", 0, "Mount the container's root filesystem as read only"),
      value("restart", 0, "string", "Restart policy to apply when a container exits", "no"),
      boolean("rm", 0, "Automatically remove the container and its associated anonymous volumes when it exits"),
      list("security-opt", 0, "Security Options"),
      value("shm-size", 0, "bytes", "Size of /dev/shm"),
      value("stop-signal", 0, "string", "Signal to stop the container"),
      value("stop-timeout", 0, "int", "Timeout (in seconds) to stop a container"),
      list("sysctl", 0, "Sysctl options"),
      list("tmpfs", 0, "Mount a tmpfs directory"),
      boolean("tty", 't', "Allocate a pseudo-TTY"),
      list("ulimit", 0, "Ulimit options"),
      value("user", 'u', "string", "Username or UID (format: <name|uid>[:<group|gid>])"),
      list("volume", 'v', "Bind mount a volume"),
      list("volumes-from", 0, "Mount volumes from the specified container(s)"),
      value("workdir", 'w', "string", "Working directory inside the container"),
  };
  if (for_run) {
    t.push_back(boolean("detach", 'd', "Run container in background and print container ID"));
    t.push_back(value("detach-keys", 0, "string", "Override the key sequence for detaching a container"));
    t.push_back(boolean("sig-proxy", 0, "Proxy received signals to the process", "true"));
  }
  std::sort(t.begin(), t.end(), [](const FlagSpec& a, const FlagSpec& b) { return a.name < b.name; });
  return t;
}

}  // namespace

const std::vector<FlagSpec>& run_flag_specs(bool for_run) {
  static const std::vector<FlagSpec> run = make_table(true);
  static const std::vector<FlagSpec> create = make_table(false);
  return for_run ? run : create;
}

}  // namespace hako::engine
