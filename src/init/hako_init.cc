// hako-init: the process `run --init` puts at pid 1 (mounted at
// /sbin/docker-init, like Docker's tini). It starts the command as its
// child, forwards every signal it gets to it, reaps every orphan that the
// kernel re-parents to pid 1, and exits with the command's status once the
// command exits (128+N when a signal N killed it).
//
// Statically linked and without the C++ library so it runs in any image.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

int status_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// Reaps every exited child; returns the command's exit code once it is
// among them, else -1.
int reap(pid_t command) {
  int code = -1;
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return code;
    if (pid == command) code = status_code(status);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int first = 1;
  if (first < argc && strcmp(argv[first], "--") == 0) ++first;
  if (first >= argc) {
    fprintf(stderr, "usage: hako-init [--] COMMAND [ARG...]\n");
    return 1;
  }
  // Not pid 1 (e.g. --pid host): become the reaper of our descendants anyway.
  if (getpid() != 1) prctl(PR_SET_CHILD_SUBREAPER, 1);

  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &old);

  pid_t command = fork();
  if (command < 0) {
    perror("hako-init: fork");
    return 1;
  }
  if (command == 0) {
    // The command gets the signal mask and a terminal of its own, as it
    // would without us: a foreground process group when there is a tty.
    setpgid(0, 0);
    if (isatty(0)) {
      signal(SIGTTOU, SIG_IGN);
      tcsetpgrp(0, getpgrp());
      signal(SIGTTOU, SIG_DFL);
    }
    sigprocmask(SIG_SETMASK, &old, nullptr);
    execvp(argv[first], argv + first);
    int err = errno;
    fprintf(stderr, "hako-init: exec %s failed: %s\n", argv[first], strerror(err));
    _exit(err == ENOENT ? 127 : 126);
  }

  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&all, &info);
    if (sig < 0) continue;
    if (sig == SIGCHLD) {
      int code = reap(command);
      if (code >= 0) return code;
      continue;
    }
    // Everything else is the command's, forwarded as is (tini's default:
    // to the command alone, which decides what its children get).
    kill(command, sig);
  }
}
