// For the network tests that change the kernel's state: each body runs in a
// forked child inside a network namespace of its own, so the host is never
// touched; a failed check returns its line and text as the failure.
#pragma once

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) return fmt::format("line {}: CHECK({})", __LINE__, #cond); \
  } while (0)
#define CHECK_OK(expr)                                                                      \
  do {                                                                                      \
    auto r_ = (expr);                                                                       \
    if (!r_) return fmt::format("line {}: {}: {}", __LINE__, #expr, r_.error().message()); \
  } while (0)
#define ASSIGN_OK_IMPL(tmp, var, expr)                                                      \
  auto tmp = (expr);                                                                        \
  if (!tmp) return fmt::format("line {}: {}: {}", __LINE__, #expr, tmp.error().message()); \
  var = std::move(*tmp)
#define ASSIGN_OK(var, expr) ASSIGN_OK_IMPL(HAKO_CONCAT(ok_tmp_, __COUNTER__), var, expr)

namespace hako::network::testing {

// Runs `body` in a child process in a new network namespace; returns ""
// when it passed, else what failed.
inline std::string run_in_private_netns(const std::function<std::string()>& body) {
  int p[2];
  if (::pipe(p) != 0) return "pipe failed";
  pid_t pid = ::fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    ::close(p[0]);
    std::string failure = ::unshare(CLONE_NEWNET) == 0 ? body() : "unshare(CLONE_NEWNET) failed";
    if (!failure.empty() && ::write(p[1], failure.data(), failure.size()) < 0) _exit(2);
    _exit(failure.empty() ? 0 : 1);
  }
  ::close(p[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = ::read(p[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(p[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status)) return "child died: " + out;
  if (WEXITSTATUS(status) != 0 && out.empty()) return "child failed without a message";
  return out;
}

inline void in_private_netns(const std::function<std::string()>& body) {
  std::string failure = run_in_private_netns(body);
  if (!failure.empty()) ADD_FAILURE() << failure;
}

}  // namespace hako::network::testing
