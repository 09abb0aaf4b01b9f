#include "engine/build_executor.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <set>
#include <thread>

#include "base/fd.h"
#include "base/files.h"
#include "base/strings.h"
#include "engine/attach_client.h"
#include "engine/layer_commit.h"
#include "engine/run_container.h"
#include "image/registry/http.h"
#include "store/digest.h"

namespace hako::engine {
namespace {

// Scratch snapshots carry the builder's pid, so that one left by a killed
// build can be told from one a running build uses (remove_stale_scratch).
std::string scratch_key() { return fmt::format("build-{}-{}", ::getpid(), random_hex_id().substr(0, 16)); }

// A snapshot for the length of a step, removed however the step ends.
class ScratchSnapshot {
 public:
  ScratchSnapshot(layer::Snapshots& snaps, std::string key) : snaps_(snaps), key_(std::move(key)) {}
  ~ScratchSnapshot() { (void)snaps_.remove(key_); }
  const std::string& key() const { return key_; }
  // Makes the snapshot over `layers` and mounts it; returns the rootfs.
  Result<std::string> mount(const std::vector<std::string>& layers) {
    TRY(snaps_.prepare(key_, layers));
    return snaps_.mount(key_, layers);
  }
  void unmount() { (void)snaps_.unmount(key_); }
  std::string changes_dir() const { return snaps_.changes_dir(key_); }

 private:
  layer::Snapshots& snaps_;
  std::string key_;
};

int open_in(int root_fd, const std::string& rel, int flags) {
  struct open_how how {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof how));
}

// Whether `rel` exists in the image made of `layers` (overlay: the topmost
// layer that has the path decides; a whiteout there means deleted; vfs: the
// top layer is the whole tree).
bool exists_in_layers(const layer::Snapshots& snaps, const std::vector<std::string>& layers, const std::string& rel) {
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
    UniqueFd root(::open(snaps.layer_dir(*it).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) continue;
    UniqueFd fd(open_in(root.get(), rel, O_PATH | O_NOFOLLOW));
    struct stat st;
    if (fd && ::fstat(fd.get(), &st) == 0) return !(S_ISCHR(st.st_mode) && st.st_rdev == 0);
    if (snaps.driver() == layer::Driver::Vfs) return false;
  }
  return false;
}

// The mount points a RUN's --mount made (the target and any parent it had
// to create) are not part of the step's result, as BuildKit's: each path
// the parent image did not have is removed from the changes again when it
// is an empty file or an empty directory.
void drop_mount_points(const layer::Snapshots& snaps, const std::vector<std::string>& layers,
                       const std::string& changes_dir, const std::vector<build::StepMount>& mounts) {
  UniqueFd changes(::open(changes_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!changes) return;
  for (const auto& m : mounts) {
    std::string rel = m.target;
    while (rel.starts_with("/")) rel.erase(0, 1);
    while (!rel.empty() && !exists_in_layers(snaps, layers, rel)) {
      auto slash = rel.rfind('/');
      std::string parent = slash == std::string::npos ? "" : rel.substr(0, slash);
      std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
      UniqueFd dir(open_in(changes.get(), parent.empty() ? "." : parent, O_RDONLY | O_DIRECTORY));
      if (!dir) break;
      struct stat st;
      if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) break;
      if (S_ISREG(st.st_mode) && st.st_size == 0) {
        if (::unlinkat(dir.get(), name.c_str(), 0) != 0) break;
      } else if (S_ISDIR(st.st_mode)) {
        if (::unlinkat(dir.get(), name.c_str(), AT_REMOVEDIR) != 0) break;  // not empty: the RUN wrote there
      } else {
        break;
      }
      rel = parent;
    }
  }
}

}  // namespace

void BuildExecutor::remove_stale_scratch() {
  std::lock_guard lock(mu_);
  auto& snaps = engine_.images().snapshots();
  std::string dir = snaps.root() + "/snapshots";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  std::vector<std::string> stale;
  while (auto* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (!name.starts_with("build-")) continue;
    auto pid = parse_int(name.substr(6, name.find('-', 6) - 6));
    if (!pid || (::kill(static_cast<pid_t>(*pid), 0) != 0 && errno == ESRCH)) stale.push_back(name);
  }
  ::closedir(d);
  for (const auto& key : stale) (void)snaps.remove(key);
}

