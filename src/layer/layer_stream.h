// LayerStream: the uncompressed bytes of a layer blob, hashed as they pass.
//
// A layer's diff id is the sha256 of its *uncompressed* tar, and the image
// config (whose digest is the image id) lists those diff ids; so unpacking a
// pulled layer must hash what it decompresses, or a registry could serve any
// tar that merely matches the compressed digest of a different one.
//
// Compression is detected from the first bytes (gzip, zstd; anything else is
// read as a plain tar). Decompression runs on its own thread, a few chunks
// ahead of the reader, so inflating and writing files use both cores the way
// `tar -xzf` (tar piped from gzip) does.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"
#include "oci/image_spec.h"
#include "store/digest.h"

namespace hako::layer {

class LayerStream {
 public:
  // Starts reading `fd` (not owned; it must stay open until the stream is
  // destroyed).
  static Result<std::unique_ptr<LayerStream>> open(int fd);
  ~LayerStream();

  // The next chunk of uncompressed data; empty at the end. The view is valid
  // until the next call. A corrupt stream is InvalidArgument.
  Result<std::string_view> next();

  oci::Compression compression() const;
  // Uncompressed bytes delivered so far.
  uint64_t size() const;
  // The digest of everything delivered; call after next() returned empty.
  store::Digest diff_id();

  class Impl;

 private:
  explicit LayerStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Detects compression from a blob's first bytes.
oci::Compression detect_compression(std::string_view head);

}  // namespace hako::layer
