// Resolving `-u name|uid[:group|gid]` against the image's /etc/passwd and
// /etc/group, as runc's and moby's user.GetExecUser does:
//   - a numeric uid is a uid whether or not passwd has it; when passwd has
//     it, the gid and the supplementary groups come from there;
//   - a name must be in passwd: "unable to find user x: no matching entries
//     in passwd file";
//   - an explicit group (name or gid) replaces the primary gid and drops the
//     supplementary groups; a group name must be in /etc/group;
//   - "" means uid 0 (root's passwd entry when there is one).
// Missing files are not errors; unreadable entries are skipped.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace hako::engine {

struct ExecUser {
  uint32_t uid = 0, gid = 0;
  std::vector<uint32_t> sgids;  // supplementary groups (from /etc/group membership)
  std::string home = "/";
};

// Pure form: nullopt content means the file does not exist.
Result<ExecUser> lookup_exec_user(const std::string& spec, std::optional<std::string_view> passwd,
                                  std::optional<std::string_view> group);

// Reads ROOTFS/etc/passwd and ROOTFS/etc/group, resolving symlinks inside
// the rootfs (openat2 RESOLVE_IN_ROOT), so an image cannot point them at the
// host's files.
Result<ExecUser> lookup_user_in_rootfs(const std::string& rootfs, const std::string& spec);

// What the spec builder calls; tests pass a fake.
using UserLookup = std::function<Result<ExecUser>(const std::string& spec)>;
UserLookup rootfs_user_lookup(std::string rootfs);

}  // namespace hako::engine
