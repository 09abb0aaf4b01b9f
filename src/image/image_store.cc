#include "image/image_store.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <set>

#include "base/clock.h"
#include "base/fd.h"
#include "base/files.h"
#include "image/reference.h"
#include "layer/tree.h"
#include "store/gc.h"

namespace hako::image {
namespace {

// Bytes of regular files under a tree: a layer's size when it was unpacked
// by an earlier, interrupted command and its stats are gone.
uint64_t tree_size(int dirfd) {
  uint64_t total = 0;
  auto names = layer::list_dir(dirfd);
  if (!names) return 0;
  for (const auto& n : *names) {
    struct stat st;
    if (::fstatat(dirfd, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) continue;
    if (S_ISREG(st.st_mode)) total += static_cast<uint64_t>(st.st_size);
    if (S_ISDIR(st.st_mode))
      if (auto sub = layer::open_subdir(dirfd, n)) total += tree_size(sub->get());
  }
  return total;
}

bool is_hex(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string platform_of(const oci::ImageConfig& c) {
  Platform p{c.os, c.architecture, c.variant};
  return p.string();
}

}  // namespace

std::vector<std::string> chain_ids(const std::vector<std::string>& diff_ids) {
  std::vector<std::string> out;
  for (const auto& d : diff_ids)
    out.push_back(out.empty() ? d : store::sha256_of(out.back() + " " + d).to_string());
  return out;
}

std::string short_id(std::string_view id) {
  if (auto colon = id.find(':'); colon != std::string_view::npos) id.remove_prefix(colon + 1);
  return std::string(id.substr(0, 12));
}

Result<ImageStore> ImageStore::open(const std::string& root, const StoreOptions& options) {
  TRY(make_dirs(root, 0700));
  TRY_ASSIGN(auto blobs, store::BlobStore::open(root));
  TRY_ASSIGN(auto db, store::Metadata::open(root + "/metadata.db"));
  TRY_ASSIGN(auto snaps, layer::Snapshots::open(root, options.driver));
  return ImageStore(root, std::move(blobs), std::move(db), std::move(snaps));
}

Result<oci::Descriptor> ImageStore::select_manifest(const store::Digest& top, std::string_view media_type,
                                                    const Platform& platform) {
  oci::Descriptor d;
  d.digest = top.to_string();
  d.media_type = std::string(media_type);
  for (int depth = 0; depth < 4; ++depth) {
    TRY_ASSIGN(auto digest, store::Digest::parse(d.digest));
    TRY_ASSIGN(auto bytes, blobs_.read(digest));
    if (d.media_type.empty()) {
      // Media type unknown (e.g. an archive without one): ask the document.
      auto j = parse_json(bytes, "manifest");
      if (j && j->is_object() && j->contains("manifests")) d.media_type = oci::media::kIndex;
      else d.media_type = oci::media::kManifest;
    }
    if (!oci::is_index_type(d.media_type)) {
      d.size = static_cast<int64_t>(bytes.size());
      return d;
    }
    TRY_ASSIGN(auto index, oci::parse_index(bytes));
    std::vector<Platform> candidates;
    std::vector<size_t> where;
    for (size_t i = 0; i < index.manifests.size(); ++i) {
      const auto& m = index.manifests[i];
      // Attestations and other artifacts carry platform "unknown/unknown".
      if (!m.platform || m.platform->os == "unknown") continue;
      candidates.push_back({m.platform->os, m.platform->architecture, m.platform->variant});
      where.push_back(i);
    }
    auto pick = select_platform(platform, candidates);
    if (!pick) return fail(ErrorKind::NotFound, "no matching manifest for {} in the manifest list entries", platform.string());
    d = index.manifests[where[*pick]];
  }
  return fail(ErrorKind::InvalidArgument, "image indexes nest too deeply");
}

Result<AddedImage> ImageStore::add_image(const store::Digest& top, std::string_view media_type,
                                         const Platform& platform, const std::vector<std::string>& names,
                                         const std::vector<std::string>& repo_names, const LayerCallback& on_layer,
                                         const std::map<std::string, int64_t>* unpacked_sizes) {
  TRY_ASSIGN(auto chosen, select_manifest(top, media_type, platform));
  TRY_ASSIGN(auto manifest_digest, store::Digest::parse(chosen.digest));
  TRY_ASSIGN(auto manifest_bytes, blobs_.read(manifest_digest));
  TRY_ASSIGN(auto manifest, oci::parse_manifest(manifest_bytes));
  TRY_ASSIGN(auto config_digest, store::Digest::parse(manifest.config.digest));
  TRY_ASSIGN(auto config_bytes, blobs_.read(config_digest, /*verify=*/true));
  TRY_ASSIGN(auto config, oci::parse_image_config(config_bytes));
  if (config.diff_ids.size() != manifest.layers.size())
    return fail(ErrorKind::InvalidArgument, "image config lists {} layers but its manifest has {}",
                config.diff_ids.size(), manifest.layers.size());

  TRY_ASSIGN(auto lock, store::writer_lock(root_));
  auto chains = chain_ids(config.diff_ids);
  std::vector<store::LayerRecord> new_layers;
  int64_t size = 0;
  for (size_t i = 0; i < chains.size(); ++i) {
    const auto& desc = manifest.layers[i];
    LayerEvent ev{config.diff_ids[i], desc.digest, LayerEvent::AlreadyExists};
    auto existing = db_.layer_by_chain_id(chains[i]);
    if (existing && snapshots_.has_layer(chains[i])) {
      size += existing->size;
      if (on_layer) on_layer(ev);
      continue;
    }
    store::LayerRecord rec;
    rec.chain_id = chains[i];
    rec.diff_id = config.diff_ids[i];
    rec.blob_digest = desc.digest;
    rec.unpacked_path = snapshots_.layer_dir(chains[i]);
    if (i > 0) rec.parent = chains[i - 1];
    if (snapshots_.has_layer(chains[i]) && unpacked_sizes && unpacked_sizes->contains(chains[i])) {
      rec.size = unpacked_sizes->at(chains[i]);  // the caller just unpacked it
    } else if (snapshots_.has_layer(chains[i])) {
      // Unpacked by a command that stopped before recording it.
      UniqueFd dir(::open(rec.unpacked_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      rec.size = static_cast<int64_t>(tree_size(dir.get()));
    } else {
      TRY_ASSIGN(auto blob, store::Digest::parse(desc.digest));
      if (!blobs_.exists(blob)) return fail(ErrorKind::NotFound, "layer blob {} is missing", desc.digest);
      ev.kind = LayerEvent::Extracting;
      if (on_layer) on_layer(ev);
      TRY_ASSIGN(auto stats, snapshots_.unpack(chains[i], rec.parent, blobs_.blob_path(blob), config.diff_ids[i]));
      rec.size = static_cast<int64_t>(stats.bytes);
      ev.kind = LayerEvent::Extracted;
    }
    if (on_layer) on_layer(ev);
    size += rec.size;
    new_layers.push_back(std::move(rec));
  }

  bool is_new = !db_.get_image(config_digest.to_string()).has_value();
  TRY_ASSIGN(auto tx, db_.transaction());
  for (const auto& l : new_layers) TRY(db_.put_layer(l));
  store::ImageRecord image;
  image.id = config_digest.to_string();
  image.created = parse_rfc3339(config.created).value_or(0);
  image.size = size;
  image.layers = chains;
  if (!is_new) {
    // Keep the manifests other pulls recorded (another index, say).
    TRY_ASSIGN(auto old, db_.get_image(image.id));
    image.manifests = old.manifests;
  }
  auto record = [&](store::ManifestRecord m) {
    for (const auto& have : image.manifests)
      if (have.digest == m.digest) return;
    image.manifests.push_back(std::move(m));
  };
  record({manifest_digest.to_string(), chosen.media_type, platform_of(config)});
  if (top != manifest_digest) record({top.to_string(), std::string(media_type), ""});
  TRY(db_.put_image(image));
  for (const auto& n : names) TRY(db_.tag(n, image.id));
  for (const auto& r : repo_names) {
    TRY_ASSIGN(auto ref, parse_reference_exact(r));
    TRY(db_.tag(ref.name() + "@" + top.to_string(), image.id));
  }
  TRY(tx.commit());
  return AddedImage{image.id, manifest_digest.to_string(), is_new};
}

Result<store::ImageRecord> ImageStore::find(std::string_view text) {
  auto not_found = [&] { return fail(ErrorKind::NotFound, "No such image: {}", text); };
  if (text.empty()) return not_found();
  // A reference first, as Docker does ("busybox" is a name, not an id).
  if (auto ref = parse_reference(text)) {
    auto id = db_.resolve_name(ref->string());
    if (!id && !ref->digest.empty() && !ref->tag.empty()) {
      Reference by_digest = *ref;
      by_digest.tag.clear();
      id = db_.resolve_name(by_digest.string());
    }
    if (id) return db_.get_image(*id);
  }
  std::string_view hex = text;
  if (hex.starts_with("sha256:")) hex.remove_prefix(7);
  if (!is_hex(hex)) return not_found();
  TRY_ASSIGN(auto images, db_.list_images());
  const store::ImageRecord* match = nullptr;
  for (const auto& im : images) {
    if (std::string_view(im.id).substr(7).starts_with(hex)) {
      if (match) return fail(ErrorKind::InvalidArgument, "image id prefix {} is ambiguous", text);
      match = &im;
    }
  }
  if (!match) return not_found();
  return *match;
}

Result<std::string> ImageStore::config_bytes(const store::ImageRecord& image) {
  TRY_ASSIGN(auto d, store::Digest::parse(image.id));
  return blobs_.read(d);
}

Result<oci::ImageConfig> ImageStore::config(const store::ImageRecord& image) {
  TRY_ASSIGN(auto bytes, config_bytes(image));
  return oci::parse_image_config(bytes);
}

Result<oci::Manifest> ImageStore::manifest(const store::ImageRecord& image, std::string* digest) {
  for (const auto& m : image.manifests) {
    if (oci::is_index_type(m.media_type)) continue;
    TRY_ASSIGN(auto d, store::Digest::parse(m.digest));
    if (!blobs_.exists(d)) continue;
    TRY_ASSIGN(auto bytes, blobs_.read(d));
    if (digest) *digest = m.digest;
    return oci::parse_manifest(bytes);
  }
  return fail(ErrorKind::NotFound, "image {} has no manifest in the store", short_id(image.id));
}

std::vector<std::string> ImageStore::tags_of(const store::ImageRecord& image) {
  std::vector<std::string> out;
  for (const auto& n : image.names)
    if (n.find('@') == std::string::npos) out.push_back(n);
  return out;
}

std::vector<std::string> ImageStore::digests_of(const store::ImageRecord& image) {
  std::vector<std::string> out;
  for (const auto& n : image.names)
    if (n.find('@') != std::string::npos) out.push_back(n);
  return out;
}

Result<std::vector<std::string>> ImageStore::remove(std::string_view text, bool force) {
  TRY_ASSIGN(auto image, find(text));
  std::vector<std::string> lines;
  auto tags = tags_of(image);
  auto ref = parse_reference(text);
  bool by_name = false;
  std::string name;
  if (ref) {
    name = ref->string();
    for (const auto& n : image.names) by_name = by_name || n == name;
  }
  auto familiar = [](const std::string& full) {
    auto r = parse_reference_exact(full);
    return r ? r->familiar_string() : full;
  };
  TRY_ASSIGN(auto containers, db_.list_containers());
  std::vector<std::string> users;
  for (const auto& c : containers)
    if (c.image_id == image.id) users.push_back(short_id(c.id));

  if (by_name && (tags.size() > 1 || (tags.size() == 1 && tags[0] != name))) {
    // Other names remain: only this name goes.
    TRY(db_.untag(name));
    lines.push_back("Untagged: " + familiar(name));
    return lines;
  }
  if (!by_name && tags.size() > 1 && !force)
    return fail(ErrorKind::Conflict,
                "conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories",
                short_id(image.id));
  if (!users.empty()) {
    if (!force || by_name)
      return fail(ErrorKind::Conflict, "conflict: unable to {} {} ({}) - image is being used by container {}",
                  by_name ? "remove repository reference" : "delete", text, by_name ? "must force" : "cannot be forced",
                  users[0]);
    // Forced by id with containers: untag only, as Docker does.
    for (const auto& n : image.names) TRY(db_.untag(n));
    for (const auto& t : tags) lines.push_back("Untagged: " + familiar(t));
    return lines;
  }
  for (const auto& t : tags) lines.push_back("Untagged: " + familiar(t));
  for (const auto& d : digests_of(image)) lines.push_back("Untagged: " + familiar(d));
  TRY_ASSIGN(auto removed, delete_image(image.id));
  lines.push_back("Deleted: " + image.id);
  for (const auto& l : removed) lines.push_back("Deleted: " + l);
  return lines;
}

Result<std::vector<std::string>> ImageStore::delete_image(const std::string& id) {
  std::vector<std::string> removed;
  {
    TRY_ASSIGN(auto tx, db_.transaction());
    TRY(db_.remove_image(id));
    TRY(tx.commit());
  }
  TRY(collect_garbage(&removed));
  return removed;
}

Result<uint64_t> ImageStore::collect_garbage(std::vector<std::string>* removed_layers) {
  // Layers first (a freed layer frees its parent), then blobs.
  for (;;) {
    TRY_ASSIGN(auto unused, db_.unused_layers());
    if (unused.empty()) break;
    for (const auto& l : unused) {
      TRY(snapshots_.remove_layer(l.chain_id));
      TRY(db_.remove_layer(l.chain_id));
      if (removed_layers) removed_layers->push_back(l.chain_id);
    }
  }
  TRY_ASSIGN(auto report, store::collect_garbage(db_, blobs_));
  return report.bytes_freed;
}

Result<int64_t> ImageStore::image_size(const store::ImageRecord& image) { return image.size; }

}  // namespace hako::image
