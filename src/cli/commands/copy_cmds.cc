// `hako cp` and `hako diff`.
//
// cp is split as Docker splits it: the container side (engine/copy.h) can
// stat a path, archive it, or extract a tar into a directory; this file is
// Docker's client, which resolves the local side, decides where the source
// lands (engine/copy_paths.h: Docker's PrepareArchiveCopy) and moves the tar
// between the two through a pipe. Errors from the container side print as
// Docker's daemon errors do ("Error response from daemon: ...").
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <thread>

#include "base/fd.h"
#include "cli/command.h"
#include "cli/units.h"
#include "engine/container_diff.h"
#include "engine/copy.h"
#include "engine/copy_paths.h"
#include "layer/apply.h"
#include "layer/resource_tar.h"

namespace hako::cli {
namespace {

namespace cp = engine::cp;

constexpr std::string_view kDaemon = "Error response from daemon: ";

Error from_daemon(const Error& e) { return Error(e.kind(), std::string(kDaemon) + e.message(), e.sys_errno()); }

template <typename T>
Result<T> daemon(Result<T> r) {
  if (!r) return std::unexpected(from_daemon(r.error()));
  return r;
}

struct CpOptions {
  bool archive = false, follow = false, quiet = false;
  std::string container;  // as the user named it
};

// Go's filepath.Abs, keeping a trailing "/" or "/." (Docker's resolveLocalPath).
Result<std::string> local_abs(const std::string& path) {
  std::string full = path;
  if (!path.starts_with('/')) {
    char cwd[PATH_MAX];
    if (!::getcwd(cwd, sizeof cwd)) return fail_sys("getcwd");
    full = std::string(cwd) + "/" + path;
  }
  return cp::preserve_trailing(cp::clean(full), path);
}

Result<std::string> real_path(const std::string& path) {
  char buf[PATH_MAX];
  if (!::realpath(path.c_str(), buf)) return fail_sys("lstat " + path);
  return std::string(buf);
}

// Docker's CopyInfoSourcePath: a local source, symlinks before its last
// component followed (all of them with -L).
Result<cp::Info> local_source(const std::string& abs, bool follow) {
  cp::Info info;
  if (follow) {
    TRY_ASSIGN(auto resolved, real_path(abs));
    std::tie(info.path, info.rebase) = cp::rebase_name(abs, resolved);
  } else {
    auto [dir, base] = cp::split(abs);
    TRY_ASSIGN(auto rdir, real_path(dir));
    info.path = (rdir == "/" ? "" : rdir) + "/" + base;
    if (cp::has_trailing_separator(abs) && cp::base_name(abs) != cp::base_name(info.path))
      info.rebase = cp::base_name(abs);
  }
  struct stat st;
  if (::lstat(info.path.c_str(), &st) < 0) return fail_sys("lstat " + info.path);
  info.exists = true;
  info.is_dir = S_ISDIR(st.st_mode);
  return info;
}

// Docker's CopyInfoDestinationPath: a local destination, symlinks followed
// (a dangling one names what the copy creates); if missing, its parent
// must be a directory.
Result<cp::Info> local_destination(const std::string& abs) {
  std::string path = abs;
  struct stat st;
  int r = ::lstat(path.c_str(), &st);
  for (int n = 0; r == 0 && S_ISLNK(st.st_mode); ++n) {
    if (n > 10) return fail(ErrorKind::InvalidArgument, "too many symlinks in {}", abs);
    char buf[PATH_MAX];
    ssize_t len = ::readlink(path.c_str(), buf, sizeof buf);
    if (len < 0) return fail_sys("readlink " + path);
    std::string target(buf, static_cast<size_t>(len));
    path = target.starts_with('/') ? target : cp::clean(cp::split_dir_entry(path).first + "/" + target);
    r = ::lstat(path.c_str(), &st);
  }
  if (r == 0) return cp::Info{path, true, S_ISDIR(st.st_mode), ""};
  if (errno != ENOENT) return fail_sys("lstat " + path);
  std::string parent = cp::split_dir_entry(path).first;
  if (::stat(parent.c_str(), &st) < 0) return fail_sys("stat " + parent);
  if (!S_ISDIR(st.st_mode)) return fail(ErrorKind::InvalidArgument, "not a directory");
  return cp::Info{path, false, false, ""};
}

// Runs `produce(fd)` on a thread, writing a tar into a pipe that
// `consume(fd)` reads here. The producer's error wins (a consumer fed a cut
// tar only says it was cut), unless it merely lost its reader.
Result<uint64_t> pump(const std::function<Result<uint64_t>(int)>& produce,
                      const std::function<Result<uint64_t>(int)>& consume) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) < 0) return fail_sys("pipe");
  UniqueFd r(p[0]), w(p[1]);
  Result<uint64_t> produced = 0;
  std::thread t([&] {
    produced = produce(w.get());
    w.reset();
  });
  auto consumed = consume(r.get());
  r.reset();  // a producer still writing gets EPIPE and stops
  t.join();
  if (!produced && produced.error().sys_errno() != EPIPE) return produced;
  if (!consumed) return consumed;
  return produced;
}

