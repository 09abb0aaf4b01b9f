#include "runtime/sync.h"

#include <sys/socket.h>
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>
#include <sys/un.h>

#include <cstring>

namespace hako::runtime {

Result<SyncPair> SyncPair::make() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0) return fail_sys("socketpair");
  return SyncPair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

Result<> send_message(int fd, const Json& msg) {
  std::string text = msg.dump(-1, ' ', false, Json::error_handler_t::replace);
  while (::send(fd, text.data(), text.size(), MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) return fail_sys("sending to container init");
  }
  return {};
}

Result<std::optional<Json>> receive_message(int fd) {
  std::string buf(64 * 1024, '\0');
  ssize_t n;
  while ((n = ::recv(fd, buf.data(), buf.size(), 0)) < 0) {
    if (errno != EINTR) return fail_sys("receiving from container init");
  }
  if (n == 0) return std::optional<Json>{};
  buf.resize(static_cast<size_t>(n));
  TRY_ASSIGN(auto j, parse_json(buf, "sync message"));
  return std::optional<Json>(std::move(j));
}

Json error_message(const Error& e) {
  return {{"type", "error"}, {"kind", static_cast<int>(e.kind())}, {"errno", e.sys_errno()}, {"message", e.message()}};
}

Error error_from_message(const Json& msg) {
  auto kind = static_cast<ErrorKind>(msg.value("kind", static_cast<int>(ErrorKind::Internal)));
  return Error(kind, msg.value("message", std::string("unknown error")), msg.value("errno", 0));
}

Result<Json> expect_message(int fd, std::string_view type) {
  TRY_ASSIGN(auto msg, receive_message(fd));
  if (!msg) return fail(ErrorKind::Internal, "container init exited before it was ready (waiting for {})", type);
  std::string got = msg->value("type", "");
  if (got == "error") return std::unexpected(error_from_message(*msg));
  if (got != type) return fail(ErrorKind::Internal, "container init sent \"{}\" while \"{}\" was expected", got, type);
  return *msg;
}

Result<UniqueFd> connect_unix(const std::string& path, std::string_view what) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return fail_sys("socket");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  // Long paths (containerd's are) go through /proc/self/fd of their directory.
  std::string name = path;
  UniqueFd dir;
  if (name.size() >= sizeof addr.sun_path) {
    auto slash = path.find_last_of('/');
    dir.reset(::open(path.substr(0, slash).c_str(), O_PATH | O_CLOEXEC));
    if (!dir) return fail_sys(fmt::format("{} {}", what, path));
    name = fmt::format("/proc/self/fd/{}/{}", dir.get(), path.substr(slash + 1));
  }
  if (name.size() >= sizeof addr.sun_path) return fail(ErrorKind::InvalidArgument, "{} {}: name too long", what, path);
  std::copy(name.begin(), name.end(), addr.sun_path);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
    return fail_sys(fmt::format("connecting to {} {}", what, path));
  return fd;
}

void report_and_exit(int fd, const Error& e) {
  (void)send_message(fd, error_message(e));
  ::_exit(1);
}

Result<UniqueFd> open_console(int console_fd, const std::string& console_socket, int preserve_fds) {
  if (console_fd < 0) return connect_unix(console_socket, "console socket");
  UniqueFd fd(::fcntl(console_fd, F_DUPFD_CLOEXEC, 3 + preserve_fds));
  if (!fd) return fail_sys("duplicating the console socket");
  return fd;
}

Result<> send_fd(int socket, int fd, std::string_view name) {
  char data = 0;
  iovec iov{&data, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
  // runc sends the pty's name as the data; recvtty and containerd ignore it,
  // but a one-byte payload is the minimum a stream socket needs.
  if (!name.empty()) {
    iov.iov_base = const_cast<char*>(name.data());
    iov.iov_len = name.size();
  }
  while (::sendmsg(socket, &msg, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) return fail_sys("sending the console fd");
  }
  return {};
}

Result<UniqueFd> receive_fd(int socket) {
  char data[256];
  iovec iov{data, sizeof data};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  if (::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC) < 0) return fail_sys("receiving an fd");
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_type != SCM_RIGHTS) return fail(ErrorKind::Internal, "no fd was passed");
  int fd;
  std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return UniqueFd(fd);
}

}  // namespace hako::runtime
