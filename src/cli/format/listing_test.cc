#include <gtest/gtest.h>

#include "cli/format/tabwriter.h"
#include "cli/format/template.h"

namespace hako::cli::format {
namespace {

TEST(Tabwriter, DockerSettings) {
  EXPECT_EQ(tabwrite("a\tbb\tc\nlonger\tx\ty\n"), "a         bb        c\nlonger    x         y\n");
  EXPECT_EQ(tabwrite("CONTAINER ID\tNAMES\nabc\tweb\n"), "CONTAINER ID   NAMES\nabc            web\n");
  EXPECT_EQ(tabwrite(""), "");
  EXPECT_EQ(tabwrite("no tabs\n"), "no tabs\n");
  EXPECT_EQ(tabwrite("a\tb"), "a         b");  // no trailing newline: none added
  EXPECT_EQ(tabwrite("日本\tx\nab\ty\n"), "日本      x\nab        y\n");  // wide runes count twice
}

TEST(Tabwriter, ColumnBlocksAsGoDocuments) {
  // The example in Go's text/tabwriter docs: b and c are distinct columns.
  TabwriterOptions o{.min_width = 0, .tab_width = 8, .padding = 1};
  EXPECT_EQ(tabwrite("aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee", o),
            "aaaa bbb d\naa   b   dd\na    \naa   cccc eee");
}

TEST(Tabwriter, Options) {
  TabwriterOptions right{.min_width = 0, .padding = 1, .align_right = true};
  EXPECT_EQ(tabwrite("a\tb\nccc\td\n", right), "   ab\n cccd\n");
  TabwriterOptions tabs{.min_width = 0, .tab_width = 8, .padding = 1, .pad_char = '\t'};
  EXPECT_EQ(tabwrite("a\tb\nlonger-than-8\tc\n", tabs), "a\t\tb\nlonger-than-8\tc\n");
  TabwriterOptions discard{.min_width = 0, .padding = 1, .discard_empty_columns = true};
  EXPECT_EQ(tabwrite("a\v\vb\nc\v\vd\n", discard), "a b\nc d\n");
}

const std::vector<Json> kRows = {
    Json{{"ID", "abc"}, {"Name", "web"}, {"Labels", "a=b"}},
    Json{{"ID", "defghijklmno"}, {"Name", "db"}, {"Labels", ""}},
};
const std::map<std::string, std::string> kHeaders = {{"ID", "CONTAINER ID"}, {"Name", "NAMES"}, {"Labels", "LABELS"}};
constexpr std::string_view kDefault = "table {{.ID}}\t{{.Name}}";

std::string listing(std::string_view format, const std::vector<Json>& rows = kRows) {
  auto out = render_listing(format, kDefault, rows, kHeaders);
  return out ? *out : "error: " + out.error().message();
}

TEST(Listing, TableWithHeader) {
  const char* want = "CONTAINER ID   NAMES\nabc            web\ndefghijklmno   db\n";
  EXPECT_EQ(listing("table {{.ID}}\\t{{.Name}}"), want);  // a typed backslash-t
  EXPECT_EQ(listing("table {{.ID}}\t{{.Name}}"), want);   // a real tab
  EXPECT_EQ(listing(""), want);                           // the default table
  EXPECT_EQ(listing("table"), want);
  EXPECT_EQ(listing("table {{.ID}}", {}), "CONTAINER ID\n");  // a header even without rows
  EXPECT_EQ(listing("table {{upper .Name}}\\t{{.Labels}}"), "NAMES     LABELS\nWEB       a=b\nDB        \n");
}

TEST(Listing, DockerImagesDefaultTable) {
  std::vector<Json> rows = {Json{{"Repository", "nginx"},
                                 {"Tag", "latest"},
                                 {"ID", "605c77e624dd"},
                                 {"CreatedSince", "2 years ago"},
                                 {"Size", "141MB"}}};
  std::map<std::string, std::string> headers = {{"Repository", "REPOSITORY"},
                                                {"Tag", "TAG"},
                                                {"ID", "IMAGE ID"},
                                                {"CreatedSince", "CREATED"},
                                                {"Size", "SIZE"}};
  auto out = render_listing("", "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}", rows, headers);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(*out,
            "REPOSITORY   TAG       IMAGE ID       CREATED       SIZE\n"
            "nginx        latest    605c77e624dd   2 years ago   141MB\n");
}

TEST(Listing, PlainAndJson) {
  EXPECT_EQ(listing("{{.ID}}: {{.Name}}"), "abc: web\ndefghijklmno: db\n");
  EXPECT_EQ(listing("{{.ID}}\\t{{.Name}}"), "abc\tweb\ndefghijklmno\tdb\n");  // no alignment outside tables
  EXPECT_EQ(listing("json"), "{\"ID\":\"abc\",\"Labels\":\"a=b\",\"Name\":\"web\"}\n"
                             "{\"ID\":\"defghijklmno\",\"Labels\":\"\",\"Name\":\"db\"}\n");
  EXPECT_EQ(listing("{{json .}}", {}), "");
  EXPECT_EQ(listing("  {{.Name}}  "), "web\ndb\n");  // Docker trims the spaces
}

TEST(Listing, Errors) {
  auto out = render_listing("{{.ID", kDefault, kRows, kHeaders);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind(), ErrorKind::InvalidArgument);
  EXPECT_EQ(out.error().message(), "template parsing error: template: :1: unclosed action");
  EXPECT_EQ(listing("{{.Nope}}"),
            "error: template parsing error: template: :1:2: executing \"\" at <.Nope>: map has no entry for key \"Nope\"");
  EXPECT_EQ(listing("table {{.Nope}}"),
            "error: template parsing error: template: :1:2: executing \"\" at <.Nope>: map has no entry for key \"Nope\"");
}

TEST(Listing, HeaderForUnknownColumnShowsNoValue) {
  std::vector<Json> rows = {Json{{"ID", "x"}, {"Extra", "e"}}};
  auto out = render_listing("table {{.ID}}\t{{.Extra}}", kDefault, rows, {{"ID", "ID"}});
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "ID        <no value>\nx         e\n");
}

TEST(RenderEach, InspectFormat) {
  std::vector<Json> values = {Json{{"Name", "a"}, {"State", {{"Pid", 42}}}}, Json{{"Name", "b"}, {"State", {{"Pid", 0}}}}};
  auto out = render_each("{{.Name}} {{.State.Pid}}", values);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "a 42\nb 0\n");
  auto raw = render_each("{{.Name}}\\t", values);  // inspect does not expand \t
  ASSERT_TRUE(raw);
  EXPECT_EQ(*raw, "a\\t\nb\\t\n");
  auto bad = render_each("{{.Nope}}", values);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(),
            "template parsing error: template: :1:2: executing \"\" at <.Nope>: map has no entry for key \"Nope\"");
  auto unparsable = render_each("{{", values);
  ASSERT_FALSE(unparsable);
  EXPECT_EQ(unparsable.error().message(), "template parsing error: template: :1: unclosed action");
}

}  // namespace
}  // namespace hako::cli::format
