#include "engine/attach_protocol.h"

#include <sys/socket.h>
#include <unistd.h>

namespace hako::engine {

Result<> write_frame(int fd, Frame type, std::string_view payload) {
  std::string buf(5 + payload.size(), '\0');
  buf[0] = static_cast<char>(type);
  uint32_t n = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) buf[1 + i] = static_cast<char>((n >> (24 - 8 * i)) & 0xff);
  buf.replace(5, payload.size(), payload);
  std::string_view rest(buf);
  while (!rest.empty()) {
    ssize_t w = ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return fail_sys("attach socket");
    }
    rest.remove_prefix(static_cast<size_t>(w));
  }
  return {};
}

std::optional<std::pair<Frame, std::string>> FrameReader::next() {
  if (buf_.size() < 5) return std::nullopt;
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(buf_[1 + i]);
  if (buf_.size() < 5 + static_cast<size_t>(n)) return std::nullopt;
  auto type = static_cast<Frame>(static_cast<unsigned char>(buf_[0]));
  std::string payload = buf_.substr(5, n);
  buf_.erase(0, 5 + n);
  return std::pair{type, std::move(payload)};
}

}  // namespace hako::engine
