// Where the runtime keeps its containers: one directory per container under
// the --root, holding state.json (what `state` and `list` need), the copy of
// config.json the container was created from, and a lock file.
//
// The status is derived, never trusted from disk alone: a container whose
// init is gone (or whose pid now belongs to another process, told apart by
// its start time) is "stopped"; one whose cgroup is frozen is "paused".
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/error.h"
#include "base/json.h"
#include "base/lock.h"
#include "oci/spec.h"
#include "oci/state.h"

namespace hako::runtime {

// runc's rule: letters, digits, '_', '+', '-', '.'; not "." or "..".
Result<> validate_id(const std::string& id);

struct Record {
  std::string id;
  std::string bundle;
  std::string rootfs;
  pid_t pid = 0;
  unsigned long long start_time = 0;
  bool started = false;  // start (or run) handed over to the user's process
  bool host_mounts = false;  // no mount namespace: its mounts live in ours
  std::string created;   // RFC 3339
  std::string owner;
  Json cgroup;           // what the cgroup manager saved
  std::map<std::string, std::string> annotations;

  Json to_json() const;
  static Result<Record> from_json(const Json& j);
};

class Store {
 public:
  explicit Store(std::string root) : root_(std::move(root)) {}
  const std::string& root() const { return root_; }
  std::string dir(const std::string& id) const { return root_ + "/" + id; }
  // Generated seccomp programs (linux/seccomp_filter.h); a dot name, which
  // ids() skips.
  std::string seccomp_cache() const { return root_ + "/.seccomp-cache"; }

  // Makes the container's directory; AlreadyExists if the id is taken.
  Result<> reserve(const std::string& id) const;
  Result<> save(const Record& r) const;
  Result<Record> load(const std::string& id) const;
  Result<> save_spec(const std::string& id, const std::string& config_text) const;
  Result<oci::Spec> load_spec(const std::string& id) const;
  Result<> remove(const std::string& id) const;
  Result<std::vector<std::string>> ids() const;
  Result<FileLock> lock(const std::string& id) const;

 private:
  std::string root_;
};

// "created", "running", "paused" or "stopped".
std::string current_status(const Record& r);
oci::State state_of(const Record& r, const std::string& status);

}  // namespace hako::runtime
