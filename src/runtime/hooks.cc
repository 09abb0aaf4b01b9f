#include "runtime/hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/fd.h"
#include "base/log.h"
#include "sys/syscalls.h"

namespace hako::runtime {

namespace {

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

Result<> run_hook(const oci::Hook& hook, const std::string& state_json, std::string_view kind) {
  std::string what = fmt::format("{} hook {}", kind, hook.path);
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) < 0) return fail_sys(what + ": pipe");
  UniqueFd read_end(pipefd[0]), write_end(pipefd[1]);
  std::vector<std::string> args = hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
  std::vector<std::string> env = hook.env;
  auto argv = c_strings(args);
  auto envp = c_strings(env);

  pid_t pid = ::fork();
  if (pid < 0) return fail_sys(what + ": fork");
  if (pid == 0) {
    ::dup2(read_end.get(), 0);
    ::execve(hook.path.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  read_end.reset();
  UniqueFd pidfd(sys::pidfd_open(pid));
  // The hook may not read its stdin at all: a full pipe must not block us,
  // and a hook that already exited must not kill us with SIGPIPE.
  ::fcntl(write_end.get(), F_SETFL, O_NONBLOCK);
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  ::sigprocmask(SIG_BLOCK, &pipe_set, &old_set);
  bool broke = ::write(write_end.get(), state_json.data(), state_json.size()) < 0 && errno == EPIPE;
  if (broke) {
    timespec zero{0, 0};
    ::sigtimedwait(&pipe_set, nullptr, &zero);  // consume the SIGPIPE we caused
  }
  ::sigprocmask(SIG_SETMASK, &old_set, nullptr);
  write_end.reset();

  if (hook.timeout && pidfd) {
    pollfd p{pidfd.get(), POLLIN, 0};
    int r;
    while ((r = ::poll(&p, 1, *hook.timeout * 1000)) < 0 && errno == EINTR) {
    }
    if (r == 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      return fail(ErrorKind::Unavailable, "{} did not finish within its timeout of {}s", what, *hook.timeout);
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return fail_sys(what + ": waitpid");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && ::access(hook.path.c_str(), X_OK) < 0)
    return fail_sys(what);
  if (WIFSIGNALED(status)) return fail(ErrorKind::Internal, "{} was killed by signal {}", what, WTERMSIG(status));
  return fail(ErrorKind::Internal, "{} exited with status {}", what, WEXITSTATUS(status));
}

}  // namespace

Result<> run_hooks(const std::vector<oci::Hook>& hooks, const oci::State& state, std::string_view kind) {
  if (hooks.empty()) return {};
  std::string json = state.to_json().dump();
  for (const auto& h : hooks) TRY(run_hook(h, json, kind));
  return {};
}

void run_hooks_warning_only(const std::vector<oci::Hook>& hooks, const oci::State& state, std::string_view kind) {
  if (hooks.empty()) return;
  std::string json = state.to_json().dump();
  for (const auto& h : hooks) {
    auto r = run_hook(h, json, kind);
    if (!r) log::warn(r.error().message());
  }
}

}  // namespace hako::runtime
