#include "engine/containers.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <random>

#include "base/clock.h"
#include "base/fd.h"
#include "base/files.h"
#include "base/strings.h"
#include "engine/events.h"
#include "engine/network_setup.h"
#include "runtime/runtime.h"
#include "runtime/store.h"

namespace hako::engine {
namespace {

void sleep_ms(int ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1'000'000L};
  nanosleep(&ts, nullptr);
}

std::string self_dir() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "/usr/bin";
  std::string path(buf, static_cast<size_t>(n));
  return path.substr(0, path.find_last_of('/'));
}

// Docker-like names for containers started without --name.
std::string random_name() {
  static const char* adjectives[] = {"admiring", "brave",   "calm",     "clever", "eager",   "festive",
                                     "gallant",  "happy",   "jolly",    "keen",   "lucid",   "modest",
                                     "nifty",    "quirky",  "relaxed",  "sharp",  "stoic",   "tender",
                                     "vibrant",  "wizardly", "zealous", "bold",   "dreamy",  "elated"};
  static const char* names[] = {"hopper",  "lovelace", "turing",  "ritchie", "thompson", "knuth",
                                "dijkstra", "hamilton", "liskov", "torvalds", "cerf",    "kay",
                                "lamport", "perlman",  "wirth",   "backus",  "mccarthy", "shannon",
                                "noether", "curie",    "meitner", "goodall", "franklin", "johnson"};
  std::random_device rd;
  return fmt::format("{}_{}", adjectives[rd() % std::size(adjectives)], names[rd() % std::size(names)]);
}


// Waits up to timeout_ms for `pid` (not our child) to exit: a pidfd wakes
// us the moment it does; without pidfd_open, poll every millisecond.
void wait_for_process_exit(pid_t pid, int timeout_ms) {
  if (pid <= 0) return;
  UniqueFd fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (fd) {
    pollfd p{fd.get(), POLLIN, 0};
    while (::poll(&p, 1, timeout_ms) < 0 && errno == EINTR) {
    }
    return;
  }
  for (int i = 0; i < timeout_ms && process_alive(pid); ++i) sleep_ms(1);
}

}  // namespace

std::string new_container_id() { return random_hex_id(); }

Engine::Engine(image::ImageStore& images, std::string root)
    : images_(images), root_(std::move(root)), bin_dir_(self_dir()) {}

Result<std::string> Engine::create(CreateRequest req) {
  auto& c = req.config;
  c.id = new_container_id();
  c.created = now_rfc3339();
  store::ContainerRecord rec{c.id, c.name, c.image_id, static_cast<int64_t>(::time(nullptr)), "{}"};
  bool named = !c.name.empty();
  for (int attempt = 0;; ++attempt) {
    if (!named) rec.name = c.name = random_name() + (attempt ? fmt::format("{}", attempt) : "");
    auto r = images_.db().create_container(rec);
    if (r) break;
    if (r.error().kind() != ErrorKind::AlreadyExists) return std::unexpected(r.error());
    if (named) {
      auto other = images_.db().container_by_name(c.name);
      return fail(ErrorKind::Conflict,
                  "Conflict. The container name \"/{}\" is already in use by container \"{}\". You have to remove (or "
                  "rename) that container to be able to reuse that name.",
                  c.name, other ? other->id : "?");
    }
    if (attempt > 20) return std::unexpected(r.error());
  }
  auto f = files(c.id);
  auto work = [&]() -> Result<> {
    TRY(make_dirs(f.bundle(), 0700));
    TRY_ASSIGN(auto image, images_.db().get_image(c.image_id));
    TRY(images_.snapshots().prepare(c.id, image.layers));
    TRY_ASSIGN(std::string rootfs, images_.snapshots().mount(c.id, image.layers));
    auto spec = req.build_spec(rootfs, c);
    (void)images_.snapshots().unmount(c.id);
    if (!spec) return std::unexpected(spec.error());
    TRY(f.save_config(c));
    TRY(f.save_state(ContainerState{}));
    TRY(write_file_atomic(f.bundle() + "/config.json", spec->dump()));
    return {};
  };
  if (auto r = work(); !r) {
    (void)images_.snapshots().remove(c.id);
    (void)remove_tree(f.dir());
    (void)images_.db().remove_container(c.id);
    return std::unexpected(r.error());
  }
  emit_container_event(root_, c, "create");
  return c.id;
}