void say_copied(const CpOptions& o, uint64_t bytes, const std::string& where) {
  if (!o.quiet)
    std::fprintf(stderr, "Successfully copied %s to %s\n", human_size(static_cast<double>(bytes)).c_str(),
                 where.c_str());
}

Result<int> copy_out(engine::ContainerFs& fs, const CpOptions& o, std::string src, const std::string& dest) {
  std::string dest_abs;
  if (dest != "-") {
    TRY_ASSIGN(dest_abs, local_abs(dest));
  }
  // -L: a symlink is replaced by its target, which keeps the link's name.
  std::string rebase;
  if (o.follow) {
    if (auto st = fs.stat(src); st && S_ISLNK(st->mode)) std::tie(src, rebase) = cp::rebase_name(src, st->link_target);
  }
  TRY_ASSIGN(auto st, daemon(fs.stat(src)));
  if (dest == "-") {
    auto sent = fs.archive(src, "", 1);
    // A reader that stopped early (`| head`) is our side's business.
    if (!sent && sent.error().sys_errno() == EPIPE) return std::unexpected(sent.error());
    TRY(daemon(std::move(sent)));
    return 0;
  }
  cp::Info from{src, true, S_ISDIR(st.mode), rebase};
  TRY_ASSIGN(auto to, local_destination(dest_abs));
  TRY_ASSIGN(auto where, cp::place(from, to));
  layer::ApplyOptions a;
  a.whiteouts = false;
  a.replace_dirs = false;
  a.set_owners = o.archive;  // else the files are the caller's, as cp makes them
  TRY_ASSIGN(uint64_t bytes, pump([&](int fd) { return daemon(fs.archive(src, where.top, fd)); },
                                  [&](int fd) -> Result<uint64_t> {
                                    TRY(layer::apply_layer(fd, where.dir, a));
                                    return 0;
                                  }));
  say_copied(o, bytes, dest_abs);
  return 0;
}

