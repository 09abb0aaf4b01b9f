#include "volume/volume_store.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "base/clock.h"
#include "base/files.h"
#include "base/json.h"
#include "base/sizes.h"
#include "base/strings.h"
#include "volume/mount_spec.h"

namespace hako::volume {
namespace {

// Docker's errNameConflict, which its conflict messages wrap.
constexpr std::string_view kNameConflict = "volume name must be unique";

Result<std::map<std::string, std::string>> string_map(const std::string& text, std::string_view what) {
  TRY_ASSIGN(Json j, parse_json(text, what));
  if (!j.is_object()) return fail(ErrorKind::Internal, "{}: expected a JSON object", what);
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : j.items()) {
    if (!v.is_string()) return fail(ErrorKind::Internal, "{}.{}: expected a string", what, k);
    out[k] = v.get<std::string>();
  }
  return out;
}

Result<std::vector<VolumeRecord>> rows(store::sql::Statement& st) {
  std::vector<VolumeRecord> out;
  for (;;) {
    TRY_ASSIGN(bool row, st.step());
    if (!row) return out;
    VolumeRecord v;
    v.name = st.text(0);
    v.created = st.text(1);
    v.driver = st.text(2);
    TRY_ASSIGN(v.options, string_map(st.text(3), "volume " + v.name + " options"));
    TRY_ASSIGN(v.labels, string_map(st.text(4), "volume " + v.name + " labels"));
    v.anonymous = st.int64(5) != 0;
    out.push_back(std::move(v));
  }
}

constexpr std::string_view kSelect = "SELECT name, created, driver, options, labels, anonymous FROM volumes";

}  // namespace

Result<> validate_local_options(const std::map<std::string, std::string>& opts) {
  for (const auto& [k, v] : opts) {
    if (k != "type" && k != "device" && k != "o" && k != "size")
      return fail(ErrorKind::InvalidArgument, "invalid option: \"{}\"", k);
  }
  if (auto it = opts.find("size"); it != opts.end()) {
    TRY_ASSIGN(int64_t size, parse_ram_bytes(it->second));
    if (size > 0) return fail(ErrorKind::InvalidArgument, "quota size requested but no quota support");
  }
  // Docker's mandatoryOpts, checked in a fixed order.
  auto need = [&](const char* opt, std::initializer_list<const char*> required) -> Result<> {
    if (!opts.contains(opt)) return {};
    for (const char* r : required)
      if (!opts.contains(r)) return fail(ErrorKind::InvalidArgument, "missing required option: \"{}\"", r);
    return {};
  };
  TRY(need("device", {"type"}));
  TRY(need("type", {"device"}));
  TRY(need("o", {"device", "type"}));
  if (auto type = opts.find("type"); type != opts.end() && type->second == "none") {
    bool bind = false;
    if (auto o = opts.find("o"); o != opts.end())
      for (const auto& opt : split(o->second, ','))
        if (opt == "bind" || opt == "rbind") bind = true;
    if (bind) {
      const std::string& device = opts.at("device");
      struct stat st;
      if (::stat(device.c_str(), &st) < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
          return fail(ErrorKind::InvalidArgument, "bind source path does not exist: {}", device);
        return fail_sys(fmt::format("stat {}", device));
      }
      if (!S_ISDIR(st.st_mode)) return fail(ErrorKind::InvalidArgument, "bind source path is not a directory: {}", device);
    }
  }
  return {};
}

std::string VolumeStore::volume_dir(std::string_view name) const { return fmt::format("{}/volumes/{}", root_, name); }

std::string VolumeStore::data_dir(std::string_view name) const { return volume_dir(name) + "/_data"; }

