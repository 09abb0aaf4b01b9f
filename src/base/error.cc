#include "base/error.h"

#include <cstring>

namespace hako {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::NotFound: return "not found";
    case ErrorKind::AlreadyExists: return "already exists";
    case ErrorKind::InvalidArgument: return "invalid argument";
    case ErrorKind::Conflict: return "conflict";
    case ErrorKind::PermissionDenied: return "permission denied";
    case ErrorKind::Unavailable: return "unavailable";
    case ErrorKind::NotSupported: return "not supported";
    case ErrorKind::Internal: return "internal";
  }
  return "unknown";
}

Error Error::context(std::string_view context) const& {
  return Error(kind_, fmt::format("{}: {}", context, message_), errno_);
}

Error Error::context(std::string_view context) && {
  message_ = fmt::format("{}: {}", context, message_);
  return std::move(*this);
}

ErrorKind kind_for_errno(int err) {
  switch (err) {
    case ENOENT: case ESRCH: case ENODEV: return ErrorKind::NotFound;
    case EEXIST: return ErrorKind::AlreadyExists;
    case EINVAL: case ENAMETOOLONG: case ELOOP: case ENOTDIR: case EISDIR: case E2BIG: case ENOEXEC:
      return ErrorKind::InvalidArgument;
    case EBUSY: case ENOTEMPTY: return ErrorKind::Conflict;
    case EPERM: case EACCES: case EROFS: return ErrorKind::PermissionDenied;
    case EAGAIN: case ETIMEDOUT: case ECONNREFUSED: case ENOSPC: case ENOMEM:
      return ErrorKind::Unavailable;
    case ENOSYS: case EOPNOTSUPP: return ErrorKind::NotSupported;
    default: return ErrorKind::Internal;
  }
}

Error sys_error(std::string_view what, int err) {
  return Error(kind_for_errno(err), fmt::format("{}: {}", what, std::strerror(err)), err);
}

}  // namespace hako
