#include "store/metadata.h"

#include <array>

namespace hako::store {

// Migrations, in order: kMigrations[n] takes the schema from version n to
// n + 1. Never edit a shipped entry; append a new one.
static const std::array<const char*, Metadata::kSchemaVersion> kMigrations = {
    R"sql(
CREATE TABLE images (
  id TEXT PRIMARY KEY,
  created INTEGER NOT NULL,
  size INTEGER NOT NULL
) STRICT;
CREATE TABLE image_names (
  reference TEXT PRIMARY KEY,
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE
) STRICT;
CREATE INDEX image_names_by_image ON image_names(image_id);
CREATE TABLE image_manifests (
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  digest TEXT NOT NULL,
  media_type TEXT NOT NULL,
  platform TEXT NOT NULL,
  PRIMARY KEY (image_id, digest)
) STRICT;
CREATE TABLE layers (
  chain_id TEXT PRIMARY KEY,
  diff_id TEXT NOT NULL,
  blob_digest TEXT,
  size INTEGER NOT NULL,
  unpacked_path TEXT NOT NULL,
  parent TEXT REFERENCES layers(chain_id)
) STRICT;
CREATE INDEX layers_by_parent ON layers(parent);
CREATE TABLE image_layers (
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  chain_id TEXT NOT NULL REFERENCES layers(chain_id),
  PRIMARY KEY (image_id, position)
) STRICT;
CREATE INDEX image_layers_by_chain ON image_layers(chain_id);
CREATE TABLE containers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  image_id TEXT NOT NULL REFERENCES images(id),
  created INTEGER NOT NULL,
  state TEXT NOT NULL
) STRICT;
CREATE INDEX containers_by_image ON containers(image_id);
CREATE TABLE labels (
  scope TEXT NOT NULL,
  owner TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (scope, owner, key)
) STRICT, WITHOUT ROWID;
)sql",
    // 2: networks, their address leases and the host ports containers
    // publish. The three networks Docker always has are rows from the start
    // (the default bridge's device is made on first use).
    R"sql(
CREATE TABLE networks (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created TEXT NOT NULL,
  config TEXT NOT NULL
) STRICT;
CREATE TABLE network_leases (
  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
  address INTEGER NOT NULL,
  container_id TEXT NOT NULL,
  PRIMARY KEY (network_id, address)
) STRICT;
CREATE UNIQUE INDEX network_leases_by_container ON network_leases(container_id, network_id);
CREATE TABLE port_bindings (
  proto TEXT NOT NULL,
  host_ip TEXT NOT NULL,
  host_port INTEGER NOT NULL,
  container_id TEXT NOT NULL,
  PRIMARY KEY (proto, host_ip, host_port)
) STRICT;
CREATE INDEX port_bindings_by_container ON port_bindings(container_id);
INSERT INTO networks (id, name, created, config) VALUES
  (lower(hex(randomblob(32))), 'bridge', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
   '{"driver":"bridge","subnet":"10.210.0.0/16","gateway":"10.210.0.1","bridge":"hako0","default_bridge":true,
     "options":{"com.docker.network.bridge.default_bridge":"true","com.docker.network.bridge.enable_icc":"true",
     "com.docker.network.bridge.enable_ip_masquerade":"true","com.docker.network.bridge.host_binding_ipv4":"0.0.0.0",
     "com.docker.network.bridge.name":"hako0","com.docker.network.driver.mtu":"1500"}}'),
  (lower(hex(randomblob(32))), 'host', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), '{"driver":"host"}'),
  (lower(hex(randomblob(32))), 'none', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), '{"driver":"null"}');
)sql",
    // 3: where a published port leads (the container's address and port,
    // and its bridge), so the firewall can be written from the database.
    R"sql(
ALTER TABLE port_bindings ADD COLUMN container_ip TEXT NOT NULL DEFAULT '';
ALTER TABLE port_bindings ADD COLUMN container_port INTEGER NOT NULL DEFAULT 0;
ALTER TABLE port_bindings ADD COLUMN bridge TEXT NOT NULL DEFAULT '';
)sql",
    // 4: named and anonymous volumes (volume/volume_store.h). options and
    // labels are JSON maps; options are the local driver's (type, device, o).
    R"sql(
