#include "engine/events.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/fd.h"
#include "base/files.h"
#include "base/lock.h"

namespace hako::engine {
namespace {

int64_t now_nanos() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string current_file(const std::string& root) { return events_dir(root) + "/events.jsonl"; }
std::string rotated_file(const std::string& root) { return events_dir(root) + "/events.jsonl.1"; }

// Reads whole lines of `path` from `offset`, advancing it past each one.
// A line still being written (no newline yet) is left for the next read.
Result<> read_lines_from(const std::string& path, uint64_t& offset, const std::function<void(const Event&)>& sink) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return {};
    return fail_sys("open " + path);
  }
  std::string pending;
  char buf[65536];
  off_t at = static_cast<off_t>(offset);
  for (;;) {
    ssize_t n = ::pread(fd.get(), buf, sizeof buf, at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_sys("read " + path);
    if (n == 0) break;
    at += n;
    pending.append(buf, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      offset += nl + 1 - start;
      auto j = Json::parse(pending.begin() + static_cast<long>(start), pending.begin() + static_cast<long>(nl),
                           nullptr, /*allow_exceptions=*/false);
      if (j.is_object()) sink(Event::from_json(j));
    }
    pending.erase(0, start);
  }
  return {};
}

uint64_t inode_of(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_ino) : 0;
}

}  // namespace

Event container_event(const ContainerConfig& c, std::string action,
                      const std::map<std::string, std::string>& extra) {
  Event e{"container", std::move(action), c.id, c.labels};
  e.attributes["image"] = c.image;
  e.attributes["name"] = c.name;
  for (const auto& [k, v] : extra) e.attributes[k] = v;
  return e;
}

void emit_container_event(const std::string& engine_root, const ContainerConfig& c, std::string action,
                          const std::map<std::string, std::string>& extra) {
  (void)record_event(engine_root, container_event(c, std::move(action), extra));
}

void emit_image_event(const std::string& engine_root, std::string action, std::string id, const std::string& name) {
  Event e{"image", std::move(action), std::move(id), {}};
  if (!name.empty()) e.attributes["name"] = name;
  (void)record_event(engine_root, std::move(e));
}

std::string events_dir(const std::string& engine_root) { return engine_root + "/events"; }

Json Event::to_json() const {
  Json j = Json::object();
  // The fields Docker kept from its first event format: containers report
  // status/id/from, the rest only the new ones.
  if (type == "container") {
    j["status"] = action;
    j["id"] = id;
    if (auto it = attributes.find("image"); it != attributes.end()) j["from"] = it->second;
  }
  j["Type"] = type;
  j["Action"] = action;
  j["Actor"] = {{"ID", id}, {"Attributes", attributes}};
  j["scope"] = "local";
  j["time"] = time_nano / 1'000'000'000;
  j["timeNano"] = time_nano;
  return j;
}

Event Event::from_json(const Json& j) {
  Event e;
  e.type = j.value("Type", "");
  e.action = j.value("Action", "");
  if (auto a = j.find("Actor"); a != j.end() && a->is_object()) {
    e.id = a->value("ID", "");
    if (auto at = a->find("Attributes"); at != a->end() && at->is_object())
      for (auto it = at->begin(); it != at->end(); ++it)
        if (it->is_string()) e.attributes[it.key()] = it->get<std::string>();
  }
  e.time_nano = j.value("timeNano", int64_t{0});
  return e;
}

Result<> record_event(const std::string& engine_root, Event e) {
  if (e.time_nano == 0) e.time_nano = now_nanos();
  std::string dir = events_dir(engine_root);
  TRY(make_dirs(dir, 0700));
  std::string path = current_file(engine_root);
  // Rotation and appends take the same lock, so no line lands in a file
  // that is being renamed away and no two writers rotate twice.
  TRY_ASSIGN(auto lock, FileLock::exclusive(dir + "/lock"));
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && st.st_size > kMaxEventsFile) {
    if (::rename(path.c_str(), rotated_file(engine_root).c_str()) < 0) return fail_sys("rotate " + path);
  }
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return fail_sys("open " + path);
  std::string line = e.to_json().dump() + "\n";
  if (::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    return fail_sys("write " + path);
  return {};
}

Result<> read_events(const std::string& engine_root, EventCursor& cursor,
                     const std::function<void(const Event&)>& sink) {
  std::string path = current_file(engine_root), old = rotated_file(engine_root);
  uint64_t ino = inode_of(path);
  if (cursor.inode == 0) {
    // First read: the rotated file, then the current one.
    uint64_t off = 0;
    TRY(read_lines_from(old, off, sink));
    cursor.inode = ino;
    cursor.offset = 0;
  } else if (ino != cursor.inode) {
    // Rotated since the last read: finish the old file where we were.
    if (inode_of(old) == cursor.inode) {
      uint64_t off = cursor.offset;
      TRY(read_lines_from(old, off, sink));
    }
    cursor.inode = ino;
    cursor.offset = 0;
  }
  if (ino == 0) return {};
  return read_lines_from(path, cursor.offset, sink);
}

}  // namespace hako::engine
