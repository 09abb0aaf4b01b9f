#include "build/build_user.h"

#include "base/strings.h"
#include "engine/spec/users.h"

namespace hako::build {

Result<CopyOwner> resolve_chown(const std::string& rootfs, const std::string& spec) {
  CopyOwner o;
  if (spec.empty()) return o;
  std::string user = spec.substr(0, spec.find(':'));
  bool has_group = spec.find(':') != std::string::npos;
  if (!has_group) {
    if (auto n = parse_int(user); n && *n >= 0) {
      o.uid = static_cast<uid_t>(*n);
      o.gid = static_cast<gid_t>(*n);
      return o;
    }
  }
  auto u = engine::lookup_user_in_rootfs(rootfs, spec);
  if (!u) return std::unexpected(u.error().context("--chown=" + spec));
  o.uid = u->uid;
  o.gid = u->gid;
  return o;
}

}  // namespace hako::build
