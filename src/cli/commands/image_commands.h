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

}  // namespace hako::cli