Result<int> copy_in(engine::ContainerFs& fs, const CpOptions& o, const std::string& src, const std::string& dest) {
  // Where the destination really is: a symlink there is followed (inside
  // the container); a missing one is fine if its parent exists.
  cp::Info to{dest, false, false, ""};
  auto st = fs.stat(dest);
  if (st && S_ISLNK(st->mode)) {
    to.path = st->link_target;
    st = fs.stat(to.path);
  }
  if (st) {
    if (S_ISCHR(st->mode) || S_ISBLK(st->mode) || S_ISFIFO(st->mode) || S_ISSOCK(st->mode))
      return fail(ErrorKind::InvalidArgument, "destination \"{}:{}\" must be a directory or a regular file: got {}",
                  o.container, dest, S_ISCHR(st->mode) || S_ISBLK(st->mode) ? "a device" : "an irregular file");
    to.exists = true;
    to.is_dir = S_ISDIR(st->mode);
  }
  if (src == "-") {
    if (!to.is_dir)
      return fail(ErrorKind::InvalidArgument, "destination \"{}:{}\" must be a directory", o.container, dest);
    TRY_ASSIGN(uint64_t bytes, daemon(fs.extract(to.path, 0, o.archive)));
    say_copied(o, bytes, o.container + ":" + to.path);
    return 0;
  }
  TRY_ASSIGN(auto abs, local_abs(src));
  TRY_ASSIGN(auto from, local_source(abs, o.follow));
  TRY_ASSIGN(auto where, cp::place(from, to));
  auto [parent, entry] = cp::split_dir_entry(from.path);
  UniqueFd dir(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return fail_sys("open " + parent);
  TRY_ASSIGN(uint64_t bytes, pump([&](int fd) { return layer::write_resource_tar(dir.get(), entry, where.top, fd); },
                                  [&](int fd) { return daemon(fs.extract(where.dir, fd, o.archive)); }));
  say_copied(o, bytes, o.container + ":" + to.path);
  return 0;
}

Result<int> run_cp(Context& ctx, const ParsedFlags& p) {
  const std::string& src = p.args()[0];
  const std::string& dest = p.args()[1];
  if (src.empty()) return fail(ErrorKind::InvalidArgument, "source can not be empty");
  if (dest.empty()) return fail(ErrorKind::InvalidArgument, "destination can not be empty");
  auto [src_container, src_path] = cp::split_arg(src);
  auto [dest_container, dest_path] = cp::split_arg(dest);
  if (!src_container.empty() && !dest_container.empty())
    return fail(ErrorKind::InvalidArgument, "copying between containers is not supported");
  if (src_container.empty() && dest_container.empty())
    return fail(ErrorKind::InvalidArgument, "must specify at least one container source");

  CpOptions o;
  o.archive = p.boolean("archive");
  o.follow = p.boolean("follow-link");
  // Docker: progress (and the closing line) only for a terminal, unless -q is given either way.
  o.quiet = p.set("quiet") ? p.boolean("quiet") : !::isatty(1);
  o.container = src_container.empty() ? dest_container : src_container;
  const std::string& container_path = src_container.empty() ? dest_path : src_path;

  // A reader that goes away (`hako cp c:/x - | head`) is an error to report, not a signal to die of.
  ::signal(SIGPIPE, SIG_IGN);
  TRY_ASSIGN(auto eng, ctx.engine());
  auto id = eng->resolve(o.container);
  if (!id) {
    if (id.error().kind() == ErrorKind::NotFound)
      return fail(ErrorKind::NotFound, "No such container:path: {}:{}", o.container, container_path);
    return std::unexpected(from_daemon(id.error()));
  }
  TRY_ASSIGN(auto fs, daemon(engine::ContainerFs::open(*eng, *id, o.container)));
  return src_container.empty() ? copy_in(fs, o, src_path, dest_path) : copy_out(fs, o, src_path, dest_path);
}

// Daemon errors are printed whole (they carry Docker's prefix); the rest go
// to the usual "Error: ..." line.
Result<int> cp_cmd(Context& ctx, const ParsedFlags& p) {
  auto r = run_cp(ctx, p);
  if (!r && r.error().message().starts_with(kDaemon)) {
    std::fprintf(stderr, "%s\n", r.error().message().c_str());
    return 1;
  }
  return r;
}

Result<int> diff_cmd(Context& ctx, const ParsedFlags& p) {
  TRY_ASSIGN(auto eng, ctx.engine());
  auto changes = [&]() -> Result<std::vector<layer::Change>> {
    TRY_ASSIGN(auto id, eng->resolve(p.args()[0]));
    return engine::container_changes(*eng, id);
  }();
  if (!changes) {
    std::fprintf(stderr, "%s%s\n", kDaemon.data(), changes.error().message().c_str());
    return 1;
  }
  for (const auto& c : *changes) std::printf("%c %s\n", layer::change_letter(c.kind), c.path.c_str());
  return 0;
}

}  // namespace

std::vector<Command> copy_commands() {
  return {
      {"cp",
       {"container cp"},
       "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\thako cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
       "Copy files/folders between a container and the local filesystem\n\n"
       "Use '-' as the source to read a tar archive from stdin\n"
       "and extract it to a directory destination in a container.\n"
       "Use '-' as the destination to stream a tar archive of a\n"
       "container source to stdout.",
       {{"archive", 'a', Flag::Bool, "", "Archive mode (copy all uid/gid information)"},
        {"follow-link", 'L', Flag::Bool, "", "Always follow symbol link in SRC_PATH"},
        {"quiet", 'q', Flag::Bool, "",
         "Suppress progress output during copy. Progress output is automatically suppressed if no terminal is "
         "attached"}},
       cp_cmd,
       2,
       2},
      {"diff",
       {"container diff"},
       "CONTAINER",
       "Inspect changes to files or directories on a container's filesystem",
       {},
       diff_cmd,
       1,
       1},
  };
}

}  // namespace hako::cli
