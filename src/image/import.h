// `hako import`: a root filesystem tarball becomes a one-layer image.
//
// The tarball (plain, gzip, zstd, xz or bzip2) is kept as the layer exactly
// as given, its diff id hashed over the uncompressed bytes, and stored
// gzip-compressed so it can be pushed; unpacking it (in add_image) checks
// every entry, so a hostile tarball is refused before any image exists.
#pragma once
#include <string>
#include <vector>

#include "base/error.h"
#include "image/image_store.h"

namespace hako::image {

struct ImportOptions {
  std::vector<std::string> changes;  // Dockerfile instructions (see changes.h)
  std::string message;               // history comment; default "Imported from <source>"
  std::string source = "-";          // what the history says it came from
  Platform platform = default_platform();
  std::string name;                  // full reference to tag, or empty
};

Result<AddedImage> import_rootfs(ImageStore& store, int fd, const ImportOptions& options);

}  // namespace hako::image
