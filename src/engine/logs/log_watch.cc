#include "engine/logs/log_watch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace hako::engine::logs {

Result<DirWatch> DirWatch::open(const std::string& dir) {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return fail_sys("inotify_init1");
  UniqueFd owned(fd);
  uint32_t mask = IN_MODIFY | IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE |
                  IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF;
  if (inotify_add_watch(fd, dir.c_str(), mask) < 0) return fail_sys("watching " + dir);
  return DirWatch(std::move(owned));
}

void DirWatch::wait(int timeout_ms) {
  pollfd p{fd_.get(), POLLIN, 0};
  int r;
  do {
    r = poll(&p, 1, timeout_ms);
  } while (r < 0 && errno == EINTR);
  if (r <= 0) return;
  alignas(inotify_event) char buf[4096];
  while (::read(fd_.get(), buf, sizeof buf) > 0) {
  }
}

}  // namespace hako::engine::logs
