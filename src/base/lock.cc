#include "base/lock.h"

#include <fcntl.h>
#include <sys/file.h>

namespace hako {

static Result<FileLock> take(const std::string& path, int op) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return fail_sys(fmt::format("open lock {}", path));
  while (::flock(fd.get(), op) < 0) {
    if (errno != EINTR) return fail_sys(fmt::format("flock {}", path));
  }
  return FileLock(std::move(fd));
}

Result<FileLock> FileLock::exclusive(const std::string& path) { return take(path, LOCK_EX); }
Result<FileLock> FileLock::shared(const std::string& path) { return take(path, LOCK_SH); }

}  // namespace hako