Result<VolumeRecord> VolumeStore::create(VolumeRecord v) {
  if (v.driver.empty()) v.driver = "local";
  if (v.driver != "local")
    return fail(ErrorKind::NotFound, "error looking up volume plugin {}: plugin \"{}\" not found", v.driver, v.driver);
  if (v.name.empty()) {
    v.name = random_hex_id();
    v.anonymous = true;
    v.labels.emplace("com.docker.volume.anonymous", "");
  }
  TRY(validate_volume_name(v.name));
  TRY(validate_local_options(v.options));
  if (v.created.empty()) v.created = now_rfc3339();
  {
    TRY_ASSIGN(auto tx, db_.transaction());
    TRY_ASSIGN(auto st, db_.db().query(std::string(kSelect) + " WHERE name = ?", v.name));
    TRY_ASSIGN(auto found, rows(st));
    if (!found.empty()) {
      const VolumeRecord& existing = found[0];
      if (existing.driver != v.driver)
        return fail(ErrorKind::Conflict, "driver '{}' already has volume '{}': {}", existing.driver, v.name,
                    kNameConflict);
      if (!v.options.empty() && v.options != existing.options)
        return fail(ErrorKind::Conflict, "volume '{}' already exists with different options: {}", v.name,
                    kNameConflict);
      TRY(tx.commit());
      TRY(make_dirs(data_dir(v.name), 0755));
      return existing;
    }
    TRY(db_.db().run("INSERT INTO volumes (name, created, driver, options, labels, anonymous) VALUES (?, ?, ?, ?, ?, ?)",
                     v.name, v.created, v.driver, Json(v.options).dump(), Json(v.labels).dump(),
                     v.anonymous ? 1 : 0));
    TRY(tx.commit());
  }
  auto made = make_dirs(fmt::format("{}/volumes", root_), 0701);
  if (made) made = make_dirs(data_dir(v.name), 0755);
  if (!made) {
    (void)db_.db().run("DELETE FROM volumes WHERE name = ?", v.name);
    return std::unexpected(std::move(made).error().context(fmt::format("create {}", v.name)));
  }
  return v;
}

Result<VolumeRecord> VolumeStore::get(std::string_view name) {
  TRY_ASSIGN(auto st, db_.db().query(std::string(kSelect) + " WHERE name = ?", name));
  TRY_ASSIGN(auto found, rows(st));
  if (found.empty()) return fail(ErrorKind::NotFound, "get {}: no such volume", name);
  return found[0];
}

Result<std::vector<VolumeRecord>> VolumeStore::list() {
  TRY_ASSIGN(auto st, db_.db().query(std::string(kSelect) + " ORDER BY name"));
  return rows(st);
}

namespace {

// Whether `path` is the root of a mount (statx knows, whatever the device).
bool is_mount_root(const std::string& path) {
  struct statx stx {};
  if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, 0, &stx) != 0) return false;
  return (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

}  // namespace

Result<> VolumeStore::mount_options(const VolumeRecord& v) {
  auto type = v.options.find("type");
  if (type == v.options.end()) return {};
  std::string dir = data_dir(v.name);
  if (is_mount_root(dir)) return {};
  // o= as mount(8) takes it: the flags it knows become flags, the rest data.
  unsigned long flags = 0;
  std::string data;
  auto o = v.options.find("o");
  for (const auto& opt : o == v.options.end() ? std::vector<std::string>{} : split(o->second, ',')) {
    if (opt == "bind") flags |= MS_BIND;
    else if (opt == "rbind") flags |= MS_BIND | MS_REC;
    else if (opt == "ro") flags |= MS_RDONLY;
    else if (opt == "nosuid") flags |= MS_NOSUID;
    else if (opt == "nodev") flags |= MS_NODEV;
    else if (opt == "noexec") flags |= MS_NOEXEC;
    else data += (data.empty() ? "" : ",") + opt;
  }
  const std::string& device = v.options.at("device");
  const char* fstype = type->second == "none" ? nullptr : type->second.c_str();
  if (::mount(device.c_str(), dir.c_str(), fstype, flags, data.empty() ? nullptr : data.c_str()) < 0)
    return fail_sys(fmt::format("mount {} on {} (volume {}, type {})", device, dir, v.name, type->second));
  return {};
}

Result<> VolumeStore::unmount_options(std::string_view name) {
  std::string dir = data_dir(name);
  while (is_mount_root(dir))
    if (::umount2(dir.c_str(), MNT_DETACH) < 0) return fail_sys("umount " + dir);
  return {};
}

Result<> VolumeStore::remove(std::string_view name) {
  TRY(get(name));
  // A volume with the local driver's options is a mount (made at first use).
  (void)unmount_options(name);
  // The data first, as Docker does: if that fails the volume stays listed
  // and removable again.
  TRY_CTX(remove_tree(volume_dir(name)), fmt::format("remove {}", name));
  TRY(db_.db().run("DELETE FROM volumes WHERE name = ?", name));
  return {};
}

}  // namespace hako::volume
