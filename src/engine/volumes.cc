#include "engine/volumes.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>

#include "base/fd.h"
#include "base/files.h"
#include "engine/containers.h"
#include "layer/copy_tree.h"
#include "linux/safe_path.h"
#include "volume/mount_spec.h"
#include "volume/volume_store.h"

namespace hako::engine {
namespace {

bool dir_is_empty(const std::string& path) {
  DIR* d = ::opendir(path.c_str());
  if (!d) return true;
  bool empty = true;
  while (dirent* e = ::readdir(d))
    if (std::string_view(e->d_name) != "." && std::string_view(e->d_name) != "..") {
      empty = false;
      break;
    }
  ::closedir(d);
  return empty;
}

}  // namespace

Result<ResolvedMounts> resolve_mounts(store::Metadata& db, const std::string& engine_root,
                                      const std::vector<std::string>& volume_flags,
                                      const std::vector<std::string>& mount_flags,
                                      const std::vector<std::string>& image_volumes) {
  std::vector<volume::MountSpec> specs;
  for (const auto& v : volume_flags) {
    TRY_ASSIGN(auto s, volume::parse_volume_flag(v));
    specs.push_back(std::move(s));
  }
  for (const auto& m : mount_flags) {
    TRY_ASSIGN(auto s, volume::parse_mount_flag(m));
    specs.push_back(std::move(s));
  }
  std::set<std::string> targets;
  for (const auto& s : specs)
    if (!targets.insert(s.target).second)
      return fail(ErrorKind::InvalidArgument, "Duplicate mount point: {}", s.target);
  // The image's VOLUMEs the user did not mount anything on: anonymous volumes.
  for (const auto& v : image_volumes) {
    std::string target = v;
    while (target.size() > 1 && target.back() == '/') target.pop_back();
    if (target.empty() || target[0] != '/' || targets.contains(target)) continue;
    volume::MountSpec s;
    s.type = volume::MountSpec::Volume;
    s.target = target;
    targets.insert(target);
    specs.push_back(std::move(s));
  }

  volume::VolumeStore volumes(db, engine_root);
  ResolvedMounts out;
  for (const auto& s : specs) {
    oci::Mount m;
    m.destination = s.target;
    Json used = {{"Destination", s.target}, {"RW", !s.readonly}};
    if (s.type == volume::MountSpec::Tmpfs) {
      m.type = "tmpfs";
      m.source = "tmpfs";
      m.options = {"nosuid", "nodev", "noexec"};
      if (s.tmpfs_size > 0) m.options.push_back(fmt::format("size={}", s.tmpfs_size));
      if (s.tmpfs_mode) m.options.push_back(fmt::format("mode={:o}", *s.tmpfs_mode));
      used["Type"] = "tmpfs";
    } else if (s.type == volume::MountSpec::Bind) {
      if (!path_exists(s.source)) TRY(make_dirs(s.source, 0755));  // -v creates it, as Docker does
      m.type = "bind";
      m.source = s.source;
      m.options = {s.bind_nonrecursive ? "bind" : "rbind", s.propagation.empty() ? "rprivate" : s.propagation};
      used["Type"] = "bind";
      used["Source"] = s.source;
    } else {
      bool existed = !s.source.empty() && volumes.get(s.source).has_value();
      volume::VolumeRecord want;
      want.name = s.source;
      want.driver = s.volume_driver.empty() ? "local" : s.volume_driver;
      want.options = s.volume_opts;
      want.labels = s.volume_labels;
      TRY_ASSIGN(auto v, volumes.create(want));
      TRY(volumes.mount_options(v));
      m.type = "bind";
      m.source = volumes.data_dir(v.name);
      m.options = {"rbind", "rprivate"};
      used["Type"] = "volume";
      used["Name"] = v.name;
      used["Source"] = m.source;
      used["Anonymous"] = v.anonymous;
      used["Driver"] = v.driver;
      if (!existed && !s.nocopy) out.copy_up.emplace_back(m.source, s.target);
    }
    if (s.readonly) m.options.push_back("ro");
    out.mounts.push_back(std::move(m));
    out.used.push_back(std::move(used));
  }
  return out;
}

Result<> copy_up_volumes(const std::string& rootfs, const ResolvedMounts& resolved) {
  if (resolved.copy_up.empty()) return {};
  UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return fail_sys("open " + rootfs);
  for (const auto& [data_dir, target] : resolved.copy_up) {
    auto at = linux::open_in_root(root.get(), target, linux::Create::Nothing);
    if (!at) continue;  // the image has nothing there
    std::string from = linux::fd_path(at->get());
    struct stat st;
    if (::stat(from.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || dir_is_empty(from)) continue;
    if (!dir_is_empty(data_dir)) continue;  // filled meanwhile by someone else
    TRY_CTX(layer::copy_tree(from, data_dir), "copying the image's " + target + " into its volume");
  }
  return {};
}

std::vector<std::pair<std::string, bool>> container_volumes(const Json& run_options) {
  std::vector<std::pair<std::string, bool>> out;
  for (const auto& m : run_options.value("Mounts", Json::array()))
    if (m.value("Type", "") == "volume") out.emplace_back(m.value("Name", ""), m.value("Anonymous", false));
  return out;
}

Result<std::vector<std::string>> volume_users(Engine& eng, const std::string& name) {
  TRY_ASSIGN(auto all, eng.list());
  std::vector<std::string> out;
  for (const auto& ci : all)
    for (const auto& [v, _] : container_volumes(ci.config.run_options))
      if (v == name) out.push_back(ci.config.id);
  return out;
}

Result<std::vector<std::string>> volumes_from(Engine& eng, const std::vector<std::string>& specs) {
  std::vector<std::string> out;
  for (const auto& spec : specs) {
    size_t colon = spec.rfind(':');
    std::string name = spec, mode;
    if (colon != std::string::npos && (spec.substr(colon + 1) == "ro" || spec.substr(colon + 1) == "rw")) {
      name = spec.substr(0, colon);
      mode = spec.substr(colon + 1);
    }
    TRY_ASSIGN(auto id, eng.resolve(name));
    TRY_ASSIGN(auto ci, eng.info(id));
    for (const auto& m : ci.config.run_options.value("Mounts", Json::array())) {
      std::string type = m.value("Type", "");
      std::string source = type == "volume" ? m.value("Name", "") : m.value("Source", "");
      if (type == "tmpfs" || source.empty()) continue;  // Docker does not share tmpfs mounts
      bool ro = mode.empty() ? !m.value("RW", true) : mode == "ro";
      out.push_back(source + ":" + m.value("Destination", "") + (ro ? ":ro" : ""));
    }
  }
  return out;
}

Result<> remove_anonymous_volumes(Engine& eng, const Json& run_options) {
  volume::VolumeStore volumes(eng.images().db(), eng.root());
  for (const auto& [name, anonymous] : container_volumes(run_options)) {
    if (!anonymous) continue;
    TRY_ASSIGN(auto users, volume_users(eng, name));
    if (users.empty()) TRY(volumes.remove(name));
  }
  return {};
}

}  // namespace hako::engine
