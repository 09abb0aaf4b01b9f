// write_image_archive: the Docker 25 `docker save` shape (an OCI layout plus
// Docker's manifest.json), deterministic and streamed from the blob store.
#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <memory>
#include <set>
#include <vector>

#include "base/json.h"
#include "image/archive/archive.h"
#include "image/reference.h"
#include "oci/image_spec.h"

namespace hako::image {

using store::Digest;

namespace {

constexpr uint64_t kMaxDocumentSize = 16 << 20;
constexpr int kMaxIndexDepth = 8;

std::string blob_path(const Digest& d) { return "blobs/sha256/" + d.hex; }

// ---- tar output ----

struct WriteFree {
  void operator()(struct archive* a) const { archive_write_free(a); }
};

class TarOut {
 public:
  Result<> open(int fd) {
    a_.reset(archive_write_new());
    if (!a_) return fail(ErrorKind::Internal, "archive_write_new failed");
    if (archive_write_set_format_pax_restricted(a_.get()) != ARCHIVE_OK ||
        archive_write_open_fd(a_.get(), fd) != ARCHIVE_OK)
      return error("opening archive for writing");
    return {};
  }

  Result<> dir(const std::string& name) { return header(name, AE_IFDIR, 0755, 0); }

  Result<> file(const std::string& name, std::string_view data) {
    TRY(header(name, AE_IFREG, 0644, data.size()));
    return write(name, data);
  }

  Result<> blob(const std::string& name, const store::BlobStore& blobs, const Digest& d) {
    TRY_ASSIGN(UniqueFd fd, blobs.open_blob(d));
    TRY_ASSIGN(uint64_t size, blobs.size(d));
    TRY(header(name, AE_IFREG, 0644, size));
    std::vector<char> buf(256 * 1024);
    uint64_t total = 0;
    for (;;) {
      ssize_t n = ::read(fd.get(), buf.data(), buf.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return fail_sys(fmt::format("read blob {}", d.to_string()));
      }
      if (n == 0) break;
      total += static_cast<uint64_t>(n);
      if (total > size) break;
      TRY(write(name, std::string_view(buf.data(), static_cast<size_t>(n))));
    }
    if (total != size) return fail(ErrorKind::Internal, "blob {} changed size while being written", d.to_string());
    return {};
  }

  Result<> close() {
    if (archive_write_close(a_.get()) != ARCHIVE_OK) return error("finishing archive");
    return {};
  }

 private:
  Result<> header(const std::string& name, mode_t type, mode_t perm, uint64_t size) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), type);
    archive_entry_set_perm(e.get(), perm);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(size));
    archive_entry_set_mtime(e.get(), 0, 0);
    archive_entry_set_uid(e.get(), 0);
    archive_entry_set_gid(e.get(), 0);
    if (archive_write_header(a_.get(), e.get()) < ARCHIVE_WARN) return error(name);
    return {};
  }

  Result<> write(const std::string& name, std::string_view data) {
    if (archive_write_data(a_.get(), data.data(), data.size()) != static_cast<la_ssize_t>(data.size()))
      return error(name);
    return {};
  }

  Result<> error(std::string_view what) {
    const char* msg = archive_error_string(a_.get());
    int err = archive_errno(a_.get());
    return std::unexpected(Error(err > 0 ? kind_for_errno(err) : ErrorKind::Internal,
                                 fmt::format("writing archive: {}: {}", what, msg ? msg : "failed"), err));
  }

  std::unique_ptr<struct archive, WriteFree> a_;
};

// ---- what to write ----

struct Platform {
  Digest config;
  std::vector<Digest> layers;
};

struct ImagePlan {
  Digest manifest;
  std::string media_type;
  uint64_t size = 0;
  std::vector<std::string> names;
  std::vector<Platform> platforms;  // manifest.json entries
};

bool is_attestation(const oci::Descriptor& d) {
  auto t = d.annotations.find("vnd.docker.reference.type");
  if (t != d.annotations.end() && t->second == "attestation-manifest") return true;
  return d.platform && d.platform->os == "unknown";
}

