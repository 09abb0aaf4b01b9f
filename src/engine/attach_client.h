// The client side of a monitor's attach socket: what `run` (without -d),
// `start -a` and `attach` do with the terminal or pipes they were given.
#pragma once
#include <string>

#include "base/error.h"

namespace hako::engine {

struct AttachOptions {
  bool send_start = false;  // the monitor waits for Start (run, start -a)
  bool stdin = false;       // forward our stdin (-i)
  bool tty = false;         // the container has a pty: raw mode, resizes
  std::string detach_keys = "\x10\x11";  // ctrl-p ctrl-q
  // Docker's --sig-proxy (without a tty): signals this process gets are
  // passed to the container instead of ending the client.
  bool proxy_signals = false;
  // Where the container's output goes (the builder gives a pipe).
  int stdout_fd = 1;
  int stderr_fd = 2;
};

struct AttachResult {
  bool detached = false;  // the user typed the detach keys
  int exit_code = 0;      // from the monitor's Exit frame
  std::string error;      // from an Error frame (the container did not start)
};

// Connects, relays until the monitor sends Exit (or the user detaches).
Result<AttachResult> attach(const std::string& socket_path, const AttachOptions& options);

}  // namespace hako::engine
