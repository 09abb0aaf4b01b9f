// Unpacking an OCI/Docker image layer (a tar, plain, gzip or zstd: the
// compression is detected) onto a directory that already holds the layers
// below it.
//
// Contract:
//  - Every path is resolved inside `target` with openat2(RESOLVE_IN_ROOT |
//    RESOLVE_NO_MAGICLINKS), and the last component is created with *at()
//    calls and O_NOFOLLOW. Symlinks from this layer or a lower one are read
//    as if `target` were "/", so no write can land outside it. Entries (and
//    hardlink targets) that are absolute or contain ".." are refused with
//    InvalidArgument: `layer entry "../x": path escapes the root`.
//  - Whiteouts only hide what lower layers put there: ".wh.NAME" removes NAME
//    (recursively) unless this layer itself created NAME, and an opaque
//    marker removes everything in its directory except what this layer adds,
//    whether those entries come before or after the marker.
//  - An existing entry is replaced, except that a directory over a directory
//    is kept (its contents merge) and only its metadata changes.
//  - Owners are set before modes (chown clears setuid/setgid) and xattrs
//    after both (chown clears security.capability); directory modes and
//    mtimes are set once the whole layer is in, since adding to a directory
//    changes its mtime.
//  - On error the target is left partly applied; callers unpack into a fresh
//    snapshot and discard it on failure.
#pragma once

#include <cstdint>
#include <string>

#include "base/error.h"
#include "oci/image_spec.h"

namespace hako::layer {

struct ApplyOptions {
  // Instead of deleting, write what overlayfs reads: a char 0:0 device for
  // ".wh.NAME" and trusted.overlay.opaque=y for an opaque directory, so the
  // target can be stacked as one overlayfs lower/upper dir.
  bool overlay_whiteouts = false;
  // Skip char and block device entries (mknod needs CAP_MKNOD). FIFOs are
  // still made.
  bool skip_devices = false;
  // chown entries to the archive's uid/gid (plus the offsets). Off when
  // unprivileged; then EPERM on trusted.*/security.* xattrs is ignored too.
  bool set_owners = true;
  // Added to every uid/gid: the host id that container id 0 maps to when the
  // tree is used inside a user namespace.
  uint32_t uid_offset = 0;
  uint32_t gid_offset = 0;
  // For `cp` (a plain tar, not a layer): entries land below `base`, a path
  // inside target resolved like every other one (so a symlink there is
  // followed inside target); ".wh." names are ordinary files; and an
  // existing directory is never replaced by a non-directory or the reverse
  // (an error, as Docker's NoOverwriteDirNonDir), so a cp cannot rm -rf.
  std::string base;
  bool whiteouts = true;
  bool replace_dirs = true;
};

struct ApplyStats {
  uint64_t entries = 0;    // entries put in place (not counting whiteouts)
  uint64_t bytes = 0;      // regular file content written
  uint64_t whiteouts = 0;  // whiteout and opaque markers handled
  uint64_t skipped = 0;    // devices skipped, sockets, aufs metadata
  // The layer as read: its compression, and the size and digest of the
  // uncompressed tar (the diff id an image config must list for it).
  oci::Compression compression = oci::Compression::None;
  uint64_t uncompressed_size = 0;
  std::string diff_id;
};

Result<ApplyStats> apply_layer(int tar_fd, const std::string& target, const ApplyOptions& options = {});
Result<ApplyStats> apply_layer(const std::string& tar_path, const std::string& target,
                               const ApplyOptions& options = {});

}  // namespace hako::layer
