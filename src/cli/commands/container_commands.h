// The container commands (defined across this folder).
#pragma once
#include "cli/command.h"

namespace hako::cli {

Command run_command();
Command create_command();
Command logs_command();
Command export_command();
Command commit_command();
Command exec_command();
Command rename_command();
Command attach_command();
Command port_command();
Command events_command();

}  // namespace hako::cli
