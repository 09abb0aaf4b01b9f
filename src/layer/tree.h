// Small *at() helpers shared by apply and diff. Every function works on a
// directory fd plus one plain name (no slashes), so nothing here ever
// resolves a path through a symlink.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/fd.h"

namespace hako::layer {

// The entry names of an open directory, sorted bytewise, without "." and "..".
Result<std::vector<std::string>> list_dir(int dirfd);
// rm -rf of `name` in `dirfd`, never following symlinks. Missing is fine.
Result<> remove_at(int dirfd, const std::string& name);
// Opens the directory `name` in `dirfd` (O_NOFOLLOW, so a symlink fails).
Result<UniqueFd> open_subdir(int dirfd, const std::string& name);
// Opens `rel` inside `root_fd` (RESOLVE_IN_ROOT) as a readable directory.
// With `create`, missing components are made (0755) like mkdir -p.
Result<UniqueFd> open_dir_in_root(int root_fd, const std::string& rel, bool create);
// "/proc/self/fd/N/name": lets the l*xattr calls, which have no *at form,
// address `name` in `dirfd` without walking any path again.
std::string at_path(int dirfd, const std::string& name);
// All xattrs of `name` in `dirfd` (not following a final symlink).
Result<std::map<std::string, std::string>> read_xattrs(int dirfd, const std::string& name);
// True for a directory overlayfs marked opaque (trusted. or user.overlay.opaque=y).
bool is_opaque(int dirfd, const std::string& name);

}  // namespace hako::layer
