// read_image_archive: stage the tar into the store, then make sense of its
// metadata (OCI layout first, then Docker's manifest.json).
#include <unistd.h>

#include <map>
#include <set>

#include "base/json.h"
#include "image/archive/archive.h"
#include "image/archive/stage.h"
#include "image/reference.h"
#include "oci/image_spec.h"

namespace hako::image {

using archive_detail::StagedArchive;
using store::Digest;

namespace {

constexpr uint64_t kMaxDocumentSize = 16 << 20;
constexpr int kMaxIndexDepth = 8;
constexpr const char* kContainerdName = "io.containerd.image.name";
constexpr const char* kRefName = "org.opencontainers.image.ref.name";

template <typename T>
Result<T> ctx(Result<T> r, std::string_view context) {
  if (!r) return std::unexpected(std::move(r).error().context(context));
  return r;
}

class Loader {
 public:
  Loader(StagedArchive& st, const store::BlobStore& blobs) : st_(st), blobs_(blobs) {}

  Result<std::vector<ArchiveEntry>> run() {
    if (!st_.metadata.contains("manifest.json") && !st_.metadata.contains("index.json"))
      return fail(ErrorKind::InvalidArgument, "not an image archive: it has neither manifest.json nor index.json");
    if (auto r = st_.metadata.find("repositories"); r != st_.metadata.end()) {
      // Only Docker < 1.10 needs it; RepoTags say the same. Still, refuse junk.
      TRY(parse_json(r->second, "repositories"));
    }
    TRY(load_layout());
    TRY(load_docker_list());
    return entries_;
  }

  const std::set<Digest>& referenced() const { return referenced_; }

 private:
  // ---- OCI image layout ----

  Result<> load_layout() {
    auto layout = st_.metadata.find("oci-layout");
    auto index = st_.metadata.find("index.json");
    if (layout == st_.metadata.end() && index == st_.metadata.end()) return {};
    if (layout == st_.metadata.end())
      return fail(ErrorKind::InvalidArgument, "index.json without an oci-layout file (the layout version)");
    if (index == st_.metadata.end()) return fail(ErrorKind::NotFound, "oci-layout without index.json");

    TRY_ASSIGN(Json lj, parse_json(layout->second, "oci-layout"));
    TRY_ASSIGN(auto lo, JsonObject::of(lj, "oci-layout"));
    TRY_ASSIGN(auto version, lo.opt_string("imageLayoutVersion"));
    if (!version) return fail(ErrorKind::InvalidArgument, "oci-layout: imageLayoutVersion is missing");
    if (!version->starts_with("1."))
      return fail(ErrorKind::NotSupported, "oci-layout: imageLayoutVersion \"{}\" is not supported", *version);

    TRY_ASSIGN(oci::Index idx, ctx(oci::parse_index(index->second), "index.json"));
    for (size_t i = 0; i < idx.manifests.size(); i++) {
      const oci::Descriptor& desc = idx.manifests[i];
      std::string where = fmt::format("index.json manifests[{}]", i);
      TRY_ASSIGN(Digest d, ctx(Digest::parse(desc.digest), where));
      bool seen = by_manifest_.contains(d);
      size_t e = entry_for(d, desc.media_type);
      if (!seen) TRY(walk(desc, e, 0, where));
      TRY(names_from_annotations(desc.annotations, entries_[e], where));
    }
    return {};
  }

  Result<> names_from_annotations(const std::map<std::string, std::string>& ann, ArchiveEntry& entry,
                                  const std::string& where) {
    if (auto n = ann.find(kContainerdName); n != ann.end()) {
      TRY_ASSIGN(Reference ref, ctx(parse_reference(n->second), fmt::format("{}: {}", where, kContainerdName)));
      add_unique(entry.names, ref.string());
    }
    if (auto n = ann.find(kRefName); n != ann.end()) {
      // Usually a bare tag ("latest"), which is also a valid repository
      // name: read it as a tag whenever it can be one.
      std::optional<Reference> ref;
      if (!is_valid_tag(n->second))
        if (auto parsed = parse_reference(n->second)) ref = std::move(*parsed);
      if (ref)
        add_unique(entry.names, ref->string());
      else
        add_unique(entry.ref_names, n->second);
    }
    return {};
  }

