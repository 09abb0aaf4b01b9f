// `hako compose`: Docker Compose's commands on the compose file model
// (compose/project.h). Every resource is made as a user would make it with
// hako's own commands (network create, volume create, create, exec, run,
// build), run in this process through invoke_command, and found again by
// the labels Compose puts on them (com.docker.compose.project, .service,
// .container-number, .config-hash, .oneoff).
//
// What the parts of this folder share:
//   project_state.cc  the loaded project, its services' order and
//                     dependencies, the containers that belong to it
//                     (members), the names and hashes derived from it;
//   service_flags.cc  what a service maps to: `hako create` arguments,
//                     Compose labels, its image (built if need be);
//   up_down.cc        networks and volumes, do_up; up, create, down;
//   logs_ps.cc        the log printer; logs, ps, ls, config;
//   lifecycle.cc      stop, start, restart, kill, pause, unpause, rm, exec,
//                     run, build, pull;
//   compose_cmd.cc    the subcommand table, usage, global flags, dispatch.
#pragma once
#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/command.h"
#include "compose/project.h"
#include "engine/logs/log_reader.h"

namespace hako::cli::compose_cli {

constexpr const char* kProject = "com.docker.compose.project";
constexpr const char* kService = "com.docker.compose.service";
constexpr const char* kNumber = "com.docker.compose.container-number";
constexpr const char* kHash = "com.docker.compose.config-hash";
constexpr const char* kOneoff = "com.docker.compose.oneoff";
constexpr const char* kConfigFiles = "com.docker.compose.project.config_files";
constexpr const char* kWorkingDir = "com.docker.compose.project.working_dir";

// A row of the subcommand table (compose_cmd.cc).
struct Sub {
  std::string name;
  std::string usage;
  std::string summary;
  std::vector<Flag> flags;
  Result<int> (*run)(Context&, const ParsedFlags& global, const ParsedFlags& p);
  bool stop_at_positional = false;
};

// ---------------------------------------------------------------------------
// The project (project_state.cc)

struct Loaded {
  compose::Project project;
  std::vector<std::string> files;
};

// The project from the global flags (-f, -p, --project-directory, ...).
// `services`: the ones the command names, enabled whatever their profiles.
Result<Loaded> load(const ParsedFlags& g, const std::vector<std::string>& services = {});
// The project name without loading a file (down, ps, ... work without one
// when -p is given).
Result<Loaded> load_or_name(const ParsedFlags& g);
const Json& services_of(const Json& model);
// Services in depends_on order (dependencies first).
std::vector<std::string> ordered_services(const Json& model);
// The selected services plus what they depend on (up, run).
std::vector<std::string> with_dependencies(const Json& model, const std::vector<std::string>& wanted);
Result<> check_services(const Json& model, const std::vector<std::string>& names);
// A model value as a flag's text ("" for null, true/false, else JSON).
std::string scalar(const Json& j);
std::string config_hash(const Json& service);
// The network's real name (model networks.KEY.name, else PROJECT_KEY).
std::string network_name(const Loaded& l, const std::string& key);
std::string volume_name(const Loaded& l, const std::string& key);
bool is_external(const Json& def);

// ---------------------------------------------------------------------------
// The project's containers (project_state.cc)

struct Member {
  engine::ContainerInfo info;
  std::string service;
  int number = 0;
  bool oneoff = false;
};

std::string label(const engine::ContainerInfo& ci, const char* key);
Result<std::vector<Member>> members(engine::Engine& eng, const std::string& project, bool oneoff = false);
// Members of the selected services (all when `services` is empty), in
// service order (or reverse).
std::vector<Member> select(const std::vector<Member>& all, const Json& model, const std::vector<std::string>& services,
                           bool reverse);
// " Container NAME  Doing" on stderr.
void status_line(const std::string& kind, const std::string& name, const std::string& what);

// ---------------------------------------------------------------------------
// What a service maps to (service_flags.cc)

// Arguments for `hako create`/`run` (before IMAGE), then IMAGE and the command.
Result<std::vector<std::string>> run_args(const Loaded& l, const std::string& service, const Json& svc,
                                          const std::string& image, const std::map<std::string, std::string>& labels,
                                          bool with_ports, std::optional<std::vector<std::string>> command_override);
// The image a service runs: its image, or PROJECT-SERVICE built from build:.
Result<std::string> service_image(Context& ctx, const Loaded& l, const std::string& service, const Json& svc,
                                  bool force_build);
std::map<std::string, std::string> compose_labels(const Loaded& l, const std::string& service, int number,
                                                  const std::string& hash, bool oneoff);

// ---------------------------------------------------------------------------
// Resources and up (up_down.cc)

Result<> ensure_networks(Context& ctx, const Loaded& l, const std::set<std::string>& used);
Result<> ensure_volumes(Context& ctx, const Loaded& l);
std::set<std::string> networks_of_services(const Json& model, const std::vector<std::string>& services);
// Waits for what `service` depends on.
Result<> wait_dependencies(engine::Engine& eng, const std::string& project, const Json& svc);

struct UpOptions {
  bool detach = false;
  bool force_recreate = false, no_recreate = false, no_start = false, build = false, remove_orphans = false;
  bool no_deps = false;
  std::map<std::string, int> scale;
};

// Creates (or recreates) and starts the services' containers; the ids started.
Result<std::vector<std::string>> do_up(Context& ctx, const Loaded& l, const std::vector<std::string>& wanted,
                                       const UpOptions& o);

// ---------------------------------------------------------------------------
// Logs (logs_ps.cc)

// Set by on_sigint (SIGINT, SIGTERM) while logs are followed.
extern std::atomic<bool> g_interrupted;
void on_sigint(int);
// How log lines look: "NAME  | text" with the prefix coloured per container
// (Compose's palette) on a terminal, or the bare text with --no-log-prefix.
struct LogStyle {
  bool prefix = true;
  bool color = false;
};
// The style from the global --ansi flag and the subcommand's --no-color /
// --no-log-prefix (when it has them).
LogStyle log_style(const ParsedFlags& g, const ParsedFlags& p);
Result<> show_logs(engine::Engine& eng, const std::vector<Member>& ms, const engine::logs::ReadOptions& ro,
                   bool stop_on_interrupt, const LogStyle& style,
                   const std::function<bool()>& keep_following = nullptr);

// ---------------------------------------------------------------------------
// The subcommands (g: the global compose flags, p: the subcommand's)

// up_down.cc
Result<int> up_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> create_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> down_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
// logs_ps.cc
Result<int> config_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> ps_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> logs_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> ls_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
// lifecycle.cc
Result<int> stop_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> start_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> restart_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> kill_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> pause_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> unpause_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> rm_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> exec_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> run_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> build_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> pull_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> push_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
// inspect_cmds.cc
Result<int> top_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> images_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> port_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);
Result<int> events_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p);

}  // namespace hako::cli::compose_cli
