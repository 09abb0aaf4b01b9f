// hako's Docker-style commands: each is a name, a usage line, its flags and
// a function; app.cc holds the table and dispatches to them.
#pragma once
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "cli/flags.h"
#include "engine/containers.h"
#include "image/image_store.h"

namespace hako::cli {

// Options that come before the command (`hako --root /x images`), each also
// settable from the environment so scripts and tests need not repeat them.
struct Globals {
  std::string root = "/var/lib/hako";           // --root, HAKO_ROOT
  std::string storage_driver;                   // --storage-driver, HAKO_STORAGE_DRIVER
  std::string config_dir;                       // --config, DOCKER_CONFIG (credentials)
  std::vector<std::string> insecure_registries; // --insecure-registry, HAKO_INSECURE_REGISTRIES
  std::vector<std::string> certs_dirs;          // HAKO_CERTS_DIRS (':'-separated certs.d roots)
  bool debug = false;
};

struct Command;

class Context {
 public:
  Context(Globals g, const Command& cmd) : globals(std::move(g)), command(cmd) {}
  Globals globals;
  const Command& command;

  // The image store under --root, opened on first use.
  Result<image::ImageStore*> images();
  // Containers, on the same store.
  Result<engine::Engine*> engine();
  // "docker.io/library/busybox:latest" style full name → "busybox:latest".
  static std::string familiar(const std::string& full);

 private:
  std::optional<image::ImageStore> store_;
  std::optional<engine::Engine> engine_;
};

struct Command {
  std::string name;           // "images", or "image ls" for a subcommand
  std::vector<std::string> aliases;  // other names: "image ls", "image list"
  std::string usage;          // "[OPTIONS] [REPOSITORY[:TAG]]"
  std::string summary;        // one line
  std::vector<Flag> flags;
  Result<int> (*run)(Context&, const ParsedFlags&);
  int min_args = 0;
  int max_args = -1;          // -1: any number
  bool stop_at_positional = false;
  // Exit code for an error from run(): Docker's run and create use 125.
  int error_exit_code = 1;
};

// Docker's argument count complaints ("\"hako tag\" requires exactly 2
// arguments."), checked before run() is called.
std::optional<std::string> check_arg_count(const Command& c, size_t n);

// The full --help text of a command.
std::string command_help(const Command& c);

// Each file of commands contributes its table.
std::vector<Command> image_commands();
std::vector<Command> container_commands();
std::vector<Command> copy_commands();  // cp, diff
std::vector<Command> stats_commands();  // top, stats, update
std::vector<Command> system_commands();
std::vector<Command> network_commands();
std::vector<Command> volume_commands();
std::vector<Command> build_commands();  // build, builder prune
std::vector<Command> compose_commands();  // compose
std::vector<Command> lint_commands();  // lint
std::vector<Command> scan_commands();  // scan, scan db, sbom
// Runs another hako command in this process, as `hako WORDS...` would (the
// command's words first: {"network", "create", "x"}), with ctx's globals;
// with quiet_stdout its stdout goes to /dev/null. Errors are returned, not
// printed.
Result<int> invoke_command(Context& ctx, const std::vector<std::string>& words, bool quiet_stdout = false);
// The image `image_text` names, found locally or pulled as `pull` says
// (always | missing | never), as run, create and build's FROM get it.
Result<store::ImageRecord> find_or_pull_image(Context& ctx, const std::string& image_text, const std::string& pull,
                                              const std::string& platform);

// network prune (and system prune): the user-defined networks no container
// uses; returns their names.
Result<std::vector<std::string>> prune_networks(engine::Engine& eng, const std::vector<std::string>& filters);

// Reads a file given by -i / a path, or stdin for "-" / empty.
Result<int> open_input(const std::string& path);

// Writes an archive with `write(fd)`: to stdout when `path` is empty
// (refused on a terminal, as Docker does), else beside `path` and renamed
// over it when whole, so a failure never leaves a truncated file there.
Result<> write_output(const std::string& path, const std::function<Result<>(int fd)>& write);

// Prints inspect results: `format` (-f) per value, missing keys as
// "<no value>" as Docker's typed structs do; else one indented JSON array.
Result<> print_inspected(const std::vector<Json>& values, const std::string& format, bool has_format);

}  // namespace hako::cli
