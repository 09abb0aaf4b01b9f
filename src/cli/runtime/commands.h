// `hako runtime VERB` / `hako-runtime VERB`: runc's command line.
// Each verb is a function taking the parsed global state and its own argv.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "runtime/store.h"

namespace hako::cli::runtime_cmd {

struct Context {
  hako::runtime::Store store;
  std::vector<std::string> argv;  // the verb's arguments, verb excluded
};

using Command = Result<int> (*)(Context&);

Result<int> create(Context&);
Result<int> start(Context&);
Result<int> run(Context&);
Result<int> state(Context&);
Result<int> kill(Context&);
Result<int> remove(Context&);
Result<int> list(Context&);
Result<int> exec(Context&);
Result<int> ps(Context&);
Result<int> spec(Context&);
Result<int> features(Context&);
Result<int> pause(Context&);
Result<int> resume(Context&);
Result<int> update(Context&);
Result<int> events(Context&);

// Entry point: argv[0] is the program name, then global flags and the verb.
int main(const std::vector<std::string>& argv);

// One positional argument, the container id, or an error naming the verb.
Result<std::string> require_id(const std::vector<std::string>& positional, std::string_view verb);

}  // namespace hako::cli::runtime_cmd
