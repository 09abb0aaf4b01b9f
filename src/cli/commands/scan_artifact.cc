// Reading the thing to scan (see scan_artifact.h).
#include "cli/commands/scan_artifact.h"

#include <fcntl.h>
#include <cerrno>
#include <cstring>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/files.h"
#include "base/fd.h"
#include "image/archive/archive.h"
#include "image/platform.h"
#include "scan/scanner/collect.h"
#include "store/gc.h"

namespace hako::cli {
namespace {

using scan::report::Inventory;

// Mounts made from here on stay in this process: the view of an image
// disappears with it whatever happens.
Result<> private_mount_namespace() {
  if (::unshare(CLONE_NEWNS) < 0) return fail_sys("unshare(CLONE_NEWNS) for the image view");
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) return fail_sys("make / private");
  return {};
}

// Removes a directory made for the scan when the scan is over.
struct TempDir {
  std::string path;
  ~TempDir() {
    if (!path.empty()) (void)remove_tree(path);
  }
};

Result<std::string> make_temp_dir(const std::string& root, const char* prefix) {
  std::string parent = root + "/tmp";
  TRY(make_dirs(parent, 0700));
  std::string tmpl = parent + "/" + prefix + "XXXXXX";
  if (!::mkdtemp(tmpl.data())) return fail_sys("mkdtemp " + tmpl);
  return tmpl;
}

// Scans an image recorded in `store`.
Result<> inventory_of_image(image::ImageStore& store, const store::ImageRecord& image, const std::string& root,
                            Inventory* inv) {
  TRY_ASSIGN(auto config, store.config(image));
  inv->image_id = image.id;
  inv->repo_tags = image::ImageStore::tags_of(image);
  inv->repo_digests = image::ImageStore::digests_of(image);
  for (auto& t : inv->repo_tags) t = Context::familiar(t);
  for (auto& d : inv->repo_digests) d = Context::familiar(d);
  // History rows with empty_layer have no layer; the others pair with
  // diff ids in order.
  std::vector<std::string> created_by;
  for (const auto& h : config.history)
    if (!h.empty_layer) created_by.push_back(h.created_by);
  scan::LayerTrees trees;
  trees.cumulative = store.snapshots().driver() == layer::Driver::Vfs;
  for (size_t i = 0; i < image.layers.size(); ++i) {
    TRY_ASSIGN(auto rec, store.db().layer_by_chain_id(image.layers[i]));
    inv->layers.push_back({rec.diff_id, i < created_by.size() ? created_by[i] : ""});
    trees.layers.push_back({store.snapshots().layer_dir(image.layers[i]), rec.diff_id});
  }
  // GC waits while a writer lock is held: the layers stay while we read.
  TRY_ASSIGN(auto lock, store::writer_lock(root));
  TRY_ASSIGN(std::string mountpoint, make_temp_dir(root, "scan-view-"));
  TRY_ASSIGN(std::string view, store.snapshots().mount_readonly_view(image.layers, mountpoint));
  auto collected = scan::collect_packages(view, &trees, inv);
  // In the private namespace a failed unmount only delays the kernel's
  // cleanup to this process's exit; the directory goes either way.
  if (view == mountpoint) ::umount2(mountpoint.c_str(), MNT_DETACH);
  ::rmdir(mountpoint.c_str());
  return collected;
}

}  // namespace

std::vector<Flag> artifact_flags() {
  return {{"rootfs", 0, Flag::String, "", "Scan an unpacked root filesystem instead of an image", "DIR"},
          {"input", 0, Flag::String, "", "Scan an image archive (docker save or OCI layout tar)", "ARCHIVE"}};
}

Result<> check_artifact_args(const ParsedFlags& p) {
  int given = static_cast<int>(p.set("rootfs")) + static_cast<int>(p.set("input")) + (p.args().empty() ? 0 : 1);
  if (given == 0) return fail(ErrorKind::InvalidArgument, "name an image, --rootfs DIR or --input ARCHIVE");
  if (given > 1) return fail(ErrorKind::InvalidArgument, "give only one of IMAGE, --rootfs and --input");
  return {};
}

Result<Inventory> inventory_of_artifact(Context& ctx, const ParsedFlags& p) {
  Inventory inv;
  TRY(check_artifact_args(p));
  if (p.set("rootfs")) {
    std::string dir = p.str("rootfs");
    struct stat st {};
    if (::stat(dir.c_str(), &st) < 0 || !S_ISDIR(st.st_mode))
      return fail(ErrorKind::NotFound, "--rootfs {}: no such directory", dir);
    inv.artifact_name = dir;
    inv.artifact_type = "filesystem";
    TRY(scan::collect_packages(dir, nullptr, &inv));
    return inv;
  }
  const std::string& root = ctx.globals.root;
  if (p.set("input")) {
    std::string path = p.str("input");
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return fail(ErrorKind::NotFound, "--input {}: {}", path, std::strerror(errno));
    TRY(private_mount_namespace());
    TempDir tmp;
    TRY_ASSIGN(tmp.path, make_temp_dir(root, "scan-input-"));
    image::StoreOptions opts;
    if (!ctx.globals.storage_driver.empty()) {
      TRY_ASSIGN(opts.driver, layer::parse_driver(ctx.globals.storage_driver));
    }
    TRY_ASSIGN(auto store, image::ImageStore::open(tmp.path, opts));
    auto entries = image::read_image_archive(fd.get(), store.blobs());
    if (!entries) return fail(entries.error().kind(), "--input {}: {}", path, entries.error().message());
    if (entries->empty()) return fail(ErrorKind::InvalidArgument, "--input {}: the archive holds no image", path);
    const auto& e = entries->front();
    TRY_ASSIGN(auto added, store.add_image(e.manifest, e.media_type, image::default_platform(), e.names, {}));
    TRY_ASSIGN(auto record, store.find(added.id));
    inv.artifact_name = path;
    inv.artifact_type = "archive";
    TRY(inventory_of_image(store, record, tmp.path, &inv));
    return inv;
  }
  TRY(private_mount_namespace());
  TRY_ASSIGN(auto store, ctx.images());
  auto record = store->find(p.args().front());
  if (!record) {
    if (record.error().kind() == ErrorKind::NotFound)
      return fail(ErrorKind::NotFound, "No such image: {}", p.args().front());
    return std::unexpected(record.error());
  }
  inv.artifact_name = p.args().front();
  inv.artifact_type = "container_image";
  TRY(inventory_of_image(*store, *record, root, &inv));
  return inv;
}

}  // namespace hako::cli
