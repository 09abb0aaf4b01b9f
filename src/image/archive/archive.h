// Image archives: the tar files of `hako save` / `hako load` (and of
// `docker save`, `skopeo copy ... docker-archive:/oci-archive:`, umoci,
// buildah).
//
// Reading understands three shapes, compressed or not (libarchive detects
// gzip, zstd, xz, ...):
//  - an OCI image layout (oci-layout, index.json, blobs/sha256/<hex>);
//  - Docker's legacy archive (Docker < 25, skopeo docker-archive:):
//    manifest.json lists {Config, RepoTags, Layers} by file path and there is
//    no manifest blob, so one is synthesized (see read_image_archive);
//  - Docker 25+'s combination of both, where manifest.json entries point into
//    blobs/sha256/. The layout is preferred (it keeps the original manifest
//    digests); manifest.json contributes RepoTags to the image whose config
//    it names, and only an entry the layout does not cover is synthesized.
//
// Writing produces the Docker 25 combination, which `docker load` of every
// version, skopeo (docker-archive: and oci-archive:) and containerd read.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "base/error.h"
#include "store/blob_store.h"
#include "store/digest.h"

namespace hako::image {

// Docker's uncompressed layer type, which oci/image_spec.h does not list: a
// synthesized manifest uses it for a legacy archive's plain layer.tar files.
inline constexpr const char* kDockerLayerMediaType = "application/vnd.docker.image.rootfs.diff.tar";

// One image in an archive.
struct ArchiveEntry {
  // Full normalized references ("docker.io/library/busybox:latest"), from
  // RepoTags, the io.containerd.image.name annotation, or an
  // org.opencontainers.image.ref.name annotation that is a whole reference.
  // Empty for an untagged image. No duplicates.
  std::vector<std::string> names;
  // org.opencontainers.image.ref.name annotations that could not become
  // names, as written: bare tags ("latest", "v1"; a value that is a valid
  // tag is always read as one, so "busybox" lands here too) and anything
  // that is not a reference. They name no repository; the caller decides
  // (report them, or combine them with a repository the user gives).
  // Filled by reading only; write_image_archive ignores it.
  std::vector<std::string> ref_names;
  // An image manifest or an image index, present in the BlobStore.
  store::Digest manifest;
  // Its media type (for a synthesized manifest: the Docker schema2 type).
  // Writing accepts it empty and then reads the blob's "mediaType".
  std::string media_type;
};

// Reads the archive on `fd` (streamed once: a pipe works) into `blobs` and
// returns its images, index.json images first in index order, then
// manifest.json-only images, each manifest digest once (names merged).
//
// Every blob is verified: blobs/sha256/<hex> must hash to its name (one the
// store already has is skipped, not re-read), descriptor sizes must match,
// and every image's manifest or index, config and layers must be present
// afterwards (a layer with "urls", i.e. foreign, may be absent). Within an
// image index, a child manifest that is absent is fine (archives often hold
// one platform of many); the caller picks a platform that is present.
//
// Legacy entries get a Docker schema2 manifest, stored as a blob: config
// application/vnd.docker.container.image.v1+json, layers
// kDockerLayerMediaType, ...tar.gzip, or the OCI +zstd type, by the layer
// file's magic bytes. It is serialized deterministically, so loading the
// same legacy archive twice yields the same digest. rootfs.diff_ids must
// count as many entries as Layers, and an uncompressed layer must hash to
// its diff_id (compressed ones are checked when applied, not here).
//
// Hostile or broken input fails with InvalidArgument (NotFound for a file
// the metadata names but the archive lacks, NotSupported for unknown
// versions and media types), naming the file: absolute or ".." paths,
// links that leave the archive, a link or device at blobs/... or in place
// of a metadata file (manifest.json, index.json, ...), a digest or
// size mismatch, malformed JSON, index.json without oci-layout.
// Symlinks and hardlinks elsewhere are resolved within the archive (Docker <
// 25 links layer.tar files of layers shared between v1 ids); nothing is ever
// extracted to the filesystem.
//
// Blobs this call added that no returned image references (v1 json files,
// stale layout blobs) are removed again; on failure every blob it added is
// removed, so the store holds exactly what it held before. Blobs that were
// there before are never removed. The caller holds store::writer_lock.
Result<std::vector<ArchiveEntry>> read_image_archive(int fd, const store::BlobStore& blobs);

// Writes `images` as one uncompressed tar to `fd`: oci-layout, index.json
// (one descriptor per image and name, annotated with io.containerd.image.name
// = full name and org.opencontainers.image.ref.name = tag; one without
// annotations for an untagged image), manifest.json (Docker's list: Config
// and Layers as blobs/sha256/<hex>, RepoTags in familiar form), and
// blobs/sha256/<hex> for each manifest, index, config and layer once.
//
// For an image index, the index and each child that is present in the
// store are written; manifest.json lists the present platform manifests
// (attestations excluded), with the RepoTags on the first of them.
// Entries with the same manifest digest are merged. Names must parse as
// references; names with a digest and no tag go only into index.json.
//
// The output is a function of the input alone: entries sorted, mtime 0,
// uid/gid 0, no user names, pax only where ustar cannot hold a field. Blobs
// are streamed from the store. NotFound if a manifest, config or layer is
// missing; all of that is checked before the first byte is written, but a
// write or read error later leaves a partial archive on fd (the caller
// removes the file). An index with no platform in the store is written
// (OCI readers see it) but gets no manifest.json entry.
Result<> write_image_archive(int fd, std::span<const ArchiveEntry> images, const store::BlobStore& blobs);

}  // namespace hako::image