class Planner {
 public:
  explicit Planner(const store::BlobStore& blobs) : blobs_(blobs) {}

  Result<> add(const ArchiveEntry& entry, ImagePlan& plan) {
    TRY_ASSIGN(std::string doc, read_document(entry.manifest));
    plan.manifest = entry.manifest;
    plan.size = doc.size();
    plan.media_type = entry.media_type;
    if (plan.media_type.empty()) {
      TRY_ASSIGN(plan.media_type, media_type_of(doc, entry.manifest));
    }
    if (oci::is_index_type(plan.media_type)) return add_index(entry.manifest, doc, plan, 0);
    if (oci::is_manifest_type(plan.media_type)) return add_manifest(entry.manifest, doc, plan, true);
    return fail(ErrorKind::NotSupported, "{}: media type \"{}\" is neither an image manifest nor an index",
                entry.manifest.to_string(), plan.media_type);
  }

  const std::set<Digest>& blobs() const { return to_write_; }

 private:
  Result<> add_index(const Digest& d, const std::string& doc, ImagePlan& plan, int depth) {
    if (depth >= kMaxIndexDepth)
      return fail(ErrorKind::InvalidArgument, "image index {}: nested more than {} deep", d.to_string(),
                  kMaxIndexDepth);
    TRY_ASSIGN(oci::Index idx, parse_index_ctx(doc, d));
    to_write_.insert(d);
    for (const oci::Descriptor& child : idx.manifests) {
      auto cd = Digest::parse(child.digest);
      if (!cd || !blobs_.exists(*cd)) continue;  // a platform that was never pulled
      if (oci::is_index_type(child.media_type)) {
        TRY_ASSIGN(std::string cdoc, read_document(*cd));
        TRY(add_index(*cd, cdoc, plan, depth + 1));
      } else if (oci::is_manifest_type(child.media_type)) {
        TRY_ASSIGN(std::string cdoc, read_document(*cd));
        TRY(add_manifest(*cd, cdoc, plan, !is_attestation(child)));
      }
    }
    return {};
  }

  static Result<oci::Index> parse_index_ctx(const std::string& doc, const Digest& d) {
    auto idx = oci::parse_index(doc);
    if (!idx) return std::unexpected(std::move(idx).error().context(fmt::format("image index {}", d.to_string())));
    return idx;
  }

  Result<> add_manifest(const Digest& d, const std::string& doc, ImagePlan& plan, bool list_it) {
    auto parsed = oci::parse_manifest(doc);
    if (!parsed) return std::unexpected(std::move(parsed).error().context(fmt::format("manifest {}", d.to_string())));
    Platform p;
    TRY_ASSIGN(p.config, require(parsed->config, d, "config"));
    for (const oci::Descriptor& l : parsed->layers) {
      auto ld = Digest::parse(l.digest);
      if (ld && !blobs_.exists(*ld) && !l.urls.empty()) continue;  // foreign layer
      TRY_ASSIGN(Digest layer, require(l, d, "layer"));
      p.layers.push_back(layer);
    }
    to_write_.insert(d);
    to_write_.insert(p.config);
    to_write_.insert(p.layers.begin(), p.layers.end());
    if (list_it) plan.platforms.push_back(std::move(p));
    return {};
  }

  Result<Digest> require(const oci::Descriptor& desc, const Digest& manifest, std::string_view what) {
    auto d = Digest::parse(desc.digest);
    if (!d) return std::unexpected(d.error().context(fmt::format("manifest {} {}", manifest.to_string(), what)));
    if (!blobs_.exists(*d))
      return fail(ErrorKind::NotFound, "manifest {}: {} {} is not in the store", manifest.to_string(), what,
                  d->to_string());
    return *d;
  }

  Result<std::string> read_document(const Digest& d) {
    TRY_ASSIGN(uint64_t size, blobs_.size(d));
    if (size > kMaxDocumentSize)
      return fail(ErrorKind::InvalidArgument, "{} is {} bytes, too large for a manifest", d.to_string(), size);
    return blobs_.read(d);
  }

