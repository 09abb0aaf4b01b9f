// The image commands, one factory per command (defined across this folder).
#pragma once
#include "cli/command.h"

namespace hako::cli {

Command images_command();
Command tag_command();
Command rmi_command();
Command image_inspect_command();
Command history_command();
Command image_prune_command();
Command import_command();
Command save_command();
Command load_command();
Command pull_command();
Command push_command();
Command login_command();
Command logout_command();

// Docker's y/N prompt on stdout; true for y, Y or yes.
bool confirm(const char* warning);

// The prune commands' only filter, until=<RFC 3339 time>.
Result<std::optional<int64_t>> prune_until_filter(const std::vector<std::string>& filters);

// What a prune removed: the "deleted: ..." lines and the bytes freed.
struct PruneResult {
  std::vector<std::string> lines;
  int64_t reclaimed = 0;
};

// Removes dangling images (all: every image no container uses).
Result<PruneResult> prune_images(image::ImageStore& store, bool all, std::optional<int64_t> until);

}  // namespace hako::cli