Result<store::ImageRecord> BuildExecutor::record_for(const build::ImageState& state) {
  auto& images = engine_.images();
  if (!state.image_id.empty()) return images.db().get_image(state.image_id);
  oci::ImageConfig empty = state.config;
  empty.diff_ids.clear();
  TRY_ASSIGN(auto id, commit_config(images, nullptr, empty, {}));
  return images.db().get_image(id);
}

Result<build::ImageState> BuildExecutor::base_image(const std::string& ref, const std::string& platform, bool pull) {
  std::lock_guard lock(mu_);
  TRY_ASSIGN(auto record, puller_(ref, platform, pull));
  build::ImageState s;
  s.image_id = record.id;
  TRY_ASSIGN(s.config, engine_.images().config(record));
  return s;
}

Result<build::StepResult> BuildExecutor::run(const build::ImageState& parent, const build::RunStep& step,
                                             const oci::History& history, const build::OutputSink& output) {
  std::unique_lock lock(mu_);
  TRY_ASSIGN(auto record, record_for(parent));
  // The container gets the step's environment, user and directory; nothing
  // of the image that only matters for `run` (volumes, healthcheck).
  oci::ImageConfig config = parent.config;
  config.config.env.clear();
  config.config.volumes.clear();
  config.config.healthcheck.reset();
  config.config.cmd.reset();
  config.config.entrypoint.reset();
  config.config.working_dir = step.workdir;
  config.config.user = step.user;
  RunOptions o;
  o.image = record.id;
  o.command = step.args;
  o.entrypoint = "";
  o.env = step.env;
  o.user = step.user;
  o.workdir = step.workdir;
  o.network = step.network;
  o.log_driver = "none";
  // Images a bind mount reads from (from=STAGE), mounted for the step.
  auto& snaps = engine_.images().snapshots();
  std::vector<std::unique_ptr<ScratchSnapshot>> sources;
  std::vector<UniqueFd> source_fds;
  for (const auto& m : step.mounts) {
    if (m.type == build::StepMount::Type::Tmpfs) {
      o.mounts.push_back("type=tmpfs,target=" + m.target +
                         (m.tmpfs_size ? fmt::format(",tmpfs-size={}", m.tmpfs_size) : ""));
    } else if (!m.from_image.empty()) {
      TRY_ASSIGN(auto from, engine_.images().db().get_image(m.from_image));
      sources.push_back(std::make_unique<ScratchSnapshot>(snaps, scratch_key()));
      TRY_ASSIGN(auto rootfs, sources.back()->mount(from.layers));
      // The source is resolved inside that root, so a symlink in the image
      // cannot make the bind show a host path.
      UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
      std::string rel = m.source;
      while (rel.starts_with("/")) rel.erase(0, 1);
      UniqueFd fd(root ? open_in(root.get(), rel.empty() ? "." : rel, O_PATH) : -1);
      if (!fd) return fail(ErrorKind::NotFound, "--mount from: {} not found in the image", m.source);
      char real[PATH_MAX];
      ssize_t n = ::readlink(fmt::format("/proc/self/fd/{}", fd.get()).c_str(), real, sizeof real - 1);
      if (n <= 0) return fail_sys("resolve " + m.source);
      o.mounts.push_back("type=bind,source=" + std::string(real, static_cast<size_t>(n)) + ",target=" + m.target +
                         (m.readonly ? ",readonly" : ""));
    } else {
      o.mounts.push_back("type=bind,source=" + m.source + ",target=" + m.target + (m.readonly ? ",readonly" : ""));
    }
  }
  TRY_ASSIGN(auto id, create_container(engine_, o, record, config));
  auto cleanup = [&] { (void)engine_.remove(id, true); };
  auto started = engine_.start(id, /*wait_for_attach=*/true);
  if (!started) {
    cleanup();
    return std::unexpected(started.error());
  }
  std::string socket = engine_.attach_socket(id);
  lock.unlock();

  // The container's output comes through a pipe to `output`, line by line
  // or as it arrives.
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) {
    cleanup();
    return fail_sys("pipe");
  }
  UniqueFd read_end(p[0]), write_end(p[1]);
  std::thread reader([&] {
    char buf[8192];
    for (;;) {
      ssize_t n = ::read(read_end.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      if (output) output(std::string_view(buf, static_cast<size_t>(n)));
    }
  });
  AttachOptions a;
  a.send_start = true;
  a.stdout_fd = write_end.get();
  a.stderr_fd = write_end.get();
  auto attached = attach(socket, a);
  write_end.reset();
  reader.join();

  lock.lock();
  if (!attached) {
    cleanup();
    return std::unexpected(attached.error());
  }
  if (!attached->error.empty()) {
    cleanup();
    return fail(ErrorKind::Internal, "{}", attached->error);
  }
  build::StepResult r;
  r.exit_code = attached->exit_code;
  if (r.exit_code != 0) {
    cleanup();
    return r;
  }
  (void)engine_.wait(id);
  drop_mount_points(engine_.images().snapshots(), record.layers, engine_.images().snapshots().changes_dir(id),
                    step.mounts);
  auto committed = commit_step(parent, record, engine_.images().snapshots().changes_dir(id), history);
  cleanup();
  if (!committed) return std::unexpected(committed.error());
  r.image_id = *committed;
  return r;
}

