// The builder: a parsed Dockerfile and a context into an image, step by
// step through an Executor, with the cache.
//
// Stages: the target (the last stage unless --target) and every stage it
// needs (FROM a stage, COPY --from, RUN --mount from=) are built; the others
// are skipped. Stages whose dependencies are done build at the same time, on
// their own threads.
//
// The cache key of a step is a digest of its parent's key and of what the
// step does with everything expanded: the instruction's words after
// variable expansion, the build args it can see (a RUN sees all of them, as
// environment variables), and for COPY/ADD the contents, names and modes of
// its sources (hash_copy). Metadata steps (ENV, CMD, LABEL ...) have keys
// too, folded into the next one, but make no image of their own. A key
// found in the cache gives the step's image without running it; so a
// changed source file re-runs the first step that reads it and every step
// after it, and nothing before.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "build/context/dockerignore.h"
#include "build/dockerfile/instructions.h"
#include "build/executor.h"

namespace hako::build {

struct BuildOptions {
  std::vector<std::string> tags;  // full references
  std::map<std::string, std::string> build_args;
  std::string target;
  bool no_cache = false;
  bool pull = false;
  std::map<std::string, std::string> labels;
  std::string network;                         // RUN's default: "" (bridge), "none", "host"
  std::map<std::string, std::string> secrets;  // --secret id -> host file
  std::string platform;                        // "linux/amd64"
  int parallel = 2;                            // stages built at once
};

// The build context: a directory, and what .dockerignore keeps out of it.
struct BuildContext {
  std::string dir;
  std::optional<IgnoreMatcher> ignore;
};

// What the build reports as it goes (progress.h prints it).
class BuildObserver {
 public:
  virtual ~BuildObserver() = default;
  // A step begins; returns its number for the calls below.
  virtual int begin(const std::string& name) = 0;
  virtual void cached(int step) = 0;
  virtual void output(int step, std::string_view chunk) = 0;
  virtual void log(int step, const std::string& line) = 0;
  virtual void done(int step) = 0;
  virtual void failed(int step, const std::string& message) = 0;
};

struct BuildResult {
  std::string image_id;
  std::vector<std::string> warnings;
};

// Where a build failed: the instruction's lines, for the error display.
struct BuildFailure {
  int start_line = 0, end_line = 0;
};

class Builder {
 public:
  Builder(Executor& executor, BuildObserver& observer, BuildOptions options)
      : executor_(executor), observer_(observer), options_(std::move(options)) {}

  Result<BuildResult> build(const Dockerfile& dockerfile, const BuildContext& context);
  // Set when build() failed at a given instruction.
  const std::optional<BuildFailure>& failure() const { return failure_; }

 private:
  Executor& executor_;
  BuildObserver& observer_;
  BuildOptions options_;
  std::optional<BuildFailure> failure_;
};

// "80" → "80/tcp"; "8000-8002/udp" → three ports; bad input is an error.
Result<std::vector<std::string>> expose_ports(const std::string& word);

}  // namespace hako::build
