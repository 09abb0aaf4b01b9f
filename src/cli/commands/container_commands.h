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

// ps's PORTS: "0.0.0.0:8080->80/tcp, 443/tcp" (bindings only while the
// container runs, as Docker shows them); compose ps shows the same.
std::string container_ports_text(const engine::ContainerInfo& ci);

}  // namespace hako::cli