Result<build::StepResult> BuildExecutor::change_files(const build::ImageState& parent, const oci::History& history,
                                                      const build::FilesChange& change) {
  std::lock_guard lock(mu_);
  TRY_ASSIGN(auto record, record_for(parent));
  ScratchSnapshot scratch(engine_.images().snapshots(), scratch_key());
  TRY_ASSIGN(auto rootfs, scratch.mount(record.layers));
  auto changed = change(rootfs);
  scratch.unmount();
  TRY(changed);
  TRY_ASSIGN(auto id, commit_step(parent, record, scratch.changes_dir(), history));
  return build::StepResult{id, 0};
}

Result<std::string> BuildExecutor::commit_step(const build::ImageState& parent, const store::ImageRecord& record,
                                               const std::string& changes_dir, const oci::History& history) {
  LayerCommit c;
  c.parent = parent.image_id.empty() ? nullptr : &record;
  c.changes_dir = changes_dir;
  c.config = parent.config;
  c.history = history;
  c.skip_empty = true;
  TRY_ASSIGN(auto committed, commit_layer(engine_.images(), std::move(c)));
  return committed.id;
}

Result<> BuildExecutor::read_files(const build::ImageState& state, const build::FilesReader& read) {
  std::lock_guard lock(mu_);
  TRY_ASSIGN(auto record, record_for(state));
  ScratchSnapshot scratch(engine_.images().snapshots(), scratch_key());
  TRY_ASSIGN(auto rootfs, scratch.mount(record.layers));
  auto r = read(rootfs);
  scratch.unmount();
  return r;
}

Result<std::string> BuildExecutor::finish(const build::ImageState& state, const std::vector<std::string>& tags) {
  std::lock_guard lock(mu_);
  TRY_ASSIGN(auto record, record_for(state));
  oci::ImageConfig config = state.config;
  config.created = config.history.empty() ? config.created : config.history.back().created;
  return commit_config(engine_.images(), state.image_id.empty() ? nullptr : &record, config, tags);
}

Result<> BuildExecutor::tag(const std::string& image_id, const std::vector<std::string>& tags) {
  std::lock_guard lock(mu_);
  for (const auto& t : tags) TRY(engine_.images().db().tag(t, image_id));
  return {};
}

Result<oci::ImageConfig> BuildExecutor::image_config(const std::string& image_id) {
  std::lock_guard lock(mu_);
  TRY_ASSIGN(auto record, engine_.images().db().get_image(image_id));
  return engine_.images().config(record);
}

std::optional<std::string> BuildExecutor::cache_get(const std::string& key) {
  std::lock_guard lock(mu_);
  auto& db = engine_.images().db();
  auto st = db.db().query("SELECT image_id FROM build_cache WHERE key = ?", key);
  if (!st) return std::nullopt;
  auto row = st->step();
  if (!row || !*row) return std::nullopt;
  std::string id = st->text(0);
  // An image removed since (rmi, prune) is no hit: the step runs again.
  if (!db.get_image(id)) {
    (void)db.db().run("DELETE FROM build_cache WHERE image_id = ?", id);
    return std::nullopt;
  }
  return id;
}

Result<> BuildExecutor::cache_put(const std::string& key, const std::string& image_id, bool is_result) {
  std::lock_guard lock(mu_);
  int64_t now = ::time(nullptr);
  return engine_.images().db().db().run(
      "INSERT INTO build_cache (key, image_id, is_result, created, last_used) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT(key) DO UPDATE SET image_id = excluded.image_id, is_result = excluded.is_result, "
      "last_used = excluded.last_used",
      key, image_id, is_result ? 1 : 0, now, now);
}

