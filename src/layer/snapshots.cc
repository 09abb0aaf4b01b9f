#include "layer/snapshots.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include "base/fd.h"
#include "base/files.h"
#include "base/strings.h"
#include "layer/copy_tree.h"

namespace hako::layer {
namespace {

std::string hex_of(const std::string& chain_id) {
  auto colon = chain_id.find(':');
  return colon == std::string::npos ? chain_id : chain_id.substr(colon + 1);
}

// overlayfs takes its options in one page; relative lower paths (from the
// layers directory as cwd) make room for ~60 layers of 64-hex names.
constexpr size_t kMaxMountData = 4000;

// Runs `fn` with the working directory set to `dir`, then restores it.
template <typename Fn>
Result<> in_directory(const std::string& dir, Fn&& fn) {
  UniqueFd old(::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!old) return fail_sys("open current directory");
  if (::chdir(dir.c_str()) < 0) return fail_sys("chdir " + dir);
  auto r = fn();
  if (::fchdir(old.get()) < 0) return fail_sys("restore working directory");
  return r;
}

Result<> mount_overlay(const std::string& layers_dir, const std::vector<std::string>& lowers,
                       const std::string& upper, const std::string& work, const std::string& target) {
  std::string data = "lowerdir=" + hako::join(lowers, ":") + ",upperdir=" + upper + ",workdir=" + work;
  if (data.size() > kMaxMountData)
    return fail(ErrorKind::NotSupported, "image has {} layers: more than an overlay mount can stack", lowers.size());
  return in_directory(layers_dir, [&]() -> Result<> {
    if (::mount("overlay", target.c_str(), "overlay", 0, data.c_str()) < 0)
      return fail_sys(fmt::format("mount overlay on {}", target));
    return {};
  });
}

// Removes layers/.tmp-* left by unpacks whose process is gone.
void remove_stale_temps(const std::string& layers_dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(layers_dir.c_str()), ::closedir);
  if (!d) return;
  std::vector<std::string> stale;
  while (dirent* e = ::readdir(d.get())) {
    std::string_view n = e->d_name;
    if (!n.starts_with(".tmp-")) continue;
    auto dash = n.rfind('-');
    auto pid = parse_int(n.substr(dash + 1));
    if (pid && *pid > 0 && (::kill(*pid, 0) == 0 || errno == EPERM)) continue;
    stale.emplace_back(n);
  }
  for (const auto& n : stale) (void)remove_tree(layers_dir + "/" + n);
}

}  // namespace

std::string_view to_string(Driver d) { return d == Driver::Overlay ? "overlay" : "vfs"; }

Result<Driver> parse_driver(std::string_view name) {
  if (name == "overlay" || name == "overlay2" || name == "overlayfs") return Driver::Overlay;
  if (name == "vfs") return Driver::Vfs;
  return fail(ErrorKind::InvalidArgument, "unknown storage driver \"{}\" (use overlay or vfs)", name);
}

bool overlay_works(const std::string& scratch) {
  if (!make_dirs(scratch)) return false;
  for (const char* d : {"/l", "/u", "/w", "/m"})
    if (!make_dirs(scratch + d)) return false;
  std::string data = "lowerdir=" + scratch + "/l,upperdir=" + scratch + "/u,workdir=" + scratch + "/w";
  bool ok = ::mount("overlay", (scratch + "/m").c_str(), "overlay", 0, data.c_str()) == 0;
  if (ok) ::umount2((scratch + "/m").c_str(), MNT_DETACH);
  (void)remove_tree(scratch);
  return ok;
}

Result<Snapshots> Snapshots::open(const std::string& root, std::optional<Driver> wanted) {
  TRY(make_dirs(root + "/layers", 0700));
  TRY(make_dirs(root + "/snapshots", 0700));
  std::string driver_file = root + "/driver";
  std::optional<Driver> recorded;
  if (path_exists(driver_file)) {
    TRY_ASSIGN(auto text, read_file(driver_file));
    TRY_ASSIGN(recorded, parse_driver(trim(text)));
  }
  Driver d;
  if (recorded) {
    if (wanted && *wanted != *recorded)
      return fail(ErrorKind::Conflict, "store {} holds {} layers; it cannot be used with the {} driver", root,
                  to_string(*recorded), to_string(*wanted));
    d = *recorded;
  } else {
    bool overlay = overlay_works(fmt::format("{}/layers/.tmp-probe-{}", root, ::getpid()));
    if (wanted == Driver::Overlay && !overlay)
      return fail(ErrorKind::NotSupported, "the overlay driver was asked for, but overlayfs cannot be mounted here");
    d = wanted.value_or(overlay ? Driver::Overlay : Driver::Vfs);
    TRY(write_file_atomic(driver_file, std::string(to_string(d)) + "\n"));
  }
  remove_stale_temps(root + "/layers");
  return Snapshots(root, d);
}

std::string Snapshots::layer_dir(const std::string& chain_id) const { return root_ + "/layers/" + hex_of(chain_id); }
bool Snapshots::has_layer(const std::string& chain_id) const { return path_exists(layer_dir(chain_id)); }
std::string Snapshots::snapshot_dir(const std::string& key) const { return root_ + "/snapshots/" + key; }
std::string Snapshots::changes_dir(const std::string& key) const {
  return snapshot_dir(key) + (driver_ == Driver::Overlay ? "/upper" : "/rootfs");
}

