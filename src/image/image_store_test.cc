#include "image/image_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/fd.h"
#include "base/files.h"
#include "image/import.h"
#include "image/reference.h"

namespace hako::image {
namespace {

class ImageStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hako-images-XXXXXX";
    dir = ::mkdtemp(tmpl);
    auto s = ImageStore::open(dir + "/store", StoreOptions{layer::Driver::Vfs});
    ASSERT_TRUE(s) << s.error().message();
    store.emplace(std::move(*s));
    ASSERT_TRUE(make_dirs(dir + "/rootfs/etc"));
    ASSERT_TRUE(write_file(dir + "/rootfs/etc/hostname", "box\n"));
    ASSERT_EQ(::system(("tar -C " + dir + "/rootfs -czf " + dir + "/rootfs.tgz .").c_str()), 0);
  }
  void TearDown() override {
    store.reset();
    (void)remove_tree(dir);
  }

  Result<AddedImage> import(const std::string& name, std::vector<std::string> changes = {},
                            const std::string& tar = "rootfs.tgz") {
    UniqueFd fd(::open((dir + "/" + tar).c_str(), O_RDONLY | O_CLOEXEC));
    ImportOptions o;
    o.changes = std::move(changes);
    if (!name.empty()) o.name = parse_reference(name)->string();
    return import_rootfs(*store, fd.get(), o);
  }

  std::string dir;
  std::optional<ImageStore> store;
};

TEST_F(ImageStoreTest, ImportMakesARunnableImage) {
  auto added = import("box:1", {"CMD [\"sh\"]", "ENV A=1"});
  ASSERT_TRUE(added) << added.error().message();
  EXPECT_TRUE(added->is_new);
  auto image = store->find("box:1");
  ASSERT_TRUE(image) << image.error().message();
  EXPECT_EQ(image->id, added->id);
  EXPECT_EQ(image->layers.size(), 1u);
  EXPECT_EQ(image->size, 4);
  auto config = store->config(*image);
  ASSERT_TRUE(config);
  EXPECT_EQ(*config->config.cmd, std::vector<std::string>{"sh"});
  EXPECT_EQ(config->history.at(0).comment, "Imported from -");
  // The layer is unpacked under its chain id (= diff id for a base layer).
  EXPECT_EQ(image->layers[0], config->diff_ids[0]);
  EXPECT_EQ(read_file(store->snapshots().layer_dir(image->layers[0]) + "/etc/hostname").value_or(""), "box\n");
  // Found by id and by a unique id prefix too.
  EXPECT_TRUE(store->find(image->id));
  EXPECT_TRUE(store->find(short_id(image->id)));
  EXPECT_EQ(store->find("nope").error().message(), "No such image: nope");
}

TEST_F(ImageStoreTest, RemovingTheLastNameDeletesImageLayersAndBlobs) {
  auto a = import("box:1");
  ASSERT_TRUE(a);
  ASSERT_TRUE(store->db().tag(parse_reference("box:2")->string(), a->id));
  auto lines = store->remove("box:1", false);
  ASSERT_TRUE(lines) << lines.error().message();
  EXPECT_EQ(*lines, std::vector<std::string>{"Untagged: box:1"});
  auto multi = store->remove(a->id, false);
  ASSERT_TRUE(multi) << "one name left: removal by id is fine";
  EXPECT_EQ(multi->front(), "Untagged: box:2");
  EXPECT_FALSE(store->find(a->id));
  auto blobs = store->blobs().list();
  ASSERT_TRUE(blobs);
  EXPECT_TRUE(blobs->empty());
  EXPECT_FALSE(store->snapshots().has_layer(store::sha256_of("x").to_string()));
}

TEST_F(ImageStoreTest, AnImageWithSeveralNamesNeedsForceById) {
  auto a = import("box:1");
  ASSERT_TRUE(a);
  ASSERT_TRUE(store->db().tag(parse_reference("other:1")->string(), a->id));
  auto r = store->remove(short_id(a->id), false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Conflict);
  EXPECT_TRUE(store->remove(short_id(a->id), true));
}

TEST_F(ImageStoreTest, AHostileTarballLeavesNoImage) {
  ASSERT_EQ(::system(("cd " + dir + " && python3 -c \"import tarfile,io; t=tarfile.open('evil.tar','w'); "
                      "i=tarfile.TarInfo('../escape'); i.size=1; t.addfile(i, io.BytesIO(b'x')); t.close()\"")
                         .c_str()),
            0);
  auto r = import("evil:1", {}, "evil.tar");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("escapes the root"), std::string::npos) << r.error().message();
  EXPECT_FALSE(store->find("evil:1"));
  ASSERT_TRUE(store->collect_garbage());
  EXPECT_TRUE(store->blobs().list()->empty());
  EXPECT_FALSE(path_exists(dir + "/escape"));
}

}  // namespace
}  // namespace hako::image
