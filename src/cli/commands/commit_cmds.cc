// `hako export` and `hako commit`.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "base/fd.h"
#include "cli/commands/container_commands.h"
#include "engine/commit.h"
#include "image/reference.h"

namespace hako::cli {
namespace {

Result<int> export_cmd(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto id, eng->resolve(p.args()[0]));
  TRY(write_output(p.str("output"), [&](int fd) { return engine::export_container(*eng, id, fd); }));
  return 0;
}

Result<int> commit_cmd(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto id, eng->resolve(p.args()[0]));
  engine::CommitOptions o;
  o.author = p.str("author");
  o.message = p.str("message");
  o.changes = p.list("change");
  o.pause = p.str("pause") != "false";
  if (p.args().size() > 1) {
    TRY_ASSIGN(auto ref, image::parse_reference(p.args()[1]));
    if (!ref.digest.empty()) return fail(ErrorKind::InvalidArgument, "refusing to create a tag with a digest reference");
    o.name = ref.string();
  }
  TRY_ASSIGN(auto image_id, engine::commit_container(*eng, id, o));
  std::printf("%s\n", image_id.c_str());
  return 0;
}

}  // namespace

Command export_command() {
  return {"export",
          {"container export"},
          "[OPTIONS] CONTAINER",
          "Export a container's filesystem as a tar archive",
          {{"output", 'o', Flag::String, "", "Write to a file, instead of STDOUT"}},
          export_cmd,
          1,
          1};
}

Command commit_command() {
  return {"commit",
          {"container commit"},
          "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
          "Create a new image from a container's changes",
          {{"author", 'a', Flag::String, "", "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")"},
           {"change", 'c', Flag::List, "", "Apply Dockerfile instruction to the created image"},
           {"message", 'm', Flag::String, "", "Commit message"},
           {"pause", 'p', Flag::String, "true", "Pause container during commit", "bool"}},
          commit_cmd,
          1,
          2};
}

}  // namespace hako::cli
