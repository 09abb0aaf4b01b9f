// The event log behind `hako events`. Docker's daemon keeps events in
// memory and streams them; without a daemon every command and monitor that
// changes something appends one JSON line to ROOT/events/events.jsonl, and
// `events` reads (and follows) that file. Appends are O_APPEND writes of a
// whole line, so parallel writers never interleave; the file is rotated to
// events.jsonl.1 past kMaxEventsFile bytes under a lock, so the log stays
// small while `--since` still reaches back over the last few thousand.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "engine/container_files.h"

namespace hako::engine {

inline constexpr int64_t kMaxEventsFile = 2 << 20;

struct Event {
  std::string type;    // container, image, network, volume
  std::string action;  // create, start, die, exec_start: sh, pull, ...
  std::string id;      // the Actor's ID: a container id, an image reference
  std::map<std::string, std::string> attributes;  // name, image, exitCode, ...
  int64_t time_nano = 0;  // filled in by record_event when 0

  // Docker's JSON message: status/id/from (the old fields), Type, Action,
  // Actor {ID, Attributes}, scope, time, timeNano.
  Json to_json() const;
  static Event from_json(const Json& j);
};

// A container's event with Docker's attributes (its labels, image and name)
// and `extra` (exitCode, signal, ...).
Event container_event(const ContainerConfig& c, std::string action,
                      const std::map<std::string, std::string>& extra = {});

// Records a container event, ignoring failures (see record_event).
void emit_container_event(const std::string& engine_root, const ContainerConfig& c, std::string action,
                          const std::map<std::string, std::string>& extra = {});

// An image event: `id` is the image id or the reference acted on, as
// Docker reports them; `name` the reference.
void emit_image_event(const std::string& engine_root, std::string action, std::string id, const std::string& name);

std::string events_dir(const std::string& engine_root);

// Appends `e` to the log. Callers ignore a failure: an event that cannot be
// written must never fail the action it reports.
Result<> record_event(const std::string& engine_root, Event e);

// Events with since <= time <= until (unix nanos), oldest first. `from`
// is where the reader stopped last time (offset in the current file), so
// a follower only reads what was appended; rotation is noticed by the
// file's inode changing.
struct EventCursor {
  uint64_t inode = 0;
  uint64_t offset = 0;
};
Result<> read_events(const std::string& engine_root, EventCursor& cursor,
                     const std::function<void(const Event&)>& sink);

}  // namespace hako::engine
