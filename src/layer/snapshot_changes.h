// `docker diff` of a container: what its writable layer added (A), changed
// (C) or deleted (D), compared with the image's layers below it.
//
// The walk is write_layer's own (layer_members: the entries `commit` would
// pack), so diff and commit never disagree; this file only names each entry.
// An entry is C when the image already has that path, else A; a whiteout is
// D. Directories on the way to a change are listed (as C when the image has
// them), as Docker does. Order: the walk's, parents first and names sorted
// bytewise within a directory ("/etc", "/etc/new", "/etc-old").
#pragma once
#include <string>
#include <vector>

#include "base/error.h"
#include "layer/snapshots.h"

namespace hako::layer {

struct Change {
  enum Kind { Added, Changed, Deleted } kind;
  std::string path;  // absolute: "/etc/passwd"
};

// 'A', 'C' or 'D'.
char change_letter(Change::Kind kind);

// The changes of snapshot `key`, made from `layers` (chain ids, base first).
Result<std::vector<Change>> snapshot_changes(const Snapshots& snaps, const std::string& key,
                                             const std::vector<std::string>& layers);

// Whether `path` (relative, clean: "etc/passwd") shows through layer
// directories stacked the way overlayfs stacks them, top first: a whiteout
// device or a non-directory at any prefix hides everything below it, and an
// opaque directory hides the layers under the one that has it.
Result<bool> visible_in_layers(const std::vector<std::string>& top_first, const std::string& path);

}  // namespace hako::layer
