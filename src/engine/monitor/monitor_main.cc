// hako-monitor: see engine/monitor/monitor.h. A binary of its own, linking
// only the runtime and the log writer, so each running container costs as
// little memory as possible.
#include "engine/monitor/monitor.h"

int main(int argc, char** argv) { return hako::engine::monitor_main(argc, argv); }
