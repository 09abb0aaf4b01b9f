// list, ps, spec, features: reporting verbs.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "base/files.h"
#include "base/strings.h"
#include "cli/args.h"
#include "cli/runtime/commands.h"
#include "cli/table.h"
#include "linux/capabilities.h"
#include "oci/spec.h"
#include "runtime/runtime.h"

namespace hako::cli::runtime_cmd {

namespace rt = hako::runtime;

Result<int> list(Context& ctx) {
  TRY_ASSIGN(auto a, Args::parse(ctx.argv, 0, {{"format", "f", true}, {"quiet", "q", false}}));
  std::string format = a.get("format", "table");
  if (format != "table" && format != "json")
    return fail(ErrorKind::InvalidArgument, "invalid --format \"{}\": use table or json", format);
  TRY_ASSIGN(auto ids, ctx.store.ids());
  Json out = Json::array();
  // runc's tabwriter: minwidth 12, padding 3.
  Table table({"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}, 3, 12);
  for (const auto& id : ids) {
    auto rec = ctx.store.load(id);
    if (!rec) continue;  // removed while we listed
    if (a.has("quiet")) {
      std::printf("%s\n", id.c_str());
      continue;
    }
    std::string status = rt::current_status(*rec);
    int pid = status == "stopped" ? 0 : rec->pid;
    if (format == "json") {
      Json j = {{"ociVersion", "1.2.0"}, {"id", id},          {"pid", pid},         {"status", status},
                {"bundle", rec->bundle}, {"rootfs", rec->rootfs}, {"created", rec->created}, {"owner", rec->owner}};
      if (!rec->annotations.empty()) j["annotations"] = rec->annotations;
      out.push_back(j);
    } else {
      table.add({id, std::to_string(pid), status, rec->bundle, rec->created, rec->owner});
    }
  }
  if (a.has("quiet")) return 0;
  if (format == "json") std::printf("%s\n", out.dump().c_str());
  else std::fputs(table.render().c_str(), stdout);
  return 0;
}

Result<int> ps(Context& ctx) {
  TRY_ASSIGN(auto a, Args::parse(ctx.argv, 0, {{"format", "f", true}}));
  TRY_ASSIGN(auto id, require_id(a.positional(), "ps"));
  TRY_ASSIGN(auto pids, rt::processes(ctx.store, id));
  std::string format = a.get("format", "table");
  if (format == "json") {
    std::printf("%s\n", Json(pids).dump().c_str());
    return 0;
  }
  if (format != "table") return fail(ErrorKind::InvalidArgument, "invalid --format \"{}\": use table or json", format);
  // Like runc: run ps(1) with the given options and keep the header and the
  // container's lines.
  std::vector<std::string> ps_args(a.positional().begin() + 1, a.positional().end());
  if (ps_args.empty()) ps_args = {"-ef"};
  int pipefd[2];
  if (::pipe(pipefd) < 0) return fail_sys("pipe");
  pid_t child = ::fork();
  if (child == 0) {
    ::dup2(pipefd[1], 1);
    ::close(pipefd[0]);
    std::vector<char*> argv = {const_cast<char*>("ps")};
    for (auto& s : ps_args) argv.push_back(s.data());
    argv.push_back(nullptr);
    ::execvp("ps", argv.data());
    ::_exit(127);
  }
  ::close(pipefd[1]);
  std::string output;
  char buf[8192];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) output.append(buf, static_cast<size_t>(n));
  ::close(pipefd[0]);
  int status;
  ::waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return fail(ErrorKind::Internal, "ps {} failed", join(ps_args, " "));
  auto lines = split(output, '\n');
  if (lines.empty()) return 0;
  auto header = split(lines[0], ' ');
  header.erase(std::remove(header.begin(), header.end(), ""), header.end());
  auto col = std::find(header.begin(), header.end(), "PID");
  if (col == header.end()) return fail(ErrorKind::InvalidArgument, "ps output has no PID column");
  size_t pid_col = static_cast<size_t>(col - header.begin());
  std::printf("%s\n", lines[0].c_str());
  for (size_t i = 1; i < lines.size(); ++i) {
    auto fields = split(lines[i], ' ');
    fields.erase(std::remove(fields.begin(), fields.end(), ""), fields.end());
    if (fields.size() <= pid_col) continue;
    auto pid = parse_int(fields[pid_col]);
    if (pid && std::find(pids.begin(), pids.end(), *pid) != pids.end()) std::printf("%s\n", lines[i].c_str());
  }
  return 0;
}

Result<int> spec(Context& ctx) {
  TRY_ASSIGN(auto a, Args::parse(ctx.argv, 0, {{"bundle", "b", true}, {"rootless", "", false}}));
  std::string path = a.get("bundle", ".") + "/config.json";
  if (path_exists(path)) return fail(ErrorKind::AlreadyExists, "file {} exists: remove it first", path);
  TRY(write_file(path, oci::default_spec(a.has("rootless")).dump(2) + "\n", 0666));
  return 0;
}

Result<int> features(Context& ctx) {
  Json caps = Json::array();
  for (int c = 0; c <= linux::last_capability(); ++c) caps.push_back(linux::capability_name(c));
  Json f = {
      {"ociVersionMin", "1.0.0"},
      {"ociVersionMax", "1.2.0"},
      {"hooks", {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}},
      {"mountOptions",
       {"async",  "atime",   "bind",     "defaults", "dev",      "diratime",  "dirsync",  "exec",     "iversion",
        "lazytime", "loud",  "mand",     "noatime",  "nodev",    "nodiratime", "noexec",  "noiversion", "nolazytime",
        "nomand", "norelatime", "nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev",
        "rdiratime", "relatime", "remount", "rexec", "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime",
        "rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared", "rslave",
        "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared", "silent", "slave", "strictatime", "suid",
        "symfollow", "sync", "unbindable"}},
      {"linux",
       {{"namespaces", {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"}},
        {"capabilities", caps},
        {"cgroup", {{"v1", true}, {"v2", true}, {"systemd", false}, {"systemdUser", false}}},
        {"apparmor", {{"enabled", false}}},
        {"selinux", {{"enabled", false}}}}},
      {"annotations", {{"org.opencontainers.runc.version", "hako"}}},
  };
  std::printf("%s\n", f.dump(4).c_str());
  return 0;
}

}  // namespace hako::cli::runtime_cmd
