// The monitor: one small process per running container (think conmon).
//
// `hako run` starts it detached (its own session, reparented to init) and it
// outlives every hako command. It creates and starts the container through
// the runtime library, so the container's init is its child; it owns the
// container's stdio (pipes, or the pty master with -t), writes the log,
// serves the attach socket, reaps the exit status into state.json (with
// whether the OOM killer struck), runs the healthcheck and applies the
// restart policy with Docker's back-off. When the container is done for good
// it unmounts the rootfs and, for --rm, runs `hako rm` on it.
//
// It is started as: hako-monitor ENGINE_ROOT ID READY_FD [--wait-start]
// and reports on READY_FD one line: "running", "created" (with
// --wait-start: waiting for a client's Start frame) or "error: <message>".
#pragma once

namespace hako::engine {

int monitor_main(int argc, char** argv);

}  // namespace hako::engine
