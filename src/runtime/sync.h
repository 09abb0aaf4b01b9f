// The channel between the runtime and a container's init while it is being
// set up: a SOCK_SEQPACKET pair carrying one small JSON object per message,
// so that a message is never split or merged, and EOF means the peer is gone.
#pragma once

#include <optional>
#include <string>

#include "base/error.h"
#include "base/fd.h"
#include "base/json.h"

namespace hako::runtime {

struct SyncPair {
  UniqueFd parent, child;
  static Result<SyncPair> make();
};

Result<> send_message(int fd, const Json& msg);
// nullopt on EOF.
Result<std::optional<Json>> receive_message(int fd);
// Receives one message and checks its "type"; an "error" message becomes the
// Error it describes.
Result<Json> expect_message(int fd, std::string_view type);

// An error as a message, and back. The step ("mounting /proc") and errno
// travel with it so the caller reports exactly what failed.
Json error_message(const Error& e);
Error error_from_message(const Json& msg);

// Sends `e` to the runtime and exits: how a process being set up in a
// child (init, exec) reports the step that failed.
[[noreturn]] void report_and_exit(int fd, const Error& e);

// The console socket for a new container process: our own socketpair end
// (`console_fd`, when the caller proxies the pty) or a connection to
// `console_socket`; kept above the fds the container inherits.
Result<UniqueFd> open_console(int console_fd, const std::string& console_socket, int preserve_fds);

// Connects a unix stream socket to `path`; long paths (containerd's) go
// through /proc/self/fd of their directory. `what` names it in errors.
Result<UniqueFd> connect_unix(const std::string& path, std::string_view what);

// Passing one fd over a unix socket (SCM_RIGHTS).
Result<> send_fd(int socket, int fd, std::string_view name);
Result<UniqueFd> receive_fd(int socket);

}  // namespace hako::runtime
