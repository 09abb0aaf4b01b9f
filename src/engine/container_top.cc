#include "engine/container_top.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "base/fd.h"
#include "base/strings.h"
#include "runtime/runtime.h"
#include "runtime/store.h"

namespace hako::engine {

namespace {

bool ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Go's fieldsASCII: split on ASCII white space only (a process name may
// hold other bytes that are spaces in some locale).
std::vector<std::string> fields_ascii(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && ascii_space(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !ascii_space(s[i])) ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

void append_row(TopResult& r, const std::vector<std::string>& f) {
  size_t n = r.titles.size();
  std::vector<std::string> row(f.begin(), f.begin() + static_cast<long>(std::min(f.size(), n - 1)));
  std::string last;
  for (size_t i = n - 1; i < f.size(); ++i) last += (i > n - 1 ? " " : "") + f[i];
  row.push_back(last);
  r.processes.push_back(std::move(row));
}

struct Output {
  int status = 0;
  std::string out, err;
};

// Runs argv[0] from PATH with stdout and stderr captured.
Result<Output> run_capture(const std::vector<std::string>& argv) {
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) < 0) return fail_sys("pipe");
  UniqueFd out_r(out[0]), out_w(out[1]);
  if (::pipe2(err, O_CLOEXEC) < 0) return fail_sys("pipe");
  UniqueFd err_r(err[0]), err_w(err[1]);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return fail_sys("fork");
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::execvp(args[0], args.data());
    std::string msg = fmt::format("exec: \"{}\": {}\n", argv[0], std::strerror(errno));
    (void)!::write(2, msg.data(), msg.size());
    ::_exit(127);
  }
  out_w.reset();
  err_w.reset();
  Output o;
  // Both pipes at once: a ps that fills stderr must not block on it
  // while we wait for stdout.
  pollfd fds[2] = {{out_r.get(), POLLIN, 0}, {err_r.get(), POLLIN, 0}};
  std::string* sinks[2] = {&o.out, &o.err};
  int open = 2;
  char buf[8192];
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        fds[i].fd = -1;
        --open;
        continue;
      }
      sinks[i]->append(buf, static_cast<size_t>(n));
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  o.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return o;
}

}  // namespace

Result<> validate_ps_args(const std::string& ps_args) {
  // The regexp \s+([^\s]*)=\s*(PID[^\s]*), match by match.
  size_t pos = 0;
  while (pos < ps_args.size()) {
    size_t ws = pos;
    while (ws < ps_args.size() && !ascii_space(ps_args[ws])) ++ws;
    if (ws >= ps_args.size()) break;
    size_t key = ws;
    while (key < ps_args.size() && ascii_space(ps_args[key])) ++key;
    size_t eq = key;
    while (eq < ps_args.size() && !ascii_space(ps_args[eq]) && ps_args[eq] != '=') ++eq;
    if (eq >= ps_args.size() || ps_args[eq] != '=') {
      pos = eq;
      continue;
    }
    size_t v = eq + 1;
    while (v < ps_args.size() && ascii_space(ps_args[v])) ++v;
    if (ps_args.compare(v, 3, "PID") != 0) {
      pos = eq + 1;
      continue;
    }
    size_t end = v;
    while (end < ps_args.size() && !ascii_space(ps_args[end])) ++end;
    std::string k = ps_args.substr(key, eq - key), value = ps_args.substr(v, end - v);
    if (k != "pid") return fail(ErrorKind::InvalidArgument, "specifying \"{}={}\" is not allowed", k, value);
    pos = end;
  }
  return {};
}

Result<TopResult> parse_ps_output(const std::string& output, const std::vector<pid_t>& pids) {
  TopResult r;
  auto lines = split(output, '\n');
  if (lines.empty()) lines.emplace_back();
  r.titles = fields_ascii(lines[0]);
  auto pid_col = std::find(r.titles.begin(), r.titles.end(), "PID");
  if (pid_col == r.titles.end()) return fail(ErrorKind::Internal, "Couldn't find PID field in ps output");
  size_t pid_index = static_cast<size_t>(pid_col - r.titles.begin());
  bool previous_kept = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    auto f = fields_ascii(lines[i]);
    if (f.size() <= pid_index) continue;
    if (f[pid_index] == "-") {
      if (previous_kept) append_row(r, f);
      continue;
    }
    auto p = parse_int(f[pid_index]);
    if (!p) return fail(ErrorKind::Internal, "Unexpected pid '{}': invalid syntax", f[pid_index]);
    previous_kept = std::find(pids.begin(), pids.end(), static_cast<pid_t>(*p)) != pids.end();
    if (previous_kept) append_row(r, f);
  }
  return r;
}

Result<TopResult> top(Engine& engine, const std::string& id, const std::string& ps_args_in) {
  std::string ps_args = ps_args_in.empty() ? "-ef" : ps_args_in;
  TRY(validate_ps_args(ps_args));
  TRY_ASSIGN(auto ci, engine.info(id));
  if (ci.status == "restarting")
    return fail(ErrorKind::Conflict, "Container {} is restarting, wait until the container is running", id);
  if (ci.status != "running" && ci.status != "paused")
    return fail(ErrorKind::Conflict, "container {} is not running", id);
  // The container's processes are its cgroup's (cgroup.procs), as
  // containerd's ListPids reports them: every process the container
  // starts, exec'd ones included, is put there and cannot leave it. A pid
  // namespace comparison would be wrong for --pid=host containers, and
  // /proc/PID/ns/pid of a process in a child namespace of the container's
  // differs although it belongs to the container.
  runtime::Store rt(engine.files(id).runtime_root());
  TRY_ASSIGN(auto pids, runtime::processes(rt, id));

  std::vector<std::string> argv = {"ps"};
  for (const auto& a : split(ps_args, ' ')) argv.push_back(a);
  std::string q = "-q";
  for (size_t i = 0; i < pids.size(); ++i) q += (i ? "," : "") + std::to_string(pids[i]);
  argv.push_back(q);
  TRY_ASSIGN(auto out, run_capture(argv));
  if (out.status != 0) {
    argv.pop_back();
    TRY_ASSIGN(out, run_capture(argv));
    if (out.status != 0) {
      std::string first = out.err.substr(0, out.err.find('\n'));
      return fail(ErrorKind::Internal, "ps: {}", first.empty() ? fmt::format("exit status {}", out.status) : first);
    }
  }
  return parse_ps_output(out.out, pids);
}

}  // namespace hako::engine