Result<ApplyStats> Snapshots::unpack(const std::string& chain_id, const std::optional<std::string>& parent,
                                     const std::string& blob_path,
                                     const std::optional<std::string>& expected_diff_id) {
  std::string final_dir = layer_dir(chain_id);
  if (path_exists(final_dir)) return ApplyStats{};
  std::string tmp = fmt::format("{}/layers/.tmp-{}-{}", root_, hex_of(chain_id).substr(0, 12), ::getpid());
  (void)remove_tree(tmp);
  TRY(make_dirs(tmp, 0755));
  auto work = [&]() -> Result<ApplyStats> {
    if (driver_ == Driver::Vfs && parent) TRY(copy_tree(layer_dir(*parent), tmp));
    ApplyOptions opt;
    opt.overlay_whiteouts = driver_ == Driver::Overlay;
    TRY_ASSIGN(auto stats, apply_layer(blob_path, tmp, opt));
    if (expected_diff_id && stats.diff_id != *expected_diff_id)
      return fail(ErrorKind::InvalidArgument, "layer {}: uncompressed content has digest {}, but the image says {}",
                  blob_path, stats.diff_id.empty() ? "(unknown)" : stats.diff_id, *expected_diff_id);
    return stats;
  };
  auto stats = work();
  if (!stats) {
    (void)remove_tree(tmp);
    return std::unexpected(std::move(stats).error().context("unpacking layer " + chain_id));
  }
  if (::rename(tmp.c_str(), final_dir.c_str()) < 0) {
    int err = errno;
    (void)remove_tree(tmp);
    // Another process unpacked the same layer meanwhile: theirs is as good.
    if ((err == EEXIST || err == ENOTEMPTY) && path_exists(final_dir)) return *stats;
    return fail_sys("rename " + final_dir, err);
  }
  return *stats;
}

Result<> Snapshots::remove_layer(const std::string& chain_id) {
  // Rename first so a half-deleted tree never sits under a live name.
  std::string dir = layer_dir(chain_id);
  if (!path_exists(dir)) return {};
  std::string doomed = fmt::format("{}/layers/.tmp-rm-{}-{}", root_, hex_of(chain_id).substr(0, 12), ::getpid());
  if (::rename(dir.c_str(), doomed.c_str()) < 0) return fail_sys("rename " + dir);
  return remove_tree(doomed);
}

Result<> Snapshots::prepare(const std::string& key, const std::vector<std::string>& layers) {
  std::string dir = snapshot_dir(key);
  if (path_exists(dir)) return fail(ErrorKind::AlreadyExists, "snapshot {} already exists", key);
  TRY(make_dirs(dir, 0700));
  auto work = [&]() -> Result<> {
    for (const auto& l : layers)
      if (!has_layer(l)) return fail(ErrorKind::NotFound, "layer {} is not unpacked", l);
    if (driver_ == Driver::Overlay) {
      TRY(make_dirs(dir + "/upper", 0755));
      TRY(make_dirs(dir + "/work", 0700));
      TRY(make_dirs(dir + "/merged", 0755));
      return {};
    }
    TRY(make_dirs(dir + "/rootfs", 0755));
    if (!layers.empty()) TRY(copy_tree(layer_dir(layers.back()), dir + "/rootfs"));
    return {};
  };
  auto r = work();
  if (!r) (void)remove_tree(dir);
  return r;
}

Result<std::string> Snapshots::mount(const std::string& key, const std::vector<std::string>& layers) {
  std::string dir = snapshot_dir(key);
  if (!path_exists(dir)) return fail(ErrorKind::NotFound, "snapshot {} does not exist", key);
  if (driver_ == Driver::Vfs) return dir + "/rootfs";
  std::vector<std::string> lowers;
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) lowers.push_back(hex_of(*it));
  if (lowers.empty()) {
    // overlayfs needs a lower layer; an image with none gets an empty one.
    TRY(make_dirs(root_ + "/layers/.empty", 0755));
    lowers.push_back(".empty");
  }
  TRY(mount_overlay(root_ + "/layers", lowers, "../snapshots/" + key + "/upper", "../snapshots/" + key + "/work",
                    dir + "/merged"));
  return dir + "/merged";
}

Result<std::string> Snapshots::mount_readonly_view(const std::vector<std::string>& layers,
                                                   const std::string& target) {
  if (layers.empty()) return target;
  if (driver_ == Driver::Vfs || layers.size() == 1) return layer_dir(layers.back());
  std::vector<std::string> lowers;
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) lowers.push_back(hex_of(*it));
  std::string data = "lowerdir=" + hako::join(lowers, ":");
  if (data.size() > kMaxMountData)
    return fail(ErrorKind::NotSupported, "image has {} layers: more than an overlay mount can stack", lowers.size());
  TRY(in_directory(root_ + "/layers", [&]() -> Result<> {
    if (::mount("overlay", target.c_str(), "overlay", MS_RDONLY, data.c_str()) < 0)
      return fail_sys(fmt::format("mount overlay on {}", target));
    return {};
  }));
  return target;
}

Result<> Snapshots::unmount(const std::string& key) {
  if (driver_ == Driver::Vfs) return {};
  std::string merged = snapshot_dir(key) + "/merged";
  if (::umount2(merged.c_str(), MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
    return fail_sys("unmount " + merged);
  return {};
}

Result<> Snapshots::remove(const std::string& key) {
  std::string dir = snapshot_dir(key);
  if (!path_exists(dir)) return {};
  TRY(unmount(key));
  return remove_tree(dir);
}

}  // namespace hako::layer
