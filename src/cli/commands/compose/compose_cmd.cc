// `hako compose` itself: the subcommand table, the usage text, the global
// compose flags (-f, -p, ...) and the dispatch to a subcommand's run
// function; compose_commands() hands the command to app.cc.
#include <cstdio>

#include "base/strings.h"
#include "cli/command.h"
#include "cli/commands/compose/compose_internal.h"

namespace hako::cli::compose_cli {
namespace {

const std::vector<Sub>& subs() {
  static const std::vector<Sub> all = {
      {"config", "[OPTIONS] [SERVICE...]", "Parse, resolve and render compose file in canonical format",
       {{"format", 0, Flag::String, "yaml", "Format the output. Values: [yaml | json]"},
        {"quiet", 'q', Flag::Bool, "", "Only validate the configuration, don't print anything"},
        {"services", 0, Flag::Bool, "", "Print the service names, one per line"},
        {"volumes", 0, Flag::Bool, "", "Print the volume names, one per line"},
        {"networks", 0, Flag::Bool, "", "Print the network names, one per line"},
        {"images", 0, Flag::Bool, "", "Print the image names, one per line"},
        {"output", 'o', Flag::String, "", "Save to file (default to stdout)"}},
       config_cmd},
      {"up", "[OPTIONS] [SERVICE...]", "Create and start containers",
       {{"detach", 'd', Flag::Bool, "", "Detached mode: Run containers in the background"},
        {"build", 0, Flag::Bool, "", "Build images before starting containers"},
        {"force-recreate", 0, Flag::Bool, "", "Recreate containers even if their configuration hasn't changed"},
        {"no-recreate", 0, Flag::Bool, "", "If containers already exist, don't recreate them"},
        {"no-start", 0, Flag::Bool, "", "Don't start the services after creating them"},
        {"no-deps", 0, Flag::Bool, "", "Don't start linked services"},
        {"remove-orphans", 0, Flag::Bool, "", "Remove containers for services not defined in the Compose file"},
        {"scale", 0, Flag::List, "", "Scale SERVICE to NUM instances", "scale"},
        {"wait", 0, Flag::Bool, "", "Wait for services to be running|healthy (implies detached mode)"},
        {"wait-timeout", 0, Flag::Int, "", "Maximum duration in seconds to wait for the project to be running|healthy", "int"},
        {"no-color", 0, Flag::Bool, "", "Produce monochrome output"},
        {"no-log-prefix", 0, Flag::Bool, "", "Don't print prefix in logs"}},
       up_cmd},
      {"create", "[OPTIONS] [SERVICE...]", "Creates containers for a service",
       {{"build", 0, Flag::Bool, "", "Build images before starting containers"},
        {"force-recreate", 0, Flag::Bool, "", "Recreate containers even if their configuration hasn't changed"},
        {"no-recreate", 0, Flag::Bool, "", "If containers already exist, don't recreate them"}},
       create_cmd},
      {"down", "[OPTIONS] [SERVICES]", "Stop and remove containers, networks",
       {{"volumes", 'v', Flag::Bool, "", "Remove named volumes declared in the \"volumes\" section of the Compose file"},
        {"remove-orphans", 0, Flag::Bool, "", "Remove containers for services not defined in the Compose file"},
        {"rmi", 0, Flag::String, "", "Remove images used by services. \"local\" remove only images that don't have a custom tag (\"local\"|\"all\")"},
        {"timeout", 't', Flag::Int, "", "Specify a shutdown timeout in seconds", "int"}},
       down_cmd},
      {"ps", "[OPTIONS] [SERVICE...]", "List containers",
       {{"all", 'a', Flag::Bool, "", "Show all stopped containers"},
        {"quiet", 'q', Flag::Bool, "", "Only display IDs"},
        {"services", 0, Flag::Bool, "", "Display services"},
        {"status", 0, Flag::List, "", "Filter services by status"},
        {"format", 0, Flag::String, "table", "Format the output. Values: [table | json]"}},
       ps_cmd},
      {"logs", "[OPTIONS] [SERVICE...]", "View output from containers",
       {{"follow", 'f', Flag::Bool, "", "Follow log output"},
        {"tail", 'n', Flag::String, "all", "Number of lines to show from the end of the logs for each container"},
        {"timestamps", 't', Flag::Bool, "", "Show timestamps"},
        {"no-log-prefix", 0, Flag::Bool, "", "Don't print prefix in logs"},
        {"no-color", 0, Flag::Bool, "", "Produce monochrome output"}},
       logs_cmd},
      {"stop", "[OPTIONS] [SERVICE...]", "Stop services",
       {{"timeout", 't', Flag::Int, "", "Specify a shutdown timeout in seconds", "int"}}, stop_cmd},
      {"start", "[SERVICE...]", "Start services", {}, start_cmd},
      {"restart", "[OPTIONS] [SERVICE...]", "Restart service containers",
       {{"timeout", 't', Flag::Int, "", "Specify a shutdown timeout in seconds", "int"}}, restart_cmd},
      {"kill", "[OPTIONS] [SERVICE...]", "Force stop service containers",
       {{"signal", 's', Flag::String, "SIGKILL", "SIGNAL to send to the container"}}, kill_cmd},
      {"pause", "[SERVICE...]", "Pause services", {}, pause_cmd},
      {"unpause", "[SERVICE...]", "Unpause services", {}, unpause_cmd},
      {"rm", "[OPTIONS] [SERVICE...]", "Removes stopped service containers",
       {{"force", 'f', Flag::Bool, "", "Don't ask to confirm removal"},
        {"stop", 's', Flag::Bool, "", "Stop the containers, if required, before removing"},
        {"volumes", 'v', Flag::Bool, "", "Remove any anonymous volumes attached to containers"}},
       rm_cmd},
      {"exec", "[OPTIONS] SERVICE COMMAND [ARGS...]", "Execute a command in a running container",
       {{"detach", 'd', Flag::Bool, "", "Detached mode: Run command in the background"},
        {"env", 'e', Flag::List, "", "Set environment variables"},
        {"index", 0, Flag::Int, "", "Index of the container if service has multiple replicas", "int"},
        {"no-TTY", 'T', Flag::Bool, "", "Disable pseudo-TTY allocation"},
        {"privileged", 0, Flag::Bool, "", "Give extended privileges to the process"},
        {"user", 'u', Flag::String, "", "Run the command as this user"},
        {"workdir", 'w', Flag::String, "", "Path to workdir directory for this command"}},
       exec_cmd, true},
      {"run", "[OPTIONS] SERVICE [COMMAND] [ARGS...]", "Run a one-off command on a service",
       {{"detach", 'd', Flag::Bool, "", "Run container in background and print container ID"},
        {"rm", 0, Flag::Bool, "", "Automatically remove the container when it exits"},
        {"name", 0, Flag::String, "", "Assign a name to the container"},
        {"entrypoint", 0, Flag::String, "", "Override the entrypoint of the image"},
        {"env", 'e', Flag::List, "", "Set environment variables"},
        {"user", 'u', Flag::String, "", "Run as specified username or uid"},
        {"workdir", 'w', Flag::String, "", "Working directory inside the container"},
        {"no-deps", 0, Flag::Bool, "", "Don't start linked services"},
        {"no-TTY", 'T', Flag::Bool, "", "Disable pseudo-TTY allocation"},
        {"publish", 'p', Flag::List, "", "Publish a container's port(s) to the host"},
        {"service-ports", 0, Flag::Bool, "", "Run command with all service's ports enabled and mapped to the host"},
        {"build", 0, Flag::Bool, "", "Build image before starting container"}},
       run_cmd, true},
      {"ls", "[OPTIONS]", "List running compose projects",
       {{"all", 'a', Flag::Bool, "", "Show all stopped Compose projects"},
        {"quiet", 'q', Flag::Bool, "", "Only display project names"},
        {"format", 0, Flag::String, "table", "Format the output. Values: [table | json]"}},
       ls_cmd},
      {"build", "[OPTIONS] [SERVICE...]", "Build or rebuild services", {}, build_cmd},
      {"pull", "[OPTIONS] [SERVICE...]", "Pull service images", {}, pull_cmd},
      {"push", "[OPTIONS] [SERVICE...]", "Push service images",
       {{"ignore-push-failures", 0, Flag::Bool, "", "Push what it can and ignores images with push failures"},
        {"quiet", 'q', Flag::Bool, "", "Push without printing progress information"}},
       push_cmd},
      {"top", "[SERVICES...]", "Display the running processes", {}, top_cmd},
      {"images", "[OPTIONS] [SERVICE...]", "List images used by the created containers",
       {{"quiet", 'q', Flag::Bool, "", "Only display IDs"},
        {"format", 0, Flag::String, "table", "Format the output. Values: [table | json]"}},
       images_cmd},
      {"port", "[OPTIONS] SERVICE PRIVATE_PORT", "Print the public port for a port binding",
       {{"index", 0, Flag::Int, "", "Index of the container if service has multiple replicas", "int"},
        {"protocol", 0, Flag::String, "tcp", "tcp or udp"}},
       port_cmd},
      {"events", "[OPTIONS] [SERVICE...]", "Receive real time events from containers",
       {{"json", 0, Flag::Bool, "", "Output events as a stream of json objects"}}, events_cmd},
  };
  return all;
}

std::string compose_usage() {
  std::string out =
      "\nUsage:  hako compose [OPTIONS] COMMAND\n\nDefine and run multi-container applications\n\nCommands:\n";
  for (const auto& s : subs()) out += fmt::format("  {:<10} {}\n", s.name, s.summary);
  return out;
}

std::vector<Flag> global_compose_flags() {
  return {{"file", 'f', Flag::List, "", "Compose configuration files", "stringArray"},
          {"project-name", 'p', Flag::String, "", "Project name", "string"},
          {"project-directory", 0, Flag::String, "", "Specify an alternate working directory", "string"},
          {"env-file", 0, Flag::List, "", "Specify an alternate environment file", "stringArray"},
          {"profile", 0, Flag::List, "", "Specify a profile to enable", "stringArray"},
          {"ansi", 0, Flag::String, "auto", "Control when to print ANSI control characters", "string"},
          {"progress", 0, Flag::String, "auto", "Set type of progress output", "string"},
          {"parallel", 0, Flag::Int, "-1", "Control max parallelism, -1 for unlimited", "int"},
          {"compatibility", 0, Flag::Bool, "", "Run compose in backward compatibility mode", ""}};
}

Result<int> compose(Context& ctx, const ParsedFlags& g) {
  const auto& args = g.args();
  if (args.empty()) {
    std::fputs(compose_usage().c_str(), stdout);
    return 0;
  }
  const Sub* sub = nullptr;
  for (const auto& s : subs())
    if (s.name == args[0]) sub = &s;
  if (!sub) return fail(ErrorKind::InvalidArgument, "unknown hako command: \"compose {}\"", args[0]);
  std::vector<std::string> rest(args.begin() + 1, args.end());
  auto p = parse_flags(sub->flags, rest, sub->stop_at_positional);
  if (!p) {
    std::fprintf(stderr, "%s\nSee 'hako compose %s --help'.\n", p.error().message().c_str(), sub->name.c_str());
    return 125;
  }
  if (p->help()) {
    std::printf("\nUsage:  hako compose %s %s\n\n%s\n\n%s", sub->name.c_str(), sub->usage.c_str(),
                sub->summary.c_str(), flags_help(sub->flags).c_str());
    return 0;
  }
  if ((sub->name == "exec" && p->args().size() < 2) || (sub->name == "run" && p->args().empty()))
    return fail(ErrorKind::InvalidArgument, "\"hako compose {}\" requires at least {} argument(s).", sub->name,
                sub->name == "exec" ? 2 : 1);
  return sub->run(ctx, g, *p);
}

}  // namespace
}  // namespace hako::cli::compose_cli

namespace hako::cli {

std::vector<Command> compose_commands() {
  Command c{"compose", {}, "[OPTIONS] COMMAND", "Define and run multi-container applications",
            compose_cli::global_compose_flags(), compose_cli::compose, 0, -1, true};
  return {c};
}

}  // namespace hako::cli
