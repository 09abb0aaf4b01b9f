// Streaming an image archive's tar into the blob store (the first half of
// read_image_archive): every regular file becomes a blob as it passes, since
// the metadata that says what the files are may come last.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "base/error.h"
#include "store/blob_store.h"
#include "store/digest.h"

namespace hako::image::archive_detail {

// Top-level metadata files kept in memory, not stored as blobs.
inline constexpr std::string_view kMetadataFiles[] = {"manifest.json", "index.json", "oci-layout", "repositories"};

struct StagedArchive {
  std::set<store::Digest> preexisting;            // blobs in the store before staging
  std::set<store::Digest> created;                // blobs staging (or synthesis) added
  std::map<std::string, std::string> metadata;    // kMetadataFiles present -> content
  std::map<std::string, store::Digest> files;     // normalized path -> blob
  std::map<std::string, std::string> links;       // normalized path -> normalized target

  // The blob a path names, following links within the archive; nullopt if
  // no such file (or a link loop).
  std::optional<store::Digest> resolve(std::string_view path) const;
  // Records that `d` is now in the store (for cleanup if it was not before).
  void note_written(const store::Digest& d);
};

// Reads the tar on fd into `out`. On failure `out.created` still lists what
// was added, so the caller can remove it.
Result<> stage_archive(int fd, const store::BlobStore& blobs, StagedArchive& out);

// "./a//b/" -> "a/b"; "" for the root. Absolute paths and ".." fail.
Result<std::string> normalize_archive_path(std::string_view path);

}  // namespace hako::image::archive_detail
