#include "runtime/store.h"

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/files.h"
#include "base/strings.h"
#include "cgroups/manager.h"
#include "linux/process.h"

namespace hako::runtime {

Result<> validate_id(const std::string& id) {
  bool ok = !id.empty() && id != "." && id != ".." && id.size() <= 1024;
  for (char c : id)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '+' || c == '-' || c == '.')) ok = false;
  if (!ok)
    return fail(ErrorKind::InvalidArgument,
                "invalid container id \"{}\": use letters, digits and _ + - . only (not \".\" or \"..\")", id);
  return {};
}

Json Record::to_json() const {
  return {{"id", id},           {"bundle", bundle}, {"rootfs", rootfs},   {"pid", pid},
          {"start_time", start_time}, {"started", started}, {"host_mounts", host_mounts}, {"created", created}, {"owner", owner},
          {"cgroup", cgroup},   {"annotations", annotations}};
}

Result<Record> Record::from_json(const Json& j) {
  if (!j.is_object()) return fail(ErrorKind::Internal, "state.json is not an object");
  Record r;
  try {
    r.id = j.at("id").get<std::string>();
    r.bundle = j.value("bundle", "");
    r.rootfs = j.value("rootfs", "");
    r.pid = j.value("pid", 0);
    r.start_time = j.value("start_time", 0ULL);
    r.started = j.value("started", false);
    r.host_mounts = j.value("host_mounts", false);
    r.created = j.value("created", "");
    r.owner = j.value("owner", "");
    r.cgroup = j.value("cgroup", Json::object());
    r.annotations = j.value("annotations", std::map<std::string, std::string>{});
  } catch (const Json::exception& e) {
    return fail(ErrorKind::Internal, "state.json: {}", e.what());
  }
  return r;
}

Result<> Store::reserve(const std::string& id) const {
  TRY(make_dirs(root_, 0711));
  if (::mkdir(dir(id).c_str(), 0711) < 0) {
    if (errno == EEXIST) return fail(ErrorKind::AlreadyExists, "container with id \"{}\" already exists", id);
    return fail_sys(fmt::format("creating state directory {}", dir(id)));
  }
  return {};
}

Result<> Store::save(const Record& r) const {
  return write_file_atomic(dir(r.id) + "/state.json", r.to_json().dump(), 0600);
}

Result<Record> Store::load(const std::string& id) const {
  TRY(validate_id(id));
  auto text = read_file(dir(id) + "/state.json");
  if (!text) {
    if (text.error().kind() == ErrorKind::NotFound)
      return fail(ErrorKind::NotFound, "container \"{}\" does not exist", id);
    return std::unexpected(text.error());
  }
  TRY_ASSIGN(auto j, parse_json(*text, dir(id) + "/state.json"));
  return Record::from_json(j);
}

Result<> Store::save_spec(const std::string& id, const std::string& config_text) const {
  return write_file(dir(id) + "/config.json", config_text, 0600);
}

Result<oci::Spec> Store::load_spec(const std::string& id) const { return oci::load_spec(dir(id) + "/config.json"); }

Result<> Store::remove(const std::string& id) const { return remove_tree(dir(id)); }

Result<std::vector<std::string>> Store::ids() const {
  std::vector<std::string> out;
  DIR* d = ::opendir(root_.c_str());
  if (!d) {
    if (errno == ENOENT) return out;
    return fail_sys(fmt::format("opening {}", root_));
  }
  while (auto* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    if (path_exists(dir(e->d_name) + "/state.json")) out.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

Result<FileLock> Store::lock(const std::string& id) const {
  if (!path_exists(dir(id))) return fail(ErrorKind::NotFound, "container \"{}\" does not exist", id);
  return FileLock::exclusive(dir(id) + "/lock");
}

static bool frozen(const Record& r) {
  auto m = cgroups::from_json(r.cgroup);
  if (!m) return false;
  auto f = (*m)->frozen();
  return f && *f;
}

std::string current_status(const Record& r) {
  if (r.pid <= 0) return "stopped";
  if (!linux::process_alive(r.pid)) return "stopped";
  auto st = linux::process_start_time(r.pid);
  if (!st || *st != r.start_time) return "stopped";
  if (frozen(r)) return "paused";
  return r.started ? "running" : "created";
}

oci::State state_of(const Record& r, const std::string& status) {
  oci::State s;
  s.id = r.id;
  s.status = status;
  s.pid = status == "stopped" ? 0 : r.pid;
  s.bundle = r.bundle;
  s.annotations = r.annotations;
  return s;
}

}  // namespace hako::runtime