  // Checks the blob a descriptor names and, for manifests and indexes, what
  // they refer to; everything visited counts as referenced.
  Result<> walk(const oci::Descriptor& desc, size_t entry, int depth, const std::string& where) {
    TRY_ASSIGN(Digest d, ctx(Digest::parse(desc.digest), where));
    TRY(check_present(d, desc.size, where));
    referenced_.insert(d);
    if (oci::is_index_type(desc.media_type)) {
      if (depth >= kMaxIndexDepth)
        return fail(ErrorKind::InvalidArgument, "{}: image indexes nested more than {} deep", where, kMaxIndexDepth);
      TRY_ASSIGN(std::string doc, read_document(d, where));
      TRY_ASSIGN(oci::Index idx, ctx(oci::parse_index(doc), fmt::format("image index {}", d.to_string())));
      for (size_t i = 0; i < idx.manifests.size(); i++) {
        const oci::Descriptor& child = idx.manifests[i];
        if (!oci::is_index_type(child.media_type) && !oci::is_manifest_type(child.media_type)) continue;
        std::string child_where = fmt::format("image index {} manifests[{}]", d.to_string(), i);
        TRY_ASSIGN(Digest cd, ctx(Digest::parse(child.digest), child_where));
        if (!blobs_.exists(cd)) continue;  // a platform the archive does not carry
        TRY(walk(child, entry, depth + 1, child_where));
      }
      return {};
    }
    if (!oci::is_manifest_type(desc.media_type))
      return fail(ErrorKind::NotSupported, "{}: media type \"{}\" is neither an image manifest nor an index", where,
                  desc.media_type);
    TRY_ASSIGN(std::string doc, read_document(d, where));
    std::string mwhere = fmt::format("manifest {}", d.to_string());
    TRY_ASSIGN(oci::Manifest m, ctx(oci::parse_manifest(doc), mwhere));
    TRY_ASSIGN(Digest config, ctx(Digest::parse(m.config.digest), mwhere + " config"));
    TRY(check_present(config, m.config.size, mwhere + " config"));
    referenced_.insert(config);
    by_config_.emplace(config, entry);
    for (size_t i = 0; i < m.layers.size(); i++) {
      std::string lwhere = fmt::format("{} layers[{}]", mwhere, i);
      TRY_ASSIGN(Digest layer, ctx(Digest::parse(m.layers[i].digest), lwhere));
      if (!blobs_.exists(layer) && !m.layers[i].urls.empty()) continue;  // foreign: fetched from its urls
      TRY(check_present(layer, m.layers[i].size, lwhere));
      referenced_.insert(layer);
    }
    return {};
  }

  Result<> check_present(const Digest& d, int64_t size, const std::string& where) {
    if (!blobs_.exists(d)) return fail(ErrorKind::NotFound, "{}: blob {} is not in the archive", where, d.to_string());
    TRY_ASSIGN(uint64_t actual, blobs_.size(d));
    if (actual != static_cast<uint64_t>(size))
      return fail(ErrorKind::InvalidArgument, "{}: blob {} has {} bytes, the descriptor says {}", where,
                  d.to_string(), actual, size);
    return {};
  }

  Result<std::string> read_document(const Digest& d, const std::string& where) {
    TRY_ASSIGN(uint64_t size, blobs_.size(d));
    if (size > kMaxDocumentSize)
      return fail(ErrorKind::InvalidArgument, "{}: {} is {} bytes, too large for a JSON document", where,
                  d.to_string(), size);
    return blobs_.read(d);
  }

  // ---- Docker's manifest.json ----

  Result<> load_docker_list() {
    auto it = st_.metadata.find("manifest.json");
    if (it == st_.metadata.end()) return {};
    TRY_ASSIGN(Json list, parse_json(it->second, "manifest.json"));
    if (!list.is_array())
      return fail(ErrorKind::InvalidArgument, "manifest.json: expected an array, got {}", list.type_name());
    for (size_t i = 0; i < list.size(); i++) {
      std::string where = fmt::format("manifest.json[{}]", i);
      TRY_ASSIGN(auto item, JsonObject::of(list[i], where));
      TRY_ASSIGN(std::string config_path, item.string("Config"));
      TRY_ASSIGN(auto tags, item.strings("RepoTags"));
      TRY_ASSIGN(auto layer_paths, item.strings("Layers"));
      TRY_ASSIGN(Digest config, locate(config_path, where + ".Config"));
      std::vector<Digest> layers;
      for (size_t l = 0; l < layer_paths.size(); l++) {
        TRY_ASSIGN(Digest layer, locate(layer_paths[l], fmt::format("{}.Layers[{}]", where, l)));
        layers.push_back(layer);
      }
      std::vector<std::string> names;
      for (size_t t = 0; t < tags.size(); t++) {
        TRY_ASSIGN(Reference ref, ctx(parse_reference(tags[t]), fmt::format("{}.RepoTags[{}]", where, t)));
        names.push_back(ref.string());
      }
      size_t e;
      if (auto c = by_config_.find(config); c != by_config_.end()) {
        e = c->second;  // the layout has this image, with its real manifest
      } else {
        TRY_ASSIGN(Digest m, synthesize(where, config, layers, layer_paths));
        e = entry_for(m, oci::media::kDockerManifest);
      }
      for (auto& n : names) add_unique(entries_[e].names, std::move(n));
    }
    return {};
  }