CREATE TABLE volumes (
  name TEXT PRIMARY KEY,
  created TEXT NOT NULL,
  driver TEXT NOT NULL,
  options TEXT NOT NULL,
  labels TEXT NOT NULL,
  anonymous INTEGER NOT NULL
) STRICT;
)sql",
    // 5: the build cache (engine/build_executor.h): a step's cache key to
    // the image that holds its result. Step results are images without
    // names, hidden from `images` and reclaimed by `builder prune`; a
    // build's own result (is_result) is an image like any other.
    R"sql(
CREATE TABLE build_cache (
  key TEXT PRIMARY KEY,
  image_id TEXT NOT NULL,
  is_result INTEGER NOT NULL,
  created INTEGER NOT NULL,
  last_used INTEGER NOT NULL
) STRICT;
CREATE INDEX build_cache_by_image ON build_cache(image_id);
)sql",
};

Result<Metadata> Metadata::open(const std::string& path) {
  TRY_ASSIGN(auto db, sql::Database::open(path));
  Metadata md(std::move(db));
  TRY_CTX(md.migrate(), path);
  return md;
}

Result<> Metadata::migrate() {
  // One IMMEDIATE transaction: two hako commands opening a fresh database at
  // once serialize here, and the second sees the first one's version.
  TRY_ASSIGN(auto tx, db_.transaction());
  TRY(db_.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT"));
  TRY_ASSIGN(int version, schema_version());
  if (version > kSchemaVersion)
    return fail(ErrorKind::NotSupported, "database schema version {} is newer than this hako supports ({})", version,
                kSchemaVersion);
  if (version == kSchemaVersion) return tx.commit();
  for (int v = version; v < kSchemaVersion; ++v) {
    TRY_CTX(db_.exec(kMigrations[static_cast<size_t>(v)]), fmt::format("migrating schema to version {}", v + 1));
  }
  TRY(db_.run("DELETE FROM schema_version"));
  TRY(db_.run("INSERT INTO schema_version (version) VALUES (?)", kSchemaVersion));
  return tx.commit();
}

Result<int> Metadata::schema_version() {
  TRY_ASSIGN(auto st, db_.query("SELECT max(version) FROM schema_version"));
  TRY_ASSIGN(bool row, st.step());
  return row ? static_cast<int>(st.int64(0)) : 0;  // max() of no rows is NULL -> 0
}

Result<std::string> Metadata::integrity_check() {
  TRY_ASSIGN(auto st, db_.query("PRAGMA integrity_check"));
  std::string out;
  for (;;) {
    TRY_ASSIGN(bool row, st.step());
    if (!row) break;
    if (!out.empty()) out += "\n";
    out += st.text(0);
  }
  return out;
}

// ---- images ----

Result<> Metadata::put_image(const ImageRecord& image) {
  TRY_ASSIGN(auto tx, db_.transaction());
  TRY(db_.run("INSERT INTO images (id, created, size) VALUES (?, ?, ?) "
              "ON CONFLICT(id) DO UPDATE SET created = excluded.created, size = excluded.size",
              image.id, image.created, image.size));
  TRY(db_.run("DELETE FROM image_layers WHERE image_id = ?", image.id));
  TRY(db_.run("DELETE FROM image_manifests WHERE image_id = ?", image.id));
  for (size_t i = 0; i < image.layers.size(); ++i) {
    TRY_CTX(db_.run("INSERT INTO image_layers (image_id, position, chain_id) VALUES (?, ?, ?)", image.id,
                    static_cast<int64_t>(i), image.layers[i]),
            fmt::format("image {} layer {}", image.id, image.layers[i]));
  }
  for (const auto& m : image.manifests) {
    TRY(db_.run("INSERT INTO image_manifests (image_id, digest, media_type, platform) VALUES (?, ?, ?, ?)",
                image.id, m.digest, m.media_type, m.platform));
  }
  return tx.commit();
}

Result<> Metadata::fill_image(ImageRecord& image) {
  {
    TRY_ASSIGN(auto st, db_.query("SELECT chain_id FROM image_layers WHERE image_id = ? ORDER BY position", image.id));
    for (;;) {
      TRY_ASSIGN(bool row, st.step());
      if (!row) break;
      image.layers.push_back(st.text(0));
    }
  }
  {
    TRY_ASSIGN(auto st, db_.query("SELECT digest, media_type, platform FROM image_manifests WHERE image_id = ? "
                                  "ORDER BY platform, digest", image.id));
    for (;;) {
      TRY_ASSIGN(bool row, st.step());
      if (!row) break;
      image.manifests.push_back(ManifestRecord{st.text(0), st.text(1), st.text(2)});
    }
  }
  TRY_ASSIGN(image.names, names_of(image.id));
  return {};
}

Result<ImageRecord> Metadata::get_image(std::string_view id) {
  TRY_ASSIGN(auto st, db_.query("SELECT id, created, size FROM images WHERE id = ?", id));
  TRY_ASSIGN(bool row, st.step());
  if (!row) return fail(ErrorKind::NotFound, "image {} not found", id);
  ImageRecord image{st.text(0), st.int64(1), st.int64(2), {}, {}, {}};
  TRY(fill_image(image));
  return image;
}

Result<std::vector<ImageRecord>> Metadata::list_images() {
  std::vector<ImageRecord> out;
  {
    TRY_ASSIGN(auto st, db_.query("SELECT id, created, size FROM images ORDER BY created DESC, id"));
    for (;;) {
      TRY_ASSIGN(bool row, st.step());
      if (!row) break;
      out.push_back(ImageRecord{st.text(0), st.int64(1), st.int64(2), {}, {}, {}});
    }
  }
  for (auto& image : out) TRY(fill_image(image));
  return out;
}

Result<> Metadata::remove_image(std::string_view id) {
  TRY_ASSIGN(auto tx, db_.transaction());
  TRY(db_.run("DELETE FROM labels WHERE scope = 'image' AND owner = ?", id));
  auto r = db_.run("DELETE FROM images WHERE id = ?", id);
  if (!r && r.error().kind() == ErrorKind::Conflict)
    return fail(ErrorKind::Conflict, "image {} is in use by a container", id);
  TRY(r);
  if (db_.changes() == 0) return fail(ErrorKind::NotFound, "image {} not found", id);
  return tx.commit();
}

Result<> Metadata::tag(std::string_view reference, std::string_view image_id) {
  TRY_ASSIGN(auto tx, db_.transaction());
  auto r = db_.run("INSERT INTO image_names (reference, image_id) VALUES (?, ?) "
                   "ON CONFLICT(reference) DO UPDATE SET image_id = excluded.image_id",
                   reference, image_id);
  if (!r && r.error().kind() == ErrorKind::Conflict)
    return fail(ErrorKind::NotFound, "tagging {}: image {} not found", reference, image_id);
  TRY(r);
  return tx.commit();
}

Result<> Metadata::untag(std::string_view reference) {
  TRY_ASSIGN(auto tx, db_.transaction());
  TRY(db_.run("DELETE FROM image_names WHERE reference = ?", reference));
  if (db_.changes() == 0) return fail(ErrorKind::NotFound, "no such image: {}", reference);
  return tx.commit();
}

Result<std::string> Metadata::resolve_name(std::string_view reference) {
  TRY_ASSIGN(auto st, db_.query("SELECT image_id FROM image_names WHERE reference = ?", reference));
  TRY_ASSIGN(bool row, st.step());
  if (!row) return fail(ErrorKind::NotFound, "no such image: {}", reference);
  return st.text(0);
}

Result<std::vector<std::string>> Metadata::names_of(std::string_view image_id) {
  TRY_ASSIGN(auto st, db_.query("SELECT reference FROM image_names WHERE image_id = ? ORDER BY reference", image_id));
  std::vector<std::string> out;
  for (;;) {
    TRY_ASSIGN(bool row, st.step());
    if (!row) return out;
    out.push_back(st.text(0));
  }
}

Result<std::vector<std::string>> Metadata::referenced_blobs() {
  TRY_ASSIGN(auto st, db_.query("SELECT id FROM images UNION SELECT digest FROM image_manifests "
                                "UNION SELECT blob_digest FROM layers WHERE blob_digest IS NOT NULL"));
  std::vector<std::string> out;
  for (;;) {
    TRY_ASSIGN(bool row, st.step());
    if (!row) return out;
    out.push_back(st.text(0));
  }
}

}  // namespace hako::store