Result<std::string> BuildExecutor::cache_mount_dir(const std::string& id) {
  std::string dir = engine_.root() + "/build-cache/mounts/" + store::sha256_of(id).hex.substr(0, 32);
  TRY(make_dirs(dir, 0755));
  return dir;
}

Result<std::string> BuildExecutor::download(const std::string& url, const std::string& name) {
  std::string dir = engine_.root() + "/tmp/build-download-" + random_hex_id().substr(0, 16);
  TRY(make_dirs(dir, 0700));
  auto fetched = [&]() -> Result<> {
    std::string path = dir + "/" + name;
    UniqueFd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!out) return fail_sys("create " + path);
    image::registry::HttpClient client;
    image::registry::Request req;
    req.url = url;
    req.follow_redirects = true;
    std::optional<std::string> last_modified;
    image::registry::BodyHandler h;
    h.on_head = [&](const image::registry::Response& head) -> Result<> {
      last_modified = head.headers.get("Last-Modified");
      return {};
    };
    h.on_data = [&](std::string_view chunk) -> Result<> { return write_all(out.get(), chunk, path); };
    TRY_ASSIGN(auto resp, client.send(req, h));
    if (resp.status < 200 || resp.status > 299)
      return fail(ErrorKind::NotFound, "failed to load {}: invalid response status {}", url, resp.status);
    if (last_modified) {
      struct tm tm {};
      if (::strptime(last_modified->c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) {
        struct timespec times[2] = {{::timegm(&tm), 0}, {::timegm(&tm), 0}};
        (void)::futimens(out.get(), times);
      }
    }
    return {};
  }();
  if (!fetched) {
    (void)remove_tree(dir);
    return std::unexpected(fetched.error());
  }
  return dir;
}

namespace {

// Cached step images: those the cache names, that have no name of their
// own and are no build's result.
Result<std::vector<store::ImageRecord>> cached_images(image::ImageStore& images) {
  TRY_ASSIGN(auto st, images.db().db().query(
                          "SELECT DISTINCT image_id FROM build_cache WHERE image_id NOT IN "
                          "(SELECT image_id FROM build_cache WHERE is_result = 1)"));
  std::vector<std::string> ids;
  for (;;) {
    TRY_ASSIGN(bool row, st.step());
    if (!row) break;
    ids.push_back(st.text(0));
  }
  std::vector<store::ImageRecord> out;
  for (const auto& id : ids) {
    auto rec = images.db().get_image(id);
    if (!rec || !rec->names.empty()) continue;
    out.push_back(std::move(*rec));
  }
  return out;
}

}  // namespace

Result<uint64_t> prune_build_cache(image::ImageStore& images, const std::vector<std::string>& in_use_images) {
  std::set<std::string> in_use(in_use_images.begin(), in_use_images.end());
  TRY_ASSIGN(auto before, build_cache_usage(images));
  TRY_ASSIGN(auto cached, cached_images(images));
  for (const auto& rec : cached)
    if (!in_use.count(rec.id)) TRY(images.delete_image(rec.id));
  TRY(images.db().db().run("DELETE FROM build_cache WHERE image_id NOT IN (SELECT id FROM images)"));
  (void)images.collect_garbage();
  TRY_ASSIGN(auto after, build_cache_usage(images));
  return static_cast<uint64_t>(std::max<int64_t>(0, before.size - after.size));
}

Result<std::set<std::string>> build_cache_images(image::ImageStore& images) {
  TRY_ASSIGN(auto cached, cached_images(images));
  std::set<std::string> out;
  for (const auto& rec : cached) out.insert(rec.id);
  return out;
}

Result<BuildCacheUsage> build_cache_usage(image::ImageStore& images) {
  TRY_ASSIGN(auto cached, cached_images(images));
  TRY_ASSIGN(auto all, images.db().list_images());
  std::set<std::string> cache_ids, named_layers, cache_layers;
  for (const auto& rec : cached) cache_ids.insert(rec.id);
  for (const auto& im : all)
    for (const auto& l : im.layers) (cache_ids.count(im.id) ? cache_layers : named_layers).insert(l);
  BuildCacheUsage u;
  u.entries = static_cast<int64_t>(cached.size());
  for (const auto& l : cache_layers) {
    if (named_layers.count(l)) continue;
    auto layer = images.db().layer_by_chain_id(l);
    if (layer) u.size += layer->size;
  }
  return u;
}

}  // namespace hako::engine
