// Error and Result: the one way failures travel between hako's layers.
//
// A Result<T> is either a value or an Error. An Error has a kind (what the
// caller can do about it), the errno when a syscall failed, and a message that
// gains context on the way up: "creating cgroup /x: mkdir: Permission denied".
// Exit codes (CLI) and HTTP statuses (API) are derived from the kind alone.
#pragma once

#include <cerrno>
#include <expected>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace hako {

enum class ErrorKind {
  NotFound,
  AlreadyExists,
  InvalidArgument,
  Conflict,
  PermissionDenied,
  Unavailable,
  NotSupported,
  Internal,
};

std::string_view to_string(ErrorKind kind);

class Error {
 public:
  Error(ErrorKind kind, std::string message, int err = 0)
      : kind_(kind), errno_(err), message_(std::move(message)) {}

  ErrorKind kind() const { return kind_; }
  int sys_errno() const { return errno_; }
  const std::string& message() const { return message_; }

  // Returns this error with "context: " put in front of the message.
  Error context(std::string_view context) const&;
  Error context(std::string_view context) &&;

 private:
  ErrorKind kind_;
  int errno_;
  std::string message_;
};

template <typename T = void>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorKind kind, std::string message) {
  return std::unexpected(Error(kind, std::move(message)));
}

template <typename... Args>
std::unexpected<Error> fail(ErrorKind kind, fmt::format_string<Args...> f, Args&&... args) {
  return std::unexpected(Error(kind, fmt::format(f, std::forward<Args>(args)...)));
}

// The kind that best describes a failed syscall's errno.
ErrorKind kind_for_errno(int err);

// An Error from errno (read now), "what: strerror".
Error sys_error(std::string_view what, int err = errno);

inline std::unexpected<Error> fail_sys(std::string_view what, int err = errno) {
  return std::unexpected(sys_error(what, err));
}

}  // namespace hako

// Unwraps a Result into `var`, or returns its error (with optional context).
#define HAKO_CONCAT_(a, b) a##b
#define HAKO_CONCAT(a, b) HAKO_CONCAT_(a, b)
#define TRY_ASSIGN_IMPL(tmp, var, expr)                  \
  auto tmp = (expr);                                     \
  if (!tmp) return std::unexpected(std::move(tmp).error()); \
  var = std::move(*tmp)
#define TRY_ASSIGN(var, expr) TRY_ASSIGN_IMPL(HAKO_CONCAT(try_tmp_, __COUNTER__), var, expr)
#define TRY(expr)                                                        \
  do {                                                                   \
    auto try_result_ = (expr);                                           \
    if (!try_result_) return std::unexpected(std::move(try_result_).error()); \
  } while (0)
#define TRY_CTX(expr, ctx)                                                          \
  do {                                                                              \
    auto try_result_ = (expr);                                                      \
    if (!try_result_) return std::unexpected(std::move(try_result_).error().context(ctx)); \
  } while (0)
