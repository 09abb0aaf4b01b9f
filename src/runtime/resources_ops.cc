// pause, resume, update, stats and events: the verbs that work through the
// container's cgroup while it runs.
#include <time.h>

#include "base/files.h"
#include "cgroups/manager.h"
#include "runtime/runtime.h"

namespace hako::runtime {

namespace {

Result<std::unique_ptr<cgroups::Manager>> live_cgroup(const Store& store, const std::string& id, Record& rec,
                                                      std::string_view verb) {
  TRY_ASSIGN(rec, store.load(id));
  std::string status = current_status(rec);
  if (status == "stopped" || (status == "created" && verb == "pause"))
    return fail(ErrorKind::Conflict, "cannot {} container \"{}\": it is {}", verb, id, status);
  return cgroups::from_json(rec.cgroup);
}

}  // namespace

Result<> pause(const Store& store, const std::string& id) {
  TRY_ASSIGN(auto lock, store.lock(id));
  Record rec;
  TRY_ASSIGN(auto cg, live_cgroup(store, id, rec, "pause"));
  if (current_status(rec) == "paused") return fail(ErrorKind::Conflict, "container \"{}\" is already paused", id);
  return cg->set_frozen(true);
}

Result<> resume(const Store& store, const std::string& id) {
  TRY_ASSIGN(auto lock, store.lock(id));
  Record rec;
  TRY_ASSIGN(auto cg, live_cgroup(store, id, rec, "resume"));
  if (current_status(rec) != "paused") return fail(ErrorKind::Conflict, "container \"{}\" is not paused", id);
  return cg->set_frozen(false);
}

Result<> update(const Store& store, const std::string& id, const Json& patch) {
  TRY_ASSIGN(auto lock, store.lock(id));
  Record rec;
  TRY_ASSIGN(auto cg, live_cgroup(store, id, rec, "update"));
  TRY_ASSIGN(auto resources, cgroups::parse_resources(patch));
  TRY(cg->apply(resources));
  // Keep the saved config in step, so later reads see the new limits.
  std::string path = store.dir(id) + "/config.json";
  TRY_ASSIGN(auto text, read_file(path));
  TRY_ASSIGN(auto config, parse_json(text, path));
  config["linux"]["resources"].merge_patch(patch);
  return write_file_atomic(path, config.dump(), 0600);
}

Result<Json> stats_event(const Store& store, const std::string& id) {
  Record rec;
  TRY_ASSIGN(auto cg, live_cgroup(store, id, rec, "get stats of"));
  TRY_ASSIGN(auto data, cg->stats());
  return Json{{"type", "stats"}, {"id", id}, {"data", data}};
}

Result<> watch_events(const Store& store, const std::string& id, int interval_ms,
                      const std::function<void(const Json&)>& emit) {
  Record rec;
  TRY_ASSIGN(auto cg, live_cgroup(store, id, rec, "watch events of"));
  uint64_t ooms = cg->oom_kills().value_or(0);
  // OOM kills are noticed within one tick; stats come every interval.
  constexpr int kTickMs = 50;
  int since_stats = interval_ms;
  for (;;) {
    uint64_t now = cg->oom_kills().value_or(ooms);
    if (now > ooms) {
      emit({{"type", "oom"}, {"id", id}});
      ooms = now;
    }
    if (current_status(rec) == "stopped") return {};
    if (since_stats >= interval_ms) {
      if (auto data = cg->stats()) emit({{"type", "stats"}, {"id", id}, {"data", *data}});
      since_stats = 0;
    }
    timespec ts{0, kTickMs * 1'000'000L};
    ::nanosleep(&ts, nullptr);
    since_stats += kTickMs;
  }
}

}  // namespace hako::runtime

namespace hako::runtime {

Result<uint64_t> oom_kills(const Store& store, const std::string& id) {
  // Read after the container stopped too (before delete removes the cgroup):
  // that is when a monitor asks whether the OOM killer ended it.
  TRY_ASSIGN(auto rec, store.load(id));
  TRY_ASSIGN(auto cg, cgroups::from_json(rec.cgroup));
  return cg->oom_kills();
}

}  // namespace hako::runtime