  static Result<std::string> media_type_of(const std::string& doc, const Digest& d) {
    auto j = parse_json(doc, d.to_string());
    if (!j) return std::unexpected(j.error());
    if (j->is_object()) {
      auto mt = j->find("mediaType");
      if (mt != j->end() && mt->is_string()) return mt->get<std::string>();
      // OCI allows documents without mediaType; their shape tells them apart.
      return std::string(j->contains("manifests") ? oci::media::kIndex : oci::media::kManifest);
    }
    return fail(ErrorKind::InvalidArgument, "{}: not a JSON object", d.to_string());
  }

  const store::BlobStore& blobs_;
  std::set<Digest> to_write_;
};

// Same manifest twice (two ArchiveEntry for one image): one plan, names merged.
std::vector<ArchiveEntry> merge_entries(std::span<const ArchiveEntry> images) {
  std::vector<ArchiveEntry> out;
  for (const ArchiveEntry& img : images) {
    auto it = std::find_if(out.begin(), out.end(), [&](const ArchiveEntry& e) { return e.manifest == img.manifest; });
    if (it == out.end()) {
      out.push_back(img);
      continue;
    }
    if (it->media_type.empty()) it->media_type = img.media_type;
    for (const auto& n : img.names)
      if (std::find(it->names.begin(), it->names.end(), n) == it->names.end()) it->names.push_back(n);
  }
  return out;
}

}  // namespace

Result<> write_image_archive(int fd, std::span<const ArchiveEntry> images, const store::BlobStore& blobs) {
  Planner planner(blobs);
  std::vector<ImagePlan> plans;
  for (const ArchiveEntry& img : merge_entries(images)) {
    ImagePlan plan;
    TRY(planner.add(img, plan));
    plan.names = img.names;
    plans.push_back(std::move(plan));
  }

  oci::Index index;
  index.media_type = oci::media::kIndex;
  Json docker_list = Json::array();
  for (const ImagePlan& plan : plans) {
    oci::Descriptor desc;
    desc.media_type = plan.media_type;
    desc.digest = plan.manifest.to_string();
    desc.size = static_cast<int64_t>(plan.size);
    std::vector<std::string> repo_tags;
    if (plan.names.empty()) index.manifests.push_back(desc);
    for (const std::string& name : plan.names) {
      auto ref = parse_reference(name);
      if (!ref) return std::unexpected(ref.error().context(fmt::format("image name \"{}\"", name)));
      oci::Descriptor named = desc;
      named.annotations["io.containerd.image.name"] = ref->string();
      if (!ref->tag.empty()) {
        named.annotations["org.opencontainers.image.ref.name"] = ref->tag;
        Reference tagged = *ref;
        tagged.digest.clear();
        repo_tags.push_back(tagged.familiar_string());
      }
      index.manifests.push_back(std::move(named));
    }
    for (size_t k = 0; k < plan.platforms.size(); k++) {
      Json layers = Json::array();
      for (const Digest& l : plan.platforms[k].layers) layers.push_back(blob_path(l));
      docker_list.push_back({{"Config", blob_path(plan.platforms[k].config)},
                             {"RepoTags", k == 0 ? Json(repo_tags) : Json::array()},
                             {"Layers", std::move(layers)}});
    }
  }

  // Sorted by name: "blobs/..." < "index.json" < "manifest.json" < "oci-layout".
  TarOut tar;
  TRY(tar.open(fd));
  TRY(tar.dir("blobs/"));
  TRY(tar.dir("blobs/sha256/"));
  for (const Digest& d : planner.blobs()) TRY(tar.blob(blob_path(d), blobs, d));
  TRY(tar.file("index.json", oci::to_json(index).dump()));
  TRY(tar.file("manifest.json", docker_list.dump()));
  TRY(tar.file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})"));
  return tar.close();
}

}  // namespace hako::image
