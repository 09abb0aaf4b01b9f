#include "image/registry/test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>

#include "base/strings.h"

namespace hako::image::registry::testing {

ServerResponse json_response(int status, std::string body) {
  ServerResponse r;
  r.status = status;
  r.body = std::move(body);
  r.header("Content-Type", "application/json");
  return r;
}

static int listen_loopback(int* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || ::listen(fd, 16) < 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) < 0) {
    ::close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

int unused_port() {
  int port = 0;
  int fd = listen_loopback(&port);
  if (fd >= 0) ::close(fd);
  return port;
}

TestServer::TestServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = listen_loopback(&port_);
  if (listen_fd_ >= 0) acceptor_ = std::thread([this] { accept_loop(); });
}

TestServer::~TestServer() {
  stopping_ = true;
  if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    workers = std::move(workers_);
  }
  for (auto& t : workers) t.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

std::vector<ServerRequest> TestServer::requests() {
  std::lock_guard lock(mu_);
  return log_;
}

void TestServer::accept_loop() {
  while (!stopping_) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR) continue;
      return;
    }
    ++connections_;
    std::lock_guard lock(mu_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    open_fds_.insert(fd);
    workers_.emplace_back([this, fd] { serve(fd); });
  }
}

static bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

static const char* reason_for(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 206: return "Partial Content";
    case 307: return "Temporary Redirect";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

void TestServer::serve(int fd) {
  std::string buf;
  char chunk[16384];
  auto fill = [&]() {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
    return true;
  };
  for (;;) {
    size_t end;
    while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
      // A TLS ClientHello (a client probing HTTPS) or junk: hang up, as a
      // plain HTTP server's failure looks to a TLS client.
      if (!buf.empty() && !std::isupper(static_cast<unsigned char>(buf[0]))) goto done;
      if (buf.size() > 65536 || !fill()) goto done;
    }
    {
      ServerRequest req;
      auto lines = split(std::string_view(buf).substr(0, end), '\n');
      auto first = split(trim(lines[0]), ' ');
      if (first.size() < 2) goto done;
      req.method = first[0];
      req.target = first[1];
      auto q = req.target.find('?');
      req.path = req.target.substr(0, q);
      req.query = q == std::string::npos ? "" : req.target.substr(q + 1);
      for (size_t i = 1; i < lines.size(); ++i) {
        auto colon = lines[i].find(':');
        if (colon == std::string::npos) continue;
        req.headers.add(std::string(trim(std::string_view(lines[i]).substr(0, colon))),
                        std::string(trim(std::string_view(lines[i]).substr(colon + 1))));
      }
      buf.erase(0, end + 4);
      size_t length = static_cast<size_t>(parse_int(req.headers.get("Content-Length").value_or("0")).value_or(0));
      while (buf.size() < length)
        if (!fill()) goto done;
      req.body = buf.substr(0, length);
      buf.erase(0, length);

      ServerResponse resp;
      {
        std::lock_guard lock(mu_);
        log_.push_back(req);
        resp = handler_(req);
      }
      std::string head = fmt::format("HTTP/1.1 {} {}\r\n", resp.status, reason_for(resp.status));
      bool has_length = false;
      for (const auto& [k, v] : resp.headers) {
        head += k + ": " + v + "\r\n";
        if (iequals(k, "Content-Length")) has_length = true;
      }
      if (!has_length) head += fmt::format("Content-Length: {}\r\n", resp.body.size());
      head += "\r\n";
      if (!send_all(fd, head)) goto done;
      if (req.method == "HEAD") continue;
      if (resp.truncate_after) {
        send_all(fd, std::string_view(resp.body).substr(0, *resp.truncate_after));
        goto done;
      }
      if (!send_all(fd, resp.body)) goto done;
    }
  }
done:
  std::lock_guard lock(mu_);
  open_fds_.erase(fd);
  ::close(fd);
}

}  // namespace hako::image::registry::testing
