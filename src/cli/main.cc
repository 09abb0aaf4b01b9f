// hako's entry point. Invoked as hako-runtime (a symlink) or runc, it is an
// OCI runtime with runc's command line; as hako, it is the Docker-style CLI.
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/runtime/commands.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  std::string self = args[0].substr(args[0].find_last_of('/') + 1);
  if (self == "hako-runtime" || self == "runc") return hako::cli::runtime_cmd::main(args);
  return hako::cli::main(args);
}
