// The monitor's attach socket: how `run`, `start -a` and `attach` talk to
// the process that owns a container's stdio.
//
// A stream socket carrying frames: 1 byte type, 4 bytes big-endian length,
// then the payload. Output frames go to every attached client; stdin
// frames from a client are written to the container's stdin (or pty).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace hako::engine {

enum class Frame : uint8_t {
  Stdin = 0,
  Stdout = 1,
  Stderr = 2,
  Exit = 3,        // payload: the exit code, decimal; the last frame sent
  Resize = 4,      // payload: "rows cols"
  Start = 5,       // client → monitor: start the created container now
  CloseStdin = 6,  // client → monitor: stdin reached EOF
  Error = 7,       // payload: why the container could not start
  Signal = 8,      // client → monitor: payload a signal number for the container
};

// Writes one frame, whole (retries partial writes and EINTR).
Result<> write_frame(int fd, Frame type, std::string_view payload);

// Accumulates bytes read from a socket and hands out whole frames.
class FrameReader {
 public:
  void feed(std::string_view bytes) { buf_.append(bytes); }
  // The next whole frame, if one has arrived.
  std::optional<std::pair<Frame, std::string>> next();

 private:
  std::string buf_;
};

}  // namespace hako::engine
