#include "store/metadata.h"

#include <gtest/gtest.h>

#include "store/digest.h"
#include "store/test_util.h"

namespace hako::store {

using testing::TempDir;

static std::string digest(std::string_view seed) { return sha256_of(seed).to_string(); }

class MetadataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto md = Metadata::open(path());
    ASSERT_TRUE(md) << md.error().message();
    db_.emplace(std::move(*md));
  }
  std::string path() const { return tmp_.path() + "/metadata.db"; }
  Metadata& db() { return *db_; }

  // A base layer, a child layer and an image using both.
  ImageRecord add_image(std::string_view seed) {
    LayerRecord base{digest(std::string(seed) + "c1"), digest(std::string(seed) + "d1"),
                     digest(std::string(seed) + "b1"), 100, "/layers/1", std::nullopt};
    LayerRecord child{digest(std::string(seed) + "c2"), digest(std::string(seed) + "d2"), std::nullopt, 50,
                      "/layers/2", base.chain_id};
    EXPECT_TRUE(db().put_layer(base));
    EXPECT_TRUE(db().put_layer(child));
    ImageRecord image{digest(std::string(seed) + "config"), 1700000000, 150, {base.chain_id, child.chain_id},
                      {{digest(std::string(seed) + "manifest"), "application/vnd.oci.image.manifest.v1+json",
                        "linux/amd64"}},
                      {}};
    auto r = db().put_image(image);
    EXPECT_TRUE(r) << r.error().message();
    return image;
  }

  TempDir tmp_;
  std::optional<Metadata> db_;
};

TEST_F(MetadataTest, OpensInWalModeAtCurrentVersion) {
  EXPECT_EQ(*db().schema_version(), Metadata::kSchemaVersion);
  auto st = db().db().query("PRAGMA journal_mode");
  ASSERT_TRUE(st);
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->text(0), "wal");
  auto fk = db().db().query("PRAGMA foreign_keys");
  ASSERT_TRUE(*fk->step());
  EXPECT_EQ(fk->int64(0), 1);
  EXPECT_EQ(*db().integrity_check(), "ok");
}

TEST_F(MetadataTest, ImageCrudAndNames) {
  ImageRecord image = add_image("a");
  ASSERT_TRUE(db().tag("docker.io/library/alpine:latest", image.id));
  ASSERT_TRUE(db().tag("alpine:3", image.id));
  EXPECT_EQ(*db().resolve_name("alpine:3"), image.id);
  auto got = db().get_image(image.id);
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->layers, image.layers);
  EXPECT_EQ(got->manifests, image.manifests);
  EXPECT_EQ(got->names, (std::vector<std::string>{"alpine:3", "docker.io/library/alpine:latest"}));
  EXPECT_EQ(db().list_images()->size(), 1u);
  EXPECT_EQ(*db().images_using_layer(image.layers[0]), std::vector<std::string>{image.id});

  // Tagging moves a name; untagging removes it; unknown names are NotFound.
  ImageRecord other = add_image("b");
  ASSERT_TRUE(db().tag("alpine:3", other.id));
  EXPECT_EQ(*db().resolve_name("alpine:3"), other.id);
  ASSERT_TRUE(db().untag("alpine:3"));
  EXPECT_EQ(db().resolve_name("alpine:3").error().kind(), ErrorKind::NotFound);
  EXPECT_EQ(db().untag("alpine:3").error().kind(), ErrorKind::NotFound);
  EXPECT_EQ(db().tag("x", digest("nope")).error().kind(), ErrorKind::NotFound);

  // Removing an image drops its names; its layers become unused.
  ASSERT_TRUE(db().remove_image(image.id));
  EXPECT_EQ(db().get_image(image.id).error().kind(), ErrorKind::NotFound);
  EXPECT_EQ(db().resolve_name("docker.io/library/alpine:latest").error().kind(), ErrorKind::NotFound);
  EXPECT_EQ(db().remove_image(image.id).error().kind(), ErrorKind::NotFound);
  auto unused = db().unused_layers();
  ASSERT_TRUE(unused);
  ASSERT_EQ(unused->size(), 1u);  // only the child: the base still has a child
  EXPECT_EQ((*unused)[0].chain_id, image.layers[1]);
}

TEST_F(MetadataTest, LayerGraphIsEnforced) {
  ImageRecord image = add_image("a");
  auto layer = db().layer_by_chain_id(image.layers[1]);
  ASSERT_TRUE(layer);
  EXPECT_EQ(layer->parent, image.layers[0]);
  EXPECT_FALSE(layer->blob_digest);
  EXPECT_EQ(db().remove_layer(image.layers[0]).error().kind(), ErrorKind::Conflict);
  LayerRecord orphan{digest("c"), digest("d"), std::nullopt, 1, "/x", digest("missing-parent")};
  EXPECT_EQ(db().put_layer(orphan).error().kind(), ErrorKind::NotFound);
  ImageRecord bad{digest("bad"), 0, 0, {digest("missing-layer")}, {}, {}};
  EXPECT_FALSE(db().put_image(bad));
  EXPECT_EQ(db().get_image(bad.id).error().kind(), ErrorKind::NotFound);  // rolled back whole
}

