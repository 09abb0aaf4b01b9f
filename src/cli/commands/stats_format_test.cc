#include "cli/commands/stats_format.h"

#include <gtest/gtest.h>

#include "cli/format/template.h"

namespace hako::cli {
namespace {

TEST(StatsFormat, Percent) {
  EXPECT_EQ(percent(0), "0.00%");
  EXPECT_EQ(percent(99.999), "100.00%");
}

TEST(StatsFormat, RowAndTable) {
  engine::StatsSample prev, cur;
  cur.running = prev.running = true;
  prev.system_ns = 1'000'000'000;
  cur.system_ns = 3'000'000'000;
  cur.cpu_total_ns = 1'000'000'000;
  cur.online_cpus = 2;
  cur.memory = 1536 * 1024;
  cur.memory_limit = 64 * 1024 * 1024;
  cur.pids = 2;
  std::string id(64, 'a');
  Json row = stats_row("web", id, "web", &prev, cur, false);
  EXPECT_EQ(row["ID"], std::string(12, 'a'));
  EXPECT_EQ(row["CPUPerc"], "100.00%");
  EXPECT_EQ(row["MemUsage"], "1.5MiB / 64MiB");
  EXPECT_EQ(row["MemPerc"], "2.34%");
  EXPECT_EQ(row["NetIO"], "0B / 0B");
  EXPECT_EQ(row["BlockIO"], "0B / 0B");
  EXPECT_EQ(row["PIDs"], "2");
  EXPECT_EQ(stats_row("x", id, "", nullptr, cur, true)["ID"], id);
  EXPECT_EQ(stats_row("x", id, "", nullptr, cur, true)["Name"], "--");
  EXPECT_EQ(stats_row("x", id, "", nullptr, cur, true)["CPUPerc"], "0.00%");

  auto table = format::render_listing("", kStatsTable, {row}, stats_headers());
  ASSERT_TRUE(table) << table.error().message();
  EXPECT_EQ(table->substr(0, table->find('\n')),
            "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS");
  auto custom = format::render_listing("{{.Container}}: {{.CPUPerc}} {{.PIDs}}", kStatsTable, {row}, stats_headers());
  EXPECT_EQ(*custom, "web: 100.00% 2\n");
}

}  // namespace
}  // namespace hako::cli
