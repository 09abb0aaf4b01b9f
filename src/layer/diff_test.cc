#include "layer/diff.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "base/fd.h"
#include "layer/apply.h"
#include "layer/test_util.h"

namespace hako::layer {
using namespace testing;

class Diff : public ::testing::Test {
 protected:
  static bool root_user() { return ::geteuid() == 0; }

  // Writes a layer of `upper` (against `lower`) to a file, returns digests.
  Result<LayerDigests> write(const std::optional<std::string>& lower, const std::string& upper, Compression c,
                             const std::string& out) {
    UniqueFd fd(::open(out.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644));
    return write_layer(lower, upper, fd.get(), c);
  }
  static std::string sha256_of(const std::string& data) {
    unsigned char md[32];
    unsigned len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
    std::string out = "sha256:";
    for (unsigned i = 0; i < len; ++i) out += fmt::format("{:02x}", md[i]);
    return out;
  }

  // A tree with one of everything a layer carries.
  void populate(const std::string& d) {
    ASSERT_TRUE(make_dirs(d + "/etc/deep/er"));
    ASSERT_TRUE(write_file(d + "/etc/hosts", "127.0.0.1\n", 0640));
    ASSERT_TRUE(write_file(d + "/etc/deep/er/f", std::string(70000, 'q')));
    std::string long_name = d + "/etc/" + std::string(150, 'n');
    ASSERT_TRUE(write_file(long_name, "long"));
    ASSERT_EQ(::symlink("../etc/hosts", (d + "/etc/link").c_str()), 0);
    ASSERT_EQ(::link((d + "/etc/hosts").c_str(), (d + "/etc/hosts.hard").c_str()), 0);
    ASSERT_TRUE(write_file(d + "/suid", "x", 0755));
    ASSERT_EQ(::chmod((d + "/suid").c_str(), 04755), 0);
    ASSERT_EQ(::setxattr((d + "/etc/hosts").c_str(), "user.note", "hi", 2, 0), 0);
    if (root_user()) {
      ASSERT_EQ(::chown((d + "/suid").c_str(), 1000, 1000), 0);
      ASSERT_EQ(::chmod((d + "/suid").c_str(), 04755), 0);
      ASSERT_EQ(::mknod((d + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
    }
    ASSERT_EQ(::mkfifo((d + "/fifo").c_str(), 0600), 0);
    struct timespec ts[2] = {{0, UTIME_OMIT}, {1234567, 890}};
    for (const char* p : {"/etc/hosts", "/etc/deep/er", "/etc", "/suid"}) ::utimensat(AT_FDCWD, (d + p).c_str(), ts, 0);
  }

  TempDir tmp;
};

TEST_F(Diff, RoundTripReproducesTheTree) {
  std::string src = tmp / "src", dst = tmp / "dst";
  populate(src);
  ASSERT_TRUE(make_dirs(dst));
  for (auto c : {Compression::None, Compression::Gzip, Compression::Zstd}) {
    auto d = write(std::nullopt, src, c, tmp / "layer");
    ASSERT_TRUE(d) << d.error().message();
    std::string bytes = content(tmp / "layer");
    EXPECT_EQ(d->digest, sha256_of(bytes));
    EXPECT_EQ(d->size, bytes.size());
    if (c == Compression::None) {
      EXPECT_EQ(d->digest, d->diff_id);
    } else {
      EXPECT_NE(d->digest, d->diff_id);
    }
    ASSERT_TRUE(remove_tree(dst));
    ASSERT_TRUE(make_dirs(dst));
    auto s = apply_layer(tmp / "layer", dst);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(describe_tree(src), describe_tree(dst));
  }
}

TEST_F(Diff, DeterministicAndSameDiffIdAcrossCompressions) {
  std::string src = tmp / "src";
  populate(src);
  auto a = write(std::nullopt, src, Compression::Gzip, tmp / "a");
  auto b = write(std::nullopt, src, Compression::Gzip, tmp / "b");
  auto z = write(std::nullopt, src, Compression::Zstd, tmp / "z");
  auto n = write(std::nullopt, src, Compression::None, tmp / "n");
  ASSERT_TRUE(a && b && z && n);
  EXPECT_EQ(a->digest, b->digest);
  EXPECT_EQ(a->diff_id, z->diff_id);
  EXPECT_EQ(a->diff_id, n->diff_id);
  EXPECT_EQ(a->uncompressed_size, n->size);
}

TEST_F(Diff, AgainstALowerCopy) {
  std::string lower = tmp / "lower", upper = tmp / "upper", replay = tmp / "replay";
  populate(lower);
  // The copy fallback: upper starts as a faithful copy of lower.
  auto base = write(std::nullopt, lower, Compression::None, tmp / "base.tar");
  ASSERT_TRUE(base) << base.error().message();
  ASSERT_TRUE(make_dirs(upper));
  ASSERT_TRUE(apply_layer(tmp / "base.tar", upper));
  ASSERT_TRUE(make_dirs(replay));
  ASSERT_TRUE(apply_layer(tmp / "base.tar", replay));

  ASSERT_EQ(::unlink((upper + "/suid").c_str()), 0);
  ASSERT_TRUE(remove_tree(upper + "/etc/deep"));
  ASSERT_TRUE(write_file(upper + "/etc/new", "new"));
  ASSERT_TRUE(write_file(upper + "/etc/hosts", "changed\n"));
  auto d = write(lower, upper, Compression::Gzip, tmp / "diff.tgz");
  ASSERT_TRUE(d) << d.error().message();
  // etc (dir holding changes), hosts, hosts.hard (same inode, so changed
  // too), new, two whiteouts.
  EXPECT_EQ(d->entries, 6u);
  auto s = apply_layer(tmp / "diff.tgz", replay);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->whiteouts, 2u);
  EXPECT_EQ(describe_tree(upper), describe_tree(replay));
}

TEST_F(Diff, UnchangedCopyGivesAnEmptyLayer) {
  std::string lower = tmp / "lower", upper = tmp / "upper";
  populate(lower);
  auto base = write(std::nullopt, lower, Compression::None, tmp / "base.tar");
  ASSERT_TRUE(base);
  ASSERT_TRUE(make_dirs(upper));
  ASSERT_TRUE(apply_layer(tmp / "base.tar", upper));
  auto d = write(lower, upper, Compression::None, tmp / "empty.tar");
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->entries, 0u);
}

TEST_F(Diff, OverlayUpperDirBecomesWhiteouts) {
  if (!root_user()) GTEST_SKIP() << "needs root for mknod and trusted.* xattrs";
  // Apply overlay-natively, pack the result, replay it plainly onto a lower.
  std::string upper = tmp / "upper", lower = tmp / "lower";
  ASSERT_TRUE(make_dirs(upper));
  Tar t;
  t.dir("o/").whiteout("o/.wh..wh..opq").file("o/new", "n").dir("etc/").whiteout("etc/.wh.gone");
  ApplyOptions o;
  o.overlay_whiteouts = true;
  ASSERT_TRUE(apply_layer(t.save(tmp / "in.tar"), upper, o));

  auto d = write(std::nullopt, upper, Compression::Zstd, tmp / "out.tar.zst");
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->entries, 5u);  // etc, etc/.wh.gone, o, o/.wh..wh..opq, o/new

  ASSERT_TRUE(make_dirs(lower + "/o"));
  ASSERT_TRUE(make_dirs(lower + "/etc"));
  ASSERT_TRUE(write_file(lower + "/o/old", "x"));
  ASSERT_TRUE(write_file(lower + "/etc/gone", "x"));
  ASSERT_TRUE(write_file(lower + "/etc/stays", "x"));
  auto s = apply_layer(tmp / "out.tar.zst", lower);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->whiteouts, 2u);
  EXPECT_FALSE(exists(lower + "/o/old"));
  EXPECT_EQ(content(lower + "/o/new"), "n");
  EXPECT_FALSE(exists(lower + "/etc/gone"));
  EXPECT_TRUE(exists(lower + "/etc/stays"));
  EXPECT_EQ(xattr(lower + "/o", "trusted.overlay.opaque"), "<none>");
}

}  // namespace hako::layer
