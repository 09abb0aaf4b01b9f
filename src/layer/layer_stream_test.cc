#include "layer/layer_stream.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include "base/fd.h"
#include "base/files.h"
#include "layer/test_util.h"

namespace hako::layer {
namespace {

using testing::TempDir;

std::string gzip(std::string_view data) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

std::string zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

struct Read {
  std::string data;
  std::string diff_id;
  oci::Compression compression;
};

Result<Read> read_all(const TempDir& tmp, const std::string& blob) {
  std::string path = tmp / "blob";
  TRY(write_file(path, blob));
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  TRY_ASSIGN(auto s, LayerStream::open(fd.get()));
  Read r;
  for (;;) {
    TRY_ASSIGN(auto chunk, s->next());
    if (chunk.empty()) break;
    r.data.append(chunk);
  }
  r.diff_id = s->diff_id().to_string();
  r.compression = s->compression();
  EXPECT_EQ(s->size(), r.data.size());
  return r;
}

// Several MiB of data that compresses well but not trivially.
std::string sample() {
  std::string s;
  for (int i = 0; s.size() < (5u << 20); ++i) s += fmt::format("line {} of the sample {}\n", i, i * 7919 % 1000);
  return s;
}

TEST(LayerStream, EveryCompressionGivesTheUncompressedBytesAndTheirDigest) {
  TempDir tmp;
  std::string plain = sample();
  std::string want = store::sha256_of(plain).to_string();
  for (auto [blob, c] : {std::pair{plain, oci::Compression::None}, {gzip(plain), oci::Compression::Gzip},
                         {zstd(plain), oci::Compression::Zstd}}) {
    auto r = read_all(tmp, blob);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->compression, c);
    EXPECT_EQ(r->data.size(), plain.size());
    EXPECT_TRUE(r->data == plain);
    EXPECT_EQ(r->diff_id, want);
  }
}

TEST(LayerStream, ConcatenatedGzipMembersAreOneStream) {
  TempDir tmp;
  auto r = read_all(tmp, gzip("first,") + gzip("second"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->data, "first,second");
}

TEST(LayerStream, EmptyBlobIsAnEmptyStream) {
  TempDir tmp;
  auto r = read_all(tmp, "");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->diff_id, store::sha256_of("").to_string());
}

TEST(LayerStream, TruncatedOrCorruptDataIsRefused) {
  TempDir tmp;
  std::string g = gzip(sample());
  auto truncated = read_all(tmp, g.substr(0, g.size() / 2));
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().kind(), ErrorKind::InvalidArgument);
  EXPECT_NE(truncated.error().message().find("gzip"), std::string::npos) << truncated.error().message();

  std::string corrupt = g;
  for (size_t i = 100; i < 200; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  EXPECT_FALSE(read_all(tmp, corrupt));

  std::string z = zstd(sample());
  auto zt = read_all(tmp, z.substr(0, z.size() - 10));
  ASSERT_FALSE(zt);
  EXPECT_NE(zt.error().message().find("zstd"), std::string::npos) << zt.error().message();
}

TEST(LayerStream, AReaderThatStopsEarlyDoesNotHang) {
  TempDir tmp;
  std::string path = tmp / "blob";
  ASSERT_TRUE(write_file(path, gzip(sample() + sample() + sample())));
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  auto s = LayerStream::open(fd.get());
  ASSERT_TRUE(s);
  ASSERT_TRUE((*s)->next());
  s->reset();  // the worker is blocked on a full queue; destruction stops it
}

}  // namespace
}  // namespace hako::layer
