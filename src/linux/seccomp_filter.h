// linux.seccomp from config.json, compiled and loaded with libseccomp.
//
// Parsing happens in the runtime before the clone, so a bad profile (an
// unknown action, syscall name or architecture) fails `create` cleanly;
// loading happens in the container's process just before execve.
#pragma once

#include <linux/filter.h>

#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/fd.h"
#include "base/json.h"

namespace hako::linux {

class SeccompFilter {
 public:
  ~SeccompFilter();
  SeccompFilter(const SeccompFilter&) = delete;
  SeccompFilter& operator=(const SeccompFilter&) = delete;

  // Compiles a profile; null JSON gives no filter (nullptr).
  static Result<std::unique_ptr<SeccompFilter>> compile(const Json& profile);

  // compile(), through a cache of generated programs in `cache_dir`:
  // compiling Docker's default profile costs ~5 ms of libseccomp work per
  // container start and exec, the same every time. An entry holds the
  // profile's exact text, so only an identical profile can ever hit it.
  // Notify profiles are not cached (libseccomp must load them). A cache
  // that cannot be read or written is only slower.
  static Result<std::unique_ptr<SeccompFilter>> compile_cached(const Json& profile, const std::string& cache_dir);

  // Loads the filter into the calling process. Returns the notify fd when
  // the profile uses SCMP_ACT_NOTIFY, else an invalid fd.
  Result<UniqueFd> load() const;

  bool uses_notify() const { return uses_notify_; }
  const std::string& listener_path() const { return listener_path_; }
  const std::string& listener_metadata() const { return listener_metadata_; }

 private:
  SeccompFilter() = default;
  Result<> generate_program();
  void* ctx_ = nullptr;  // scmp_filter_ctx
  // The generated BPF (struct sock_filter) and seccomp(2) flags; empty for
  // notify profiles, which libseccomp loads itself to get the listener fd.
  std::vector<sock_filter> program_;
  unsigned kernel_flags_ = 0;
  bool uses_notify_ = false;
  std::string listener_path_, listener_metadata_;
};

}  // namespace hako::linux