TEST_F(MetadataTest, ContainersAndUniqueNames) {
  ImageRecord image = add_image("a");
  ContainerRecord c{"c1", "web", image.id, 1, R"({"status":"created"})"};
  ASSERT_TRUE(db().create_container(c));
  EXPECT_EQ(*db().get_container("c1"), c);
  EXPECT_EQ(*db().container_by_name("web"), c);
  auto dup = db().create_container(ContainerRecord{"c2", "web", image.id, 2, "{}"});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind(), ErrorKind::AlreadyExists);
  EXPECT_EQ(dup.error().message(), "container name \"web\" is already in use");
  EXPECT_EQ(db().create_container(ContainerRecord{"c3", "x", digest("nope"), 2, "{}"}).error().kind(),
            ErrorKind::NotFound);
  // An image in use by a container cannot be removed.
  EXPECT_EQ(db().remove_image(image.id).error().kind(), ErrorKind::Conflict);
  ASSERT_TRUE(db().set_container_state("c1", R"({"status":"running"})"));
  EXPECT_EQ(db().get_container("c1")->state_json, R"({"status":"running"})");
  ASSERT_TRUE(db().set_label("container", "c1", "app", "shop"));
  EXPECT_EQ(db().labels("container", "c1")->at("app"), "shop");
  ASSERT_TRUE(db().remove_container("c1"));
  EXPECT_TRUE(db().labels("container", "c1")->empty());
  EXPECT_EQ(db().remove_container("c1").error().kind(), ErrorKind::NotFound);
  EXPECT_TRUE(db().remove_image(image.id));
}

TEST_F(MetadataTest, RenameContainerKeepsNamesUnique) {
  ImageRecord image = add_image("a");
  ASSERT_TRUE(db().create_container(ContainerRecord{"c1", "web", image.id, 1, "{}"}));
  ASSERT_TRUE(db().create_container(ContainerRecord{"c2", "db", image.id, 1, "{}"}));
  auto taken = db().rename_container("c2", "web");
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().kind(), ErrorKind::AlreadyExists);
  EXPECT_EQ(db().get_container("c2")->name, "db");
  ASSERT_TRUE(db().rename_container("c1", "front"));
  EXPECT_EQ(db().container_by_name("front")->id, "c1");
  EXPECT_FALSE(db().container_by_name("web"));
  EXPECT_EQ(db().rename_container("nope", "x").error().kind(), ErrorKind::NotFound);
}

TEST_F(MetadataTest, TransactionRollsBackUnlessCommitted) {
  ImageRecord image = add_image("a");
  {
    auto tx = db().transaction();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(db().tag("a:1", image.id));  // nested: a savepoint
    ASSERT_TRUE(db().set_label("image", image.id, "k", "v"));
  }  // destroyed without commit
  EXPECT_EQ(db().resolve_name("a:1").error().kind(), ErrorKind::NotFound);
  EXPECT_TRUE(db().labels("image", image.id)->empty());
  {
    auto tx = db().transaction();
    ASSERT_TRUE(db().tag("a:2", image.id));
    {
      auto inner = db().transaction();
      ASSERT_TRUE(db().tag("a:3", image.id));
    }  // inner rolled back, outer continues
    ASSERT_TRUE(tx->commit());
  }
  EXPECT_EQ(*db().resolve_name("a:2"), image.id);
  EXPECT_FALSE(db().resolve_name("a:3"));
}

TEST_F(MetadataTest, SurvivesReopen) {
  ImageRecord image = add_image("a");
  ASSERT_TRUE(db().tag("keep:me", image.id));
  db_.reset();
  auto md = Metadata::open(path());
  ASSERT_TRUE(md) << md.error().message();
  EXPECT_EQ(*md->resolve_name("keep:me"), image.id);
  EXPECT_EQ(md->get_image(image.id)->layers.size(), 2u);
  // A second connection to the same file works alongside the first (WAL).
  auto second = Metadata::open(path());
  ASSERT_TRUE(second);
  ASSERT_TRUE(second->tag("from:second", image.id));
  EXPECT_EQ(*md->resolve_name("from:second"), image.id);
}

TEST_F(MetadataTest, RefusesNewerSchema) {
  ASSERT_TRUE(db().db().run("UPDATE schema_version SET version = ?", Metadata::kSchemaVersion + 1));
  db_.reset();
  auto md = Metadata::open(path());
  ASSERT_FALSE(md);
  EXPECT_EQ(md.error().kind(), ErrorKind::NotSupported);
}

TEST_F(MetadataTest, SqliteErrorsNameTheStatement) {
  auto r = db().db().run("SELECT * FROM no_such_table");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("no such table"), std::string::npos);
  EXPECT_NE(r.error().message().find("SELECT * FROM no_such_table"), std::string::npos);
}

TEST_F(MetadataTest, ReferencedBlobs) {
  ImageRecord image = add_image("a");
  auto refs = db().referenced_blobs();
  ASSERT_TRUE(refs);
  std::sort(refs->begin(), refs->end());
  std::vector<std::string> want{image.id, image.manifests[0].digest, digest("ab1")};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(*refs, want);
}

}  // namespace hako::store
