#include "image/distribution.h"

#include <fcntl.h>

#include <map>
#include <mutex>

#include "base/fd.h"
#include "image/registry/credentials.h"
#include "store/gc.h"

namespace hako::image {
namespace {

using registry::Progress;

void report(const TransferOptions& o, const std::string& id, const std::string& action) {
  if (o.progress) o.progress->update(Progress{id, action, 0, 0});
}

// Fetches a manifest into the blob store (verified) unless it is there.
Result<registry::FetchedManifest> fetch_manifest(registry::RegistryClient& client, ImageStore& store,
                                                 const std::string& repo, const std::string& reference) {
  TRY_ASSIGN(auto m, client.get_manifest(repo, reference));
  if (!store.blobs().exists(m.digest)) TRY(store.blobs().put(m.bytes, m.digest));
  return m;
}

// Downloads one blob into the store, resumably (keyed by its digest).
Result<> download(registry::RegistryClient& client, ImageStore& store, const std::string& repo,
                  const oci::Descriptor& d, const registry::ByteProgress& progress,
                  const std::atomic<bool>* cancel = nullptr) {
  TRY_ASSIGN(auto digest, store::Digest::parse(d.digest));
  if (store.blobs().exists(digest)) return {};
  TRY_ASSIGN(auto writer, store.blobs().resume_write(d.digest));
  TRY(client.fetch_blob(repo, digest, static_cast<uint64_t>(d.size), writer, progress, cancel));
  return {};
}

}  // namespace

Result<std::unique_ptr<registry::RegistryClient>> client_for(const std::string& domain,
                                                             const TransferOptions& options) {
  registry::ClientOptions co;
  co.insecure_registries = options.insecure_registries;
  if (!options.certs_dirs.empty()) co.certs_dirs = options.certs_dirs;
  TRY_ASSIGN(co.credentials, registry::read_credentials(registry::docker_config_path(options.docker_config), domain));
  return registry::RegistryClient::create(domain, std::move(co));
}

Result<PullResult> pull(ImageStore& store, const Reference& ref, const Platform& platform,
                        const TransferOptions& options) {
  TRY_ASSIGN(auto client, client_for(ref.domain, options));
  const std::string repo = ref.path;
  const std::string reference = ref.digest.empty() ? ref.tag : ref.digest;
  if (options.status) options.status(fmt::format("{}: Pulling from {}", reference, repo));

  // Blobs written from here on are unreferenced until add_image commits.
  TRY_ASSIGN(auto lock, store::writer_lock(store.root()));
  TRY_ASSIGN(auto top, fetch_manifest(*client, store, repo, reference));
  std::string top_type = top.media_type;
  // An index names one manifest per platform: fetch the one for ours
  // (following nested indexes).
  registry::FetchedManifest current = top;
  oci::Descriptor chosen{current.media_type, current.digest.to_string(), static_cast<int64_t>(current.bytes.size())};
  for (int depth = 0; oci::is_index_type(chosen.media_type); ++depth) {
    if (depth > 3) return fail(ErrorKind::InvalidArgument, "{}: image indexes nest too deeply", ref.familiar_string());
    TRY_ASSIGN(auto index, oci::parse_index(current.bytes));
    std::vector<Platform> candidates;
    std::vector<size_t> where;
    for (size_t i = 0; i < index.manifests.size(); ++i) {
      const auto& m = index.manifests[i];
      if (!m.platform || m.platform->os == "unknown") continue;  // attestations
      candidates.push_back({m.platform->os, m.platform->architecture, m.platform->variant});
      where.push_back(i);
    }
    auto pick = select_platform(platform, candidates);
    if (!pick)
      return fail(ErrorKind::NotFound, "no matching manifest for {} in the manifest list entries",
                  platform.string());
    chosen = index.manifests[where[*pick]];
    TRY_ASSIGN(current, fetch_manifest(*client, store, repo, chosen.digest));
    if (chosen.media_type.empty()) chosen.media_type = current.media_type;
  }
  TRY_ASSIGN(auto manifest_digest, store::Digest::parse(chosen.digest));
  TRY_ASSIGN(auto manifest_bytes, store.blobs().read(manifest_digest));
  TRY_ASSIGN(auto manifest, oci::parse_manifest(manifest_bytes));
  for (const auto& l : manifest.layers)
    if (!oci::is_layer_type(l.media_type))
      return fail(ErrorKind::NotSupported, "{}: layer {} has media type {}, which hako cannot unpack",
                  ref.familiar_string(), l.digest, l.media_type);

  TRY(download(*client, store, repo, manifest.config, {}));
  TRY_ASSIGN(auto config_bytes, store.blobs().read(*store::Digest::parse(manifest.config.digest)));
  TRY_ASSIGN(auto config, oci::parse_image_config(config_bytes));
  if (config.diff_ids.size() != manifest.layers.size())
    return fail(ErrorKind::InvalidArgument, "{}: image config lists {} layers but its manifest has {}",
                ref.familiar_string(), config.diff_ids.size(), manifest.layers.size());
  auto chains = chain_ids(config.diff_ids);
  bool overlay = store.snapshots().driver() == layer::Driver::Overlay;

  std::map<std::string, int64_t> sizes;
  std::mutex sizes_mu;
  std::vector<registry::TransferJob> jobs;
  bool anything_new = false;
  for (size_t i = 0; i < manifest.layers.size(); ++i) {
    const auto& d = manifest.layers[i];
    std::string id = short_id(d.digest);
    auto have = store.db().layer_by_chain_id(chains[i]);
    if (have && store.snapshots().has_layer(chains[i])) {
      report(options, id, "Already exists");
      continue;
    }
    anything_new = true;
    report(options, id, "Pulling fs layer");
    std::string chain = chains[i], diff_id = config.diff_ids[i];
    jobs.push_back([&, d, id, chain, diff_id](const std::atomic<bool>& cancelled) -> Result<> {
      TRY_ASSIGN(auto digest, store::Digest::parse(d.digest));
      if (store.blobs().exists(digest)) {
        report(options, id, "Download complete");
      } else {
        TRY(download(*client, store, repo, d, registry::report_to(options.progress, id, "Downloading"), &cancelled));
        report(options, id, "Download complete");
      }
      if (!overlay) return {};
      // Overlay layers are independent trees: unpack now, in parallel with
      // the downloads still running.
      report(options, id, "Extracting");
      TRY_ASSIGN(auto stats, store.snapshots().unpack(chain, std::nullopt, store.blobs().blob_path(digest), diff_id));
      {
        std::lock_guard g(sizes_mu);
        sizes[chain] = static_cast<int64_t>(stats.bytes);
      }
      report(options, id, "Pull complete");
      return {};
    });
  }
  TRY(registry::run_transfers(std::move(jobs), options.max_concurrent));

  std::map<std::string, std::string> id_of_diff;
  for (size_t i = 0; i < manifest.layers.size(); ++i) id_of_diff[config.diff_ids[i]] = short_id(manifest.layers[i].digest);
  LayerCallback on_layer = [&](const LayerEvent& e) {
    if (e.kind == LayerEvent::Extracting) report(options, id_of_diff[e.diff_id], "Extracting");
    if (e.kind == LayerEvent::Extracted) report(options, id_of_diff[e.diff_id], "Pull complete");
  };
  std::vector<std::string> names;
  if (!ref.tag.empty() && ref.digest.empty()) names.push_back(ref.string());
  Reference repo_only = ref;
  repo_only.tag.clear();
  repo_only.digest.clear();
  TRY_ASSIGN(auto added, store.add_image(top.digest, top_type, platform, names, {repo_only.string()}, on_layer,
                                         &sizes));
  return PullResult{added.id, top.digest.to_string(), anything_new || added.is_new};
}

Result<PushResult> push(ImageStore& store, const Reference& ref, const TransferOptions& options) {
  TRY_ASSIGN(auto image, store.find(ref.string()));
  std::string manifest_digest;
  TRY_ASSIGN(auto manifest, store.manifest(image, &manifest_digest));
  std::string media_type;
  for (const auto& m : image.manifests)
    if (m.digest == manifest_digest) media_type = m.media_type;
  if (media_type.empty()) media_type = manifest.media_type.empty() ? oci::media::kManifest : manifest.media_type;
  TRY_ASSIGN(auto client, client_for(ref.domain, options));
  const std::string repo = ref.path;

  // Repositories of the same registry this image is known in: a layer
  // there can be mounted instead of uploaded.
  std::vector<std::string> sources;
  for (const auto& n : image.names) {
    auto r = parse_reference_exact(n);
    if (r && r->domain == ref.domain && r->path != repo) sources.push_back(r->path);
  }

  std::vector<registry::TransferJob> jobs;
  auto push_blob = [&](const oci::Descriptor& d, bool is_layer) -> registry::TransferJob {
    return [&, d, is_layer](const std::atomic<bool>& cancelled) -> Result<> {
      std::string id = short_id(d.digest);
      TRY_ASSIGN(auto digest, store::Digest::parse(d.digest));
      if (is_layer) report(options, id, "Preparing");
      TRY_ASSIGN(bool there, client->blob_exists(repo, digest));
      if (there) {
        if (is_layer) report(options, id, "Layer already exists");
        return {};
      }
      for (const auto& from : sources) {
        TRY_ASSIGN(bool mounted, client->mount_blob(repo, digest, from));
        if (mounted) {
          if (is_layer) report(options, id, "Mounted from " + from);
          return {};
        }
      }
      if (!store.blobs().exists(digest))
        return fail(ErrorKind::NotFound, "blob {} of {} is not in the store", d.digest, ref.familiar_string());
      TRY_ASSIGN(auto fd, store.blobs().open_blob(digest));
      TRY_ASSIGN(uint64_t size, store.blobs().size(digest));
      TRY(client->upload_blob(repo, digest, fd.get(), size,
                              is_layer ? registry::report_to(options.progress, id, "Pushing") : registry::ByteProgress{},
                              &cancelled));
      if (is_layer) report(options, id, "Pushed");
      return {};
    };
  };
  // Docker lists layers top first.
  for (auto it = manifest.layers.rbegin(); it != manifest.layers.rend(); ++it) jobs.push_back(push_blob(*it, true));
  TRY(registry::run_transfers(std::move(jobs), options.max_concurrent));
  TRY(push_blob(manifest.config, false)(std::atomic<bool>(false)));

  TRY_ASSIGN(auto md, store::Digest::parse(manifest_digest));
  TRY_ASSIGN(auto bytes, store.blobs().read(md));
  TRY_ASSIGN(auto pushed, client->put_manifest(repo, ref.tag.empty() ? "latest" : ref.tag, bytes, media_type));
  Reference repo_only = ref;
  repo_only.tag.clear();
  repo_only.digest.clear();
  TRY(store.db().tag(repo_only.string() + "@" + pushed.to_string(), image.id));
  return PushResult{ref.tag.empty() ? "latest" : ref.tag, pushed.to_string(), bytes.size()};
}

}  // namespace hako::image
