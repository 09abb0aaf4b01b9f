// A tiny HTTP/1.1 server on 127.0.0.1 for the registry tests: canned
// answers from a handler, keep-alive, and the failures a real network has
// (a connection dropped in the middle of a body). It answers nothing but
// loopback and never connects anywhere.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "image/registry/http.h"

namespace hako::image::registry::testing {

struct ServerRequest {
  std::string method;
  std::string target;  // path and query as sent
  std::string path;
  std::string query;
  Headers headers;
  std::string body;
};

struct ServerResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Send the headers (with the full Content-Length) and only this many
  // body bytes, then close the connection.
  std::optional<size_t> truncate_after;

  ServerResponse& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

ServerResponse json_response(int status, std::string body);

class TestServer {
 public:
  using Handler = std::function<ServerResponse(const ServerRequest&)>;

  // Listens on 127.0.0.1 at a free port. The handler runs under a lock, so
  // it may keep state without its own synchronization.
  explicit TestServer(Handler handler);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return port_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string url() const { return "http://" + host(); }
  std::vector<ServerRequest> requests();
  // How many connections were opened to it (TLS probes included).
  int connections() const { return connections_.load(); }

 private:
  void accept_loop();
  void serve(int fd);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  std::mutex mu_;  // guards the members below and handler calls
  std::vector<std::thread> workers_;
  std::set<int> open_fds_;
  std::vector<ServerRequest> log_;
};

// A port on 127.0.0.1 that nothing listens on (bound, then closed).
int unused_port();

}  // namespace hako::image::registry::testing
