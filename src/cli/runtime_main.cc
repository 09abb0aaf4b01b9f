// hako-runtime: the OCI runtime with runc's command line, and nothing else.
// `hako runtime VERB` runs the same code inside the full hako binary.
#include <string>
#include <vector>

#include "cli/runtime/commands.h"

int main(int argc, char** argv) {
  return hako::cli::runtime_cmd::main(std::vector<std::string>(argv, argv + argc));
}