  Result<Digest> locate(const std::string& path, const std::string& where) {
    TRY_ASSIGN(std::string norm, ctx(archive_detail::normalize_archive_path(path), where));
    auto d = st_.resolve(norm);
    if (!d) return fail(ErrorKind::NotFound, "{}: \"{}\" is not in the archive", where, path);
    return *d;
  }

  Result<oci::Compression> sniff(const Digest& d, const std::string& where) {
    TRY_ASSIGN(UniqueFd fd, blobs_.open_blob(d));
    unsigned char m[6] = {};
    ssize_t n = ::pread(fd.get(), m, sizeof m, 0);
    if (n < 0) return fail_sys(fmt::format("{}: read", where));
    if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) return oci::Compression::Gzip;
    if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) return oci::Compression::Zstd;
    if ((n >= 6 && m[0] == 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X' && m[4] == 'Z' && m[5] == 0) ||
        (n >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h'))
      return fail(ErrorKind::NotSupported, "{}: xz and bzip2 compressed layers are not supported", where);
    return oci::Compression::None;
  }

  // A Docker schema2 manifest for a legacy entry, stored as a blob.
  Result<Digest> synthesize(const std::string& where, const Digest& config, const std::vector<Digest>& layers,
                            const std::vector<std::string>& layer_paths) {
    TRY_ASSIGN(std::string config_bytes, read_document(config, where + ".Config"));
    TRY_ASSIGN(oci::ImageConfig cfg, ctx(oci::parse_image_config(config_bytes), where + ".Config"));
    if (cfg.diff_ids.size() != layers.size())
      return fail(ErrorKind::InvalidArgument, "{}: {} Layers, but the config's rootfs.diff_ids has {}", where,
                  layers.size(), cfg.diff_ids.size());
    oci::Manifest m;
    m.media_type = oci::media::kDockerManifest;
    m.config.media_type = oci::media::kDockerConfig;
    m.config.digest = config.to_string();
    m.config.size = static_cast<int64_t>(config_bytes.size());
    referenced_.insert(config);
    for (size_t i = 0; i < layers.size(); i++) {
      std::string lwhere = fmt::format("{}.Layers[{}] \"{}\"", where, i, layer_paths[i]);
      TRY_ASSIGN(oci::Compression c, sniff(layers[i], lwhere));
      if (c == oci::Compression::None && layers[i].to_string() != cfg.diff_ids[i])
        return fail(ErrorKind::InvalidArgument, "{}: content is {}, but rootfs.diff_ids[{}] is {}", lwhere,
                    layers[i].to_string(), i, cfg.diff_ids[i]);
      TRY_ASSIGN(uint64_t size, blobs_.size(layers[i]));
      oci::Descriptor l;
      l.media_type = c == oci::Compression::Gzip   ? oci::media::kDockerLayerGzip
                     : c == oci::Compression::Zstd ? oci::media::kLayerZstd
                                                   : kDockerLayerMediaType;
      l.digest = layers[i].to_string();
      l.size = static_cast<int64_t>(size);
      m.layers.push_back(std::move(l));
      referenced_.insert(layers[i]);
    }
    std::string bytes = oci::to_json(m).dump();
    Digest md = store::sha256_of(bytes);
    if (!blobs_.exists(md)) {
      TRY(blobs_.put(bytes, md));
      st_.note_written(md);
    }
    referenced_.insert(md);
    return md;
  }

  // ---- entries ----

  size_t entry_for(const Digest& d, const std::string& media_type) {
    auto [it, added] = by_manifest_.emplace(d, entries_.size());
    if (added) entries_.push_back(ArchiveEntry{.names = {}, .ref_names = {}, .manifest = d, .media_type = media_type});
    return it->second;
  }

  static void add_unique(std::vector<std::string>& v, std::string s) {
    if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
  }

  StagedArchive& st_;
  const store::BlobStore& blobs_;
  std::vector<ArchiveEntry> entries_;
  std::map<Digest, size_t> by_manifest_;
  std::map<Digest, size_t> by_config_;  // config of a layout image -> its entry
  std::set<Digest> referenced_;
};

}  // namespace

Result<std::vector<ArchiveEntry>> read_image_archive(int fd, const store::BlobStore& blobs) {
  StagedArchive st;
  Loader loader(st, blobs);
  Result<std::vector<ArchiveEntry>> result;
  if (auto staged = archive_detail::stage_archive(fd, blobs, st); !staged)
    result = std::unexpected(std::move(staged).error());
  else
    result = loader.run();
  // Leave exactly the blobs the result refers to (none on failure), plus
  // whatever was there before.
  for (const Digest& d : st.created)
    if (!result || !loader.referenced().contains(d)) (void)blobs.remove(d);
  return result;
}

}  // namespace hako::image
