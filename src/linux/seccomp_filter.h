// linux.seccomp from config.json, compiled and loaded with libseccomp.
//
// Parsing happens in the runtime before the clone, so a bad profile (an
// unknown action, syscall name or architecture) fails `create` cleanly;
// loading happens in the container's process just before execve.
#pragma once

#include <memory>
#include <string>

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

  // Loads the filter into the calling process. Returns the notify fd when
  // the profile uses SCMP_ACT_NOTIFY, else an invalid fd.
  Result<UniqueFd> load() const;

  bool uses_notify() const { return uses_notify_; }
  const std::string& listener_path() const { return listener_path_; }
  const std::string& listener_metadata() const { return listener_metadata_; }

 private:
  SeccompFilter() = default;
  void* ctx_ = nullptr;  // scmp_filter_ctx
  bool uses_notify_ = false;
  std::string listener_path_, listener_metadata_;
};

}  // namespace hako::linux
