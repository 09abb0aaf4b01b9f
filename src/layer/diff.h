// Packing a directory's changes as an OCI layer tar, with its digests.
//
// Two inputs are understood:
//  - no lower: `upper` is either a whole tree (the first layer) or an
//    overlayfs upper dir. Everything is written; char 0:0 devices become
//    ".wh.NAME" entries and a directory with trusted.overlay.opaque=y (or
//    user.overlay.opaque=y) is followed by its ".wh..wh..opq" marker.
//  - a lower: `upper` is a full copy of `lower` with changes made (the copy
//    fallback when overlayfs is unavailable). Entries that are new or differ
//    (type, mode, owner, xattrs, link target, device; size or mtime for
//    non-directories, where zero nanoseconds match any, since a tree
//    unpacked from a layer has lost them) are written, with every directory
//    that contains one; entries gone from upper become whiteouts.
//
// The output is deterministic for a given tree: names are sorted bytewise,
// parents precede children, user/group names and atimes are not recorded,
// whiteouts have mode 0 and mtime 0, and gzip headers carry no timestamp.
// mtimes are written in whole seconds, as docker does: ustar holds no more,
// and sub-second times would put a PAX header on every entry. PAX headers are
// used only where ustar cannot hold a field (long names and link targets,
// xattrs, large ids or sizes). Files with several links
// are written once and then as hardlinks to the first name (by inode).
// trusted.overlay.* xattrs are overlayfs bookkeeping and are not copied.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "oci/image_spec.h"

namespace hako::layer {

// One enum for the project: the image layer knows which a media type implies.
using Compression = oci::Compression;

struct LayerDigests {
  std::string diff_id;          // "sha256:<hex>" of the uncompressed tar
  std::string digest;           // "sha256:<hex>" of the bytes written to out_fd
  uint64_t size = 0;            // bytes written to out_fd
  uint64_t uncompressed_size = 0;
  uint64_t entries = 0;         // tar entries, whiteouts included
};

Result<LayerDigests> write_layer(const std::optional<std::string>& lower, const std::string& upper, int out_fd,
                                 Compression compression);

// The member names write_layer would pack, in its order, without packing:
// changed entries ("etc", "etc/passwd") and whiteouts (".wh.NAME" beside
// the deleted name, ".wh..wh..opq" inside an opaque directory). `hako diff`
// reads its A/C/D lines from this.
Result<std::vector<std::string>> layer_members(const std::optional<std::string>& lower, const std::string& upper);

}  // namespace hako::layer
