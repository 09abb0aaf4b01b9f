// hako's entry point. Invoked as hako-runtime (a symlink), it is an OCI
// runtime with runc's command line; as hako, it dispatches its commands.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/runtime/commands.h"
#include "cli/version.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  std::string self = args[0].substr(args[0].find_last_of('/') + 1);
  if (self == "hako-runtime" || self == "runc") return hako::cli::runtime_cmd::main(args);
  if (args.size() >= 2 && args[1] == "runtime") {
    args.erase(args.begin());
    return hako::cli::runtime_cmd::main(args);
  }
  if (args.size() >= 2 && (args[1] == "version" || args[1] == "--version")) {
    std::printf("hako version %s, commit %s\n", hako::cli::kVersion, hako::cli::kCommit);
    return 0;
  }
  std::fprintf(stderr,
               "usage: hako COMMAND\n\n"
               "commands:\n"
               "  runtime VERB   the OCI runtime (runc's command line); also installed as hako-runtime\n"
               "  version        print hako's version\n");
  return args.size() >= 2 && (args[1] == "--help" || args[1] == "help") ? 0 : 2;
}
