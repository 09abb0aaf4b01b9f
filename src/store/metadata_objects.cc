// Metadata: layers, containers and labels (images and names are in
// metadata.cc).
#include "store/metadata.h"

namespace hako::store {

// ---- layers ----

Result<> Metadata::put_layer(const LayerRecord& l) {
  TRY_ASSIGN(auto tx, db_.transaction());
  auto r = db_.run("INSERT INTO layers (chain_id, diff_id, blob_digest, size, unpacked_path, parent) "
                   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(chain_id) DO UPDATE SET diff_id = excluded.diff_id, "
                   "blob_digest = excluded.blob_digest, size = excluded.size, "
                   "unpacked_path = excluded.unpacked_path, parent = excluded.parent",
                   l.chain_id, l.diff_id, l.blob_digest, l.size, l.unpacked_path, l.parent);
  if (!r && r.error().kind() == ErrorKind::Conflict)
    return fail(ErrorKind::NotFound, "layer {}: parent layer {} not found", l.chain_id, l.parent.value_or(""));
  TRY(r);
  return tx.commit();
}

static const char* kLayerColumns = "chain_id, diff_id, blob_digest, size, unpacked_path, parent";

static LayerRecord layer_from(const sql::Statement& st) {
  return LayerRecord{st.text(0), st.text(1), st.opt_text(2), st.int64(3), st.text(4), st.opt_text(5)};
}

Result<LayerRecord> Metadata::layer_by_chain_id(std::string_view chain_id) {
  TRY_ASSIGN(auto st, db_.query(fmt::format("SELECT {} FROM layers WHERE chain_id = ?", kLayerColumns), chain_id));
  TRY_ASSIGN(bool row, st.step());
  if (!row) return fail(ErrorKind::NotFound, "layer {} not found", chain_id);
  return layer_from(st);
}

Result<std::vector<std::string>> Metadata::images_using_layer(std::string_view chain_id) {
  TRY_ASSIGN(auto st, db_.query("SELECT DISTINCT image_id FROM image_layers WHERE chain_id = ? ORDER BY image_id",
                                chain_id));
  std::vector<std::string> out;
  for (;;) {
    TRY_ASSIGN(bool row, st.step());
    if (!row) return out;
    out.push_back(st.text(0));
  }
}

Result<std::vector<LayerRecord>> Metadata::unused_layers() {
  TRY_ASSIGN(auto st, db_.query(fmt::format(
                          "SELECT {} FROM layers l WHERE NOT EXISTS (SELECT 1 FROM image_layers i WHERE i.chain_id = "
                          "l.chain_id) AND NOT EXISTS (SELECT 1 FROM layers c WHERE c.parent = l.chain_id) "
                          "ORDER BY chain_id",
                          kLayerColumns)));
  std::vector<LayerRecord> out;
  for (;;) {
    TRY_ASSIGN(bool row, st.step());
    if (!row) return out;
    out.push_back(layer_from(st));
  }
}

Result<> Metadata::remove_layer(std::string_view chain_id) {
  TRY_ASSIGN(auto tx, db_.transaction());
  auto r = db_.run("DELETE FROM layers WHERE chain_id = ?", chain_id);
  if (!r && r.error().kind() == ErrorKind::Conflict)
    return fail(ErrorKind::Conflict, "layer {} is in use by an image or a child layer", chain_id);
  TRY(r);
  if (db_.changes() == 0) return fail(ErrorKind::NotFound, "layer {} not found", chain_id);
  return tx.commit();
}

// ---- containers ----

Result<> Metadata::create_container(const ContainerRecord& c) {
  TRY_ASSIGN(auto tx, db_.transaction());
  auto r = db_.run("INSERT INTO containers (id, name, image_id, created, state) VALUES (?, ?, ?, ?, ?)", c.id, c.name,
                   c.image_id, c.created, c.state_json);
  if (!r) {
    const auto& msg = r.error().message();
    if (r.error().kind() == ErrorKind::AlreadyExists && msg.find("containers.name") != std::string::npos)
      return fail(ErrorKind::AlreadyExists, "container name \"{}\" is already in use", c.name);
    if (r.error().kind() == ErrorKind::AlreadyExists)
      return fail(ErrorKind::AlreadyExists, "container {} already exists", c.id);
    if (r.error().kind() == ErrorKind::Conflict)
      return fail(ErrorKind::NotFound, "creating container {}: image {} not found", c.name, c.image_id);
    return r;
  }
  return tx.commit();
}

static const char* kContainerColumns = "id, name, image_id, created, state";

static ContainerRecord container_from(const sql::Statement& st) {
  return ContainerRecord{st.text(0), st.text(1), st.text(2), st.int64(3), st.text(4)};
}

Result<ContainerRecord> Metadata::get_container(std::string_view id) {
  TRY_ASSIGN(auto st, db_.query(fmt::format("SELECT {} FROM containers WHERE id = ?", kContainerColumns), id));
  TRY_ASSIGN(bool row, st.step());
  if (!row) return fail(ErrorKind::NotFound, "no such container: {}", id);
  return container_from(st);
}

Result<ContainerRecord> Metadata::container_by_name(std::string_view name) {
  TRY_ASSIGN(auto st, db_.query(fmt::format("SELECT {} FROM containers WHERE name = ?", kContainerColumns), name));
  TRY_ASSIGN(bool row, st.step());
  if (!row) return fail(ErrorKind::NotFound, "no such container: {}", name);
  return container_from(st);
}

Result<std::vector<ContainerRecord>> Metadata::list_containers() {
  TRY_ASSIGN(auto st,
             db_.query(fmt::format("SELECT {} FROM containers ORDER BY created DESC, id", kContainerColumns)));
  std::vector<ContainerRecord> out;
  for (;;) {
    TRY_ASSIGN(bool row, st.step());
    if (!row) return out;
    out.push_back(container_from(st));
  }
}

Result<> Metadata::set_container_state(std::string_view id, std::string_view state_json) {
  TRY_ASSIGN(auto tx, db_.transaction());
  TRY(db_.run("UPDATE containers SET state = ? WHERE id = ?", state_json, id));
  if (db_.changes() == 0) return fail(ErrorKind::NotFound, "no such container: {}", id);
  return tx.commit();
}

Result<> Metadata::rename_container(std::string_view id, std::string_view name) {
  TRY_ASSIGN(auto tx, db_.transaction());
  auto r = db_.run("UPDATE containers SET name = ? WHERE id = ?", name, id);
  if (!r && r.error().kind() == ErrorKind::AlreadyExists)
    return fail(ErrorKind::AlreadyExists, "container name \"{}\" is already in use", name);
  TRY(std::move(r));
  if (db_.changes() == 0) return fail(ErrorKind::NotFound, "no such container: {}", id);
  return tx.commit();
}

Result<> Metadata::remove_container(std::string_view id) {
  TRY_ASSIGN(auto tx, db_.transaction());
  TRY(db_.run("DELETE FROM containers WHERE id = ?", id));
  if (db_.changes() == 0) return fail(ErrorKind::NotFound, "no such container: {}", id);
  TRY(db_.run("DELETE FROM labels WHERE scope = 'container' AND owner = ?", id));
  return tx.commit();
}

// ---- labels ----

Result<> Metadata::set_label(std::string_view scope, std::string_view owner, std::string_view key,
                             std::string_view value) {
  TRY_ASSIGN(auto tx, db_.transaction());
  TRY(db_.run("INSERT INTO labels (scope, owner, key, value) VALUES (?, ?, ?, ?) "
              "ON CONFLICT(scope, owner, key) DO UPDATE SET value = excluded.value",
              scope, owner, key, value));
  return tx.commit();
}

Result<std::map<std::string, std::string>> Metadata::labels(std::string_view scope, std::string_view owner) {
  TRY_ASSIGN(auto st, db_.query("SELECT key, value FROM labels WHERE scope = ? AND owner = ?", scope, owner));
  std::map<std::string, std::string> out;
  for (;;) {
    TRY_ASSIGN(bool row, st.step());
    if (!row) return out;
    out.emplace(st.text(0), st.text(1));
  }
}

Result<> Metadata::remove_labels(std::string_view scope, std::string_view owner) {
  TRY_ASSIGN(auto tx, db_.transaction());
  TRY(db_.run("DELETE FROM labels WHERE scope = ? AND owner = ?", scope, owner));
  return tx.commit();
}

}  // namespace hako::store
