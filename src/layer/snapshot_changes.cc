#include "layer/snapshot_changes.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "base/fd.h"
#include "base/strings.h"
#include "layer/diff.h"
#include "layer/names.h"
#include "layer/tree.h"

namespace hako::layer {

char change_letter(Change::Kind kind) {
  switch (kind) {
    case Change::Added:
      return 'A';
    case Change::Changed:
      return 'C';
    case Change::Deleted:
      return 'D';
  }
  return '?';
}

Result<bool> visible_in_layers(const std::vector<std::string>& top_first, const std::string& path) {
  std::vector<std::string> parts;
  for (auto& p : split(path, '/'))
    if (!p.empty()) parts.push_back(p);
  if (parts.empty()) return true;
  for (const auto& layer : top_first) {
    UniqueFd cur(::open(layer.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!cur) return fail_sys("open layer " + layer);
    bool passed_opaque = false;
    for (size_t i = 0; i < parts.size(); ++i) {
      struct stat st;
      if (::fstatat(cur.get(), parts[i].c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT || errno == ENOTDIR) break;  // not in this layer: look below
        return fail_sys(fmt::format("stat {} in {}", path, layer));
      }
      if (S_ISCHR(st.st_mode) && st.st_rdev == 0) return false;  // a whiteout
      if (i + 1 == parts.size()) return true;
      if (!S_ISDIR(st.st_mode)) return false;  // a file where a directory was
      passed_opaque = passed_opaque || is_opaque(cur.get(), parts[i]);
      UniqueFd sub(::openat(cur.get(), parts[i].c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!sub) return fail_sys(fmt::format("open {} in {}", path, layer));
      cur = std::move(sub);
    }
    if (passed_opaque) return false;
  }
  return false;
}

Result<std::vector<Change>> snapshot_changes(const Snapshots& snaps, const std::string& key,
                                             const std::vector<std::string>& layers) {
  // overlay: the upper dir alone holds the changes; vfs: the rootfs copy is
  // compared with the top layer's full tree.
  std::vector<std::string> below;
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) below.push_back(snaps.layer_dir(*it));
  std::optional<std::string> lower;
  if (snaps.driver() == Driver::Vfs) {
    if (!below.empty()) lower = below.front();
    below.resize(lower ? 1 : 0);  // a vfs layer is already the whole tree
  }
  TRY_ASSIGN(auto members, layer_members(lower, snaps.changes_dir(key)));
  std::vector<Change> out;
  for (const auto& m : members) {
    auto [parent, name] = split_parent(m);
    if (name == kOpaqueMarker) continue;  // its directory is listed already
    if (name.starts_with(kWhiteoutPrefix)) {
      out.push_back({Change::Deleted, "/" + join(parent, name.substr(kWhiteoutPrefix.size()))});
      continue;
    }
    TRY_ASSIGN(bool had, visible_in_layers(below, m));
    out.push_back({had ? Change::Changed : Change::Added, "/" + m});
  }
  return out;
}

}  // namespace hako::layer