Result<> Engine::start(const std::string& id, bool wait_for_attach) {
  auto f = files(id);
  TRY_ASSIGN(auto lock, f.lock());
  TRY_ASSIGN(auto ci, info(id));
  if (is_running_status(ci.status)) return {};
  TRY_ASSIGN(auto image, images_.db().get_image(ci.record.image_id));
  TRY_ASSIGN(std::string rootfs, images_.snapshots().mount(id, image.layers));
  auto undo = [&] { (void)images_.snapshots().unmount(id); };

  auto undo_network = [&] { (void)network_stopped(images_.db(), root_, ci.config); };
  if (auto r = prepare_network(*this, ci); !r) {
    undo_network();
    undo();
    return r;
  }
  auto text = read_file(f.bundle() + "/config.json");
  auto spec = text ? parse_json(*text, "container spec") : Result<Json>(std::unexpected(text.error()));
  if (!spec) {
    undo_network();
    undo();
    return std::unexpected(spec.error());
  }
  (*spec)["root"]["path"] = rootfs;
  // --network container:X joins X's namespace through its current init.
  std::string netns = ci.config.run_options.value("network_plan", Json::object()).value("netns", "");
  for (auto& ns : (*spec)["linux"]["namespaces"])
    if (ns.value("type", "") == "network") {
      if (netns.empty()) ns.erase("path");
      else ns["path"] = netns;
    }
  if (auto w = write_file_atomic(f.bundle() + "/config.json", spec->dump()); !w) {
    undo_network();
    undo();
    return w;
  }
  ci.config.run_options["rootfs_mount"] =
      images_.snapshots().driver() == layer::Driver::Overlay ? rootfs : std::string();
  ci.config.run_options["hako_binary"] = bin_dir_ + "/hako";
  ci.config.run_options["engine_root"] = root_;
  if (auto r = f.save_config(ci.config); !r) {
    undo_network();
    return r;
  }
  ::unlink((f.dir() + "/stopped-by-user").c_str());
  // A previous run's runtime state, if a monitor died before deleting it.
  runtime::Store rt(f.runtime_root());
  (void)runtime::remove(rt, id, true);

  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) < 0) return fail_sys("pipe");
  UniqueFd ready_r(ready[0]), ready_w(ready[1]);
  std::string monitor = bin_dir_ + "/hako-monitor";
  pid_t child = ::fork();
  if (child < 0) return fail_sys("fork");
  if (child == 0) {
    // Detach twice: the monitor is nobody's child but init's, in its own
    // session, so neither our exit nor our terminal's hangup reaches it.
    ::setsid();
    if (::fork() != 0) ::_exit(0);
    int fd = ::dup(ready[1]);  // without O_CLOEXEC
    std::string fd_text = std::to_string(fd);
    UniqueFd null(::open("/dev/null", O_RDWR));
    for (int i = 0; i < 3; ++i) ::dup2(null.get(), i);
    if (wait_for_attach)
      ::execl(monitor.c_str(), "hako-monitor", root_.c_str(), id.c_str(), fd_text.c_str(), "--wait-start", nullptr);
    else
      ::execl(monitor.c_str(), "hako-monitor", root_.c_str(), id.c_str(), fd_text.c_str(), nullptr);
    std::string msg = fmt::format("error: exec {}: {}\n", monitor, std::strerror(errno));
    (void)!::write(fd, msg.data(), msg.size());
    ::_exit(127);
  }
  ready_w.reset();
  int status;
  ::waitpid(child, &status, 0);
  std::string line;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(ready_r.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  while (!line.empty() && line.back() == '\n') line.pop_back();
  if (line == "running" || line == "created") return {};
  undo_network();
  if (line.empty()) line = "error: the monitor exited before starting the container";
  std::string msg = line.starts_with("error: ") ? line.substr(7) : line;
  ErrorKind kind = msg.find("not found") != std::string::npos || msg.find("No such file") != std::string::npos
                       ? ErrorKind::NotFound
                   : msg.find("ermission denied") != std::string::npos ? ErrorKind::PermissionDenied
                                                                      : ErrorKind::Unavailable;
  return fail(kind, "failed to start container {}: {}", id.substr(0, 12), msg);
}

