#include "engine/copy.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>

#include "base/files.h"
#include "engine/copy_paths.h"
#include "layer/apply.h"
#include "layer/resource_tar.h"
#include "linux/safe_path.h"
#include "sys/syscalls.h"

namespace hako::engine {
namespace {

constexpr uint64_t kInRoot = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

// An overlay rootfs is mounted when merged/ is another filesystem than the
// snapshot directory holding it.
bool mounted(const std::string& snapshot_dir) {
  struct stat outer, inner;
  return ::stat(snapshot_dir.c_str(), &outer) == 0 && ::stat((snapshot_dir + "/merged").c_str(), &inner) == 0 &&
         outer.st_dev != inner.st_dev;
}

// `abs` (clean, absolute) as openat2 takes it inside the root.
std::string relative(const std::string& abs) {
  size_t i = abs.find_first_not_of('/');
  return i == std::string::npos ? "." : abs.substr(i);
}

}  // namespace

Result<ContainerFs> ContainerFs::open(Engine& engine, const std::string& id, const std::string& shown) {
  ContainerFs fs(engine, id, shown);
  TRY_ASSIGN(auto ci, engine.info(id));
  TRY_ASSIGN(auto image, engine.images().db().get_image(ci.record.image_id));
  auto files = engine.files(id);
  if (auto text = read_file(files.bundle() + "/config.json")) {
    if (auto spec = parse_json(*text, "container spec"); spec && spec->contains("root"))
      fs.read_only_ = (*spec)["root"].value("readonly", false);
  }
  auto& snaps = engine.images().snapshots();
  std::string dir = snaps.snapshot_dir(id), rootfs;
  if (snaps.driver() == layer::Driver::Vfs) {
    rootfs = dir + "/rootfs";
  } else if (mounted(dir)) {
    rootfs = dir + "/merged";  // running (or being started): share its mount
  } else {
    // Stopped. Mount it ourselves, holding the lock that `start` takes, so
    // the container cannot start on a rootfs we are about to unmount.
    TRY_ASSIGN(auto lock, files.lock());
    fs.lock_.emplace(std::move(lock));
    if (mounted(dir)) {
      fs.lock_.reset();
      rootfs = dir + "/merged";
    } else {
      TRY_ASSIGN(rootfs, snaps.mount(id, image.layers));
      fs.mounted_here_ = true;
    }
  }
  // The fd keeps the filesystem reachable even if the container stops and
  // its monitor detaches the mount while we copy.
  fs.root_.reset(::open(rootfs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fs.root_) return fail_sys("open " + rootfs);
  return fs;
}

ContainerFs::ContainerFs(ContainerFs&& o) noexcept
    : engine_(o.engine_),
      id_(std::move(o.id_)),
      shown_(std::move(o.shown_)),
      root_(std::move(o.root_)),
      read_only_(o.read_only_),
      mounted_here_(o.mounted_here_),
      lock_(std::move(o.lock_)) {
  o.mounted_here_ = false;
}

ContainerFs::~ContainerFs() {
  root_.reset();
  if (mounted_here_) (void)engine_->images().snapshots().unmount(id_);
}

Result<ContainerFs::Located> ContainerFs::locate(const std::string& abs, const std::string& shown_path) {
  auto [dir, entry] = cp::split(abs);
  TRY_ASSIGN(std::string resolved, cp::follow_in_root(root_.get(), dir));
  int fd = sys::openat2(root_.get(), relative(resolved).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, kInRoot);
  if (fd < 0) {
    if (errno == ENOENT) return not_found(shown_path);
    return fail_sys("lstat " + abs);
  }
  Located l{UniqueFd(fd), resolved, entry.empty() ? "." : entry};
  struct stat st;
  if (::fstatat(l.dir.get(), l.entry.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) return not_found(shown_path);
    return fail_sys("lstat " + abs);
  }
  l.st = st;
  return l;
}

std::unexpected<Error> ContainerFs::not_found(const std::string& path) const {
  return fail(ErrorKind::NotFound, "Could not find the file {} in container {}", path, shown_);
}

Result<PathStat> ContainerFs::stat(const std::string& path) {
  std::string abs = cp::container_abs(path);
  TRY_ASSIGN(auto l, locate(abs, path));
  PathStat s;
  s.name = cp::base_name(abs);
  s.mode = l.st.st_mode;
  s.size = l.st.st_size;
  if (S_ISLNK(l.st.st_mode)) {
    TRY_ASSIGN(s.link_target, cp::follow_in_root(root_.get(), cp::clean(l.resolved_dir + "/" + l.entry)));
  }
  return s;
}

Result<uint64_t> ContainerFs::archive(const std::string& path, const std::string& top, int fd) {
  std::string abs = cp::container_abs(path);
  TRY_ASSIGN(auto l, locate(abs, path));
  std::string name = top;
  if (name.empty()) name = cp::base_name(abs) == "/" ? "." : cp::base_name(abs);
  return layer::write_resource_tar(l.dir.get(), l.entry, name, fd);
}

Result<uint64_t> ContainerFs::extract(const std::string& dir, int fd, bool keep_owners) {
  if (read_only_) return fail(ErrorKind::PermissionDenied, "container rootfs is marked read-only");
  TRY_ASSIGN(std::string resolved, cp::follow_in_root(root_.get(), cp::container_abs(dir)));
  int d = sys::openat2(root_.get(), relative(resolved).c_str(), O_PATH | O_CLOEXEC, 0, kInRoot);
  if (d < 0) {
    if (errno == ENOENT) return not_found(dir);
    return fail_sys("lstat " + resolved);
  }
  UniqueFd target(d);
  struct stat st;
  if (::fstat(target.get(), &st) < 0) return fail_sys("lstat " + resolved);
  if (!S_ISDIR(st.st_mode)) return fail(ErrorKind::InvalidArgument, "extraction point is not a directory");
  layer::ApplyOptions o;
  o.base = resolved == "/" ? "" : resolved.substr(1);
  o.whiteouts = false;
  o.replace_dirs = false;
  o.set_owners = keep_owners;  // else created by us: owned by root
  TRY_ASSIGN(auto stats, layer::apply_layer(fd, linux::fd_path(root_.get()), o));
  return stats.uncompressed_size;
}

}  // namespace hako::engine
