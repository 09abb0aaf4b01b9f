// `hako COMMAND ...`: the Docker-style front door.
#pragma once
#include <string>
#include <vector>

namespace hako::cli {

// argv[0] is the program name. Returns the process exit code.
int main(const std::vector<std::string>& argv);

}  // namespace hako::cli