Result<> Engine::wait_until_stopped(const std::string& id, int timeout_ms) {
  // Most stops land within a few ms of the signal: look often at first,
  // then settle to 10 ms steps.
  for (int waited = 0, step = 1; timeout_ms < 0 || waited <= timeout_ms; waited += step) {
    TRY_ASSIGN(auto ci, info(id));
    if (!is_running_status(ci.status)) return {};
    if (waited >= 50) step = 10;
    sleep_ms(step);
  }
  return fail(ErrorKind::Unavailable, "container {} did not stop", id.substr(0, 12));
}

Result<> Engine::stop(const std::string& id, std::optional<int> timeout) {
  TRY_ASSIGN(auto ci, info(id));
  TRY(write_file(files(id).dir() + "/stopped-by-user", ""));
  if (!is_running_status(ci.status)) return {};
  runtime::Store rt(files(id).runtime_root());
  TRY_ASSIGN(int sig, runtime::parse_signal(ci.config.stop_signal.empty() ? "SIGTERM" : ci.config.stop_signal));
  (void)runtime::kill(rt, id, sig, false);
  emit_container_event(root_, ci.config, "kill", {{"signal", std::to_string(sig)}});
  if (ci.status == "paused") (void)runtime::resume(rt, id);
  int seconds = timeout.value_or(ci.config.stop_timeout);
  auto stopped = [&] {
    emit_container_event(root_, ci.config, "stop");
    return Result<>{};
  };
  if (seconds >= 0 && wait_until_stopped(id, seconds * 1000)) return stopped();
  if (seconds < 0 && wait_until_stopped(id, -1)) return stopped();
  (void)runtime::kill(rt, id, SIGKILL, true);
  emit_container_event(root_, ci.config, "kill", {{"signal", std::to_string(SIGKILL)}});
  TRY(wait_until_stopped(id, 10'000));
  return stopped();
}

Result<> Engine::kill(const std::string& id, int sig) {
  TRY_ASSIGN(auto ci, info(id));
  if (!is_running_status(ci.status))
    return fail(ErrorKind::Conflict, "Cannot kill container: {}: Container {} is not running", id.substr(0, 12),
                id);
  runtime::Store rt(files(id).runtime_root());
  TRY(runtime::kill(rt, id, sig, false));
  emit_container_event(root_, ci.config, "kill", {{"signal", std::to_string(sig)}});
  if (sig != SIGKILL) return {};
  // As Docker's daemon does, a SIGKILL returns once the container is down, so
  // the next command sees it exited. A frozen task only dies once thawed.
  if (ci.status == "paused") (void)runtime::resume(rt, id);
  return wait_until_stopped(id, 10'000);
}

Result<> Engine::pause(const std::string& id) {
  TRY_ASSIGN(auto ci, info(id));
  if (ci.status == "paused") return fail(ErrorKind::Conflict, "Container {} is already paused", id);
  if (ci.status != "running") return fail(ErrorKind::Conflict, "Container {} is not running", id);
  runtime::Store rt(files(id).runtime_root());
  TRY(runtime::pause(rt, id));
  emit_container_event(root_, ci.config, "pause");
  return {};
}

Result<> Engine::unpause(const std::string& id) {
  TRY_ASSIGN(auto ci, info(id));
  if (ci.status != "paused") return fail(ErrorKind::Conflict, "Container {} is not paused", id);
  runtime::Store rt(files(id).runtime_root());
  TRY(runtime::resume(rt, id));
  emit_container_event(root_, ci.config, "unpause");
  return {};
}

Result<> Engine::remove(const std::string& id, bool force) {
  TRY_ASSIGN(auto ci, info(id));
  auto f = files(id);
  if (is_running_status(ci.status)) {
    if (!force)
      return fail(ErrorKind::Conflict,
                  "cannot remove container \"{}\": container is {}: stop the container before removing or force "
                  "remove",
                  ci.config.name, ci.status);
    TRY(write_file(f.dir() + "/stopped-by-user", ""));
    runtime::Store rt(f.runtime_root());
    (void)runtime::kill(rt, id, SIGKILL, true);
    if (ci.status == "paused") (void)runtime::resume(rt, id);
    TRY(wait_until_stopped(id, 10'000));
  }
  // The monitor finishes (unmounts, closes the socket) right after the
  // container exits; give it that moment rather than pulling files from
  // under it.
  if (auto st = f.load_state(); st && st->monitor_pid != ::getpid() && st->monitor_pid != ::getppid())
    wait_for_process_exit(st->monitor_pid, 5000);  // (getppid: the monitor's own --rm)
  runtime::Store rt(f.runtime_root());
  (void)runtime::remove(rt, id, true);
  TRY(release_network(images_.db(), root_, ci.config));
  TRY(images_.snapshots().remove(id));
  TRY(remove_tree(f.dir()));
  TRY(images_.db().remove_container(id));
  emit_container_event(root_, ci.config, "destroy");
  return {};
}

Result<> Engine::rename(const std::string& id, const std::string& new_name) {
  auto f = files(id);
  TRY_ASSIGN(auto lock, f.lock());
  TRY_ASSIGN(auto config, f.load_config());
  std::string old = config.name;
  if (old == new_name)
    return fail(ErrorKind::InvalidArgument, "Renaming a container with the same name as its current name");
  if (auto r = images_.db().rename_container(id, new_name); !r) {
    if (r.error().kind() != ErrorKind::AlreadyExists) return r;
    auto other = images_.db().container_by_name(new_name);
    return fail(ErrorKind::Conflict,
                "Conflict. The container name \"/{}\" is already in use by container \"{}\". You have to remove (or "
                "rename) that container to be able to reuse that name.",
                new_name, other ? other->id : "?");
  }
  config.name = new_name;
  if (auto r = f.save_config(config); !r) {
    (void)images_.db().rename_container(id, old);
    return r;
  }
  emit_container_event(root_, config, "rename", {{"oldName", "/" + old}});
  return {};
}

Result<int> Engine::wait(const std::string& id) {
  TRY(wait_until_stopped(id, -1));
  TRY_ASSIGN(auto ci, info(id));
  return ci.state.exit_code;
}

Result<std::string> Engine::resolve(std::string_view text) {
  std::string_view name = text;
  if (name.starts_with('/')) name.remove_prefix(1);
  if (auto byname = images_.db().container_by_name(name)) return byname->id;
  TRY_ASSIGN(auto all, images_.db().list_containers());
  const store::ContainerRecord* match = nullptr;
  for (const auto& c : all) {
    if (c.id == text) return c.id;
    if (!text.empty() && c.id.starts_with(text)) {
      if (match) return fail(ErrorKind::InvalidArgument, "multiple containers found with provided prefix: {}", text);
      match = &c;
    }
  }
  if (!match) return fail(ErrorKind::NotFound, "No such container: {}", text);
  return match->id;
}

Result<ContainerInfo> Engine::info(const std::string& id) {
  ContainerInfo ci;
  TRY_ASSIGN(ci.record, images_.db().get_container(id));
  auto f = files(id);
  TRY_ASSIGN(ci.config, f.load_config());
  TRY_ASSIGN(ci.state, f.load_state());
  ci.status = ci.state.status;
  if (is_running_status(ci.status)) {
    runtime::Store rt(f.runtime_root());
    auto st = runtime::state(rt, id);
    bool monitor = process_alive(ci.state.monitor_pid);
    if (st && st->status == "paused") ci.status = "paused";
    else if (ci.status == "restarting" && monitor) ci.status = "restarting";
    else if (!st || st->status == "stopped") ci.status = monitor ? ci.status : "exited";
    if (!monitor && ci.status == "exited") ci.state.status = "exited";
  }
  return ci;
}

Result<std::vector<ContainerInfo>> Engine::list() {
  TRY_ASSIGN(auto all, images_.db().list_containers());
  std::vector<ContainerInfo> out;
  for (const auto& c : all) {
    auto ci = info(c.id);
    if (ci) out.push_back(std::move(*ci));
  }
  return out;
}

}  // namespace hako::engine
