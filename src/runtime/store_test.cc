#include "runtime/store.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/files.h"
#include "linux/process.h"

namespace hako::runtime {

TEST(Store, ValidateId) {
  EXPECT_TRUE(validate_id("abc-1.2_x+y"));
  EXPECT_FALSE(validate_id(""));
  EXPECT_FALSE(validate_id("."));
  EXPECT_FALSE(validate_id(".."));
  EXPECT_FALSE(validate_id("a/b"));
  EXPECT_FALSE(validate_id("../x"));
  EXPECT_FALSE(validate_id("a b"));
}

TEST(Store, ReserveSaveLoadListRemove) {
  char tmpl[] = "/tmp/hako-store-XXXXXX";
  std::string root = mkdtemp(tmpl);
  Store store(root + "/state");
  ASSERT_TRUE(store.reserve("c1"));
  auto again = store.reserve("c1");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind(), ErrorKind::AlreadyExists);
  Record r;
  r.id = "c1";
  r.pid = getpid();
  r.start_time = *linux::process_start_time(getpid());
  r.bundle = "/b";
  ASSERT_TRUE(store.save(r));
  auto loaded = store.load("c1");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->bundle, "/b");
  // Our own pid, with its true start time, is a live "created" container.
  EXPECT_EQ(current_status(*loaded), "created");
  loaded->start_time += 1;  // a reused pid: not ours
  EXPECT_EQ(current_status(*loaded), "stopped");
  EXPECT_EQ(*store.ids(), std::vector<std::string>{"c1"});
  ASSERT_TRUE(store.remove("c1"));
  EXPECT_TRUE(store.ids()->empty());
  auto missing = store.load("c1");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "container \"c1\" does not exist");
  (void)remove_tree(root);
}

}  // namespace hako::runtime
