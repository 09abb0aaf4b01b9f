#include "engine/events.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "base/files.h"

namespace hako::engine {
namespace {

class EventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hako-events-XXXXXX";
    root_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { (void)remove_tree(root_); }

  std::vector<Event> read_all(EventCursor& cursor) {
    std::vector<Event> out;
    EXPECT_TRUE(read_events(root_, cursor, [&](const Event& e) { out.push_back(e); }));
    return out;
  }
  std::string root_;
};

TEST_F(EventsTest, DockerShapeAndRoundTrip) {
  ContainerConfig c;
  c.id = "abc123";
  c.name = "web";
  c.image = "busybox";
  c.labels = {{"tier", "front"}};
  Event e = container_event(c, "die", {{"exitCode", "3"}});
  e.time_nano = 1'700'000'000'123'456'789;
  Json j = e.to_json();
  EXPECT_EQ(j["status"], "die");
  EXPECT_EQ(j["id"], "abc123");
  EXPECT_EQ(j["from"], "busybox");
  EXPECT_EQ(j["Type"], "container");
  EXPECT_EQ(j["Actor"]["Attributes"], Json({{"exitCode", "3"}, {"image", "busybox"}, {"name", "web"}, {"tier", "front"}}));
  EXPECT_EQ(j["time"], 1'700'000'000);
  EXPECT_EQ(j["timeNano"], 1'700'000'000'123'456'789);
  Event back = Event::from_json(j);
  EXPECT_EQ(back.action, "die");
  EXPECT_EQ(back.attributes, e.attributes);
  EXPECT_EQ(back.time_nano, e.time_nano);
  // image events carry only the new fields
  Event pull{"image", "pull", "busybox:latest", {}};
  EXPECT_FALSE(pull.to_json().contains("status"));
}

TEST_F(EventsTest, CursorReadsOnlyWhatWasAppended) {
  EventCursor cursor;
  EXPECT_TRUE(read_all(cursor).empty());  // no log yet
  ASSERT_TRUE(record_event(root_, Event{"image", "tag", "sha256:1", {{"name", "a:1"}}}));
  ASSERT_TRUE(record_event(root_, Event{"image", "untag", "sha256:1", {{"name", "a:1"}}}));
  auto first = read_all(cursor);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[1].action, "untag");
  EXPECT_GT(first[0].time_nano, 0);
  EXPECT_TRUE(read_all(cursor).empty());
  ASSERT_TRUE(record_event(root_, Event{"image", "delete", "sha256:1", {}}));
  auto next = read_all(cursor);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].action, "delete");
}

TEST_F(EventsTest, RotationKeepsOneOldFileAndFollowersSeeEverything) {
  EventCursor follower;
  read_all(follower);
  std::string big(1000, 'x');
  int written = 0;
  // Past the limit, the next append rotates; the follower reads the rest of
  // the old file and then the new one.
  while (written < 2 * kMaxEventsFile / 1000 + 10) {
    ASSERT_TRUE(record_event(root_, Event{"container", "start", std::to_string(written), {{"pad", big}}}));
    ++written;
    if (written % 500 == 0) {
      auto got = read_all(follower);
      EXPECT_EQ(got.size(), 500u);
    }
  }
  EXPECT_TRUE(path_exists(events_dir(root_) + "/events.jsonl.1"));
  auto rest = read_all(follower);
  EXPECT_EQ(rest.size(), static_cast<size_t>(written % 500));
  // A new reader sees the rotated file and the current one, oldest first.
  EventCursor fresh;
  auto all = read_all(fresh);
  ASSERT_FALSE(all.empty());
  EXPECT_LT(all.size(), static_cast<size_t>(written));  // the oldest file is gone
  EXPECT_EQ(all.back().id, std::to_string(written - 1));
  for (size_t i = 1; i < all.size(); ++i) EXPECT_EQ(std::stoi(all[i].id), std::stoi(all[i - 1].id) + 1);
}

}  // namespace
}  // namespace hako::engine
