// Pull and push: moving images between a registry and the ImageStore.
//
// pull: the manifest (an index is resolved to the platform's manifest),
// then the config, then every layer not already unpacked, at most three
// at a time, each resumable (a killed pull continues where it stopped, from
// the ref-keyed ingest file) and verified. With the overlay driver a layer is
// unpacked as soon as its download completes, while others still download;
// with vfs, layers are unpacked in order afterwards. The image is recorded
// only when every layer is in place.
//
// push: layers the registry lacks are mounted from a repository of the
// same registry the image came from when possible, otherwise uploaded; then
// the config, then the manifest exactly as stored, so the digest is kept.
#pragma once
#include <string>
#include <vector>

#include "base/error.h"
#include "image/image_store.h"
#include "image/reference.h"
#include "image/registry/client.h"
#include "image/registry/transfer.h"

namespace hako::image {

struct TransferOptions {
  std::vector<std::string> insecure_registries;
  std::string docker_config;  // config.json path override ("" = default)
  std::vector<std::string> certs_dirs;  // certs.d roots; empty: the client's defaults
  registry::ProgressSink* progress = nullptr;
  // Lines that are not per-layer ("latest: Pulling from library/x").
  std::function<void(const std::string&)> status;
  size_t max_concurrent = 3;
};

struct PullResult {
  std::string id;
  std::string digest;  // what the registry served for the reference
  bool downloaded_new = false;
};

Result<PullResult> pull(ImageStore& store, const Reference& ref, const Platform& platform,
                        const TransferOptions& options);

struct PushResult {
  std::string tag;
  std::string digest;
  uint64_t size = 0;
};

// Pushes the image named `ref` (a tag in the store) to its registry.
Result<PushResult> push(ImageStore& store, const Reference& ref, const TransferOptions& options);

// A client for the registry of `ref`, with stored credentials.
Result<std::unique_ptr<registry::RegistryClient>> client_for(const std::string& domain,
                                                             const TransferOptions& options);

}  // namespace hako::image
