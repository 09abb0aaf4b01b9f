#include "store/digest.h"

#include <gtest/gtest.h>

namespace hako::store {

static const char* kEmpty = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST(Digest, ParsesAndPrints) {
  auto d = Digest::parse(kEmpty);
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->algorithm, "sha256");
  EXPECT_EQ(d->to_string(), kEmpty);
}

TEST(Digest, RejectsMalformed) {
  EXPECT_EQ(Digest::parse("e3b0c442").error().kind(), ErrorKind::InvalidArgument);
  EXPECT_EQ(Digest::parse("sha256:abc").error().kind(), ErrorKind::InvalidArgument);
  EXPECT_EQ(Digest::parse("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855").error().kind(),
            ErrorKind::InvalidArgument);
  EXPECT_EQ(Digest::parse("md5:d41d8cd98f00b204e9800998ecf8427e").error().kind(), ErrorKind::InvalidArgument);
  EXPECT_EQ(Digest::parse(std::string("sha512:") + std::string(128, 'a')).error().kind(), ErrorKind::NotSupported);
  EXPECT_NE(Digest::parse("sha256:zz").error().message().find("sha256:zz"), std::string::npos);
}

TEST(Sha256, KnownVectorsAndStreaming) {
  EXPECT_EQ(sha256_of("").to_string(), kEmpty);
  EXPECT_EQ(sha256_of("abc").hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 h;
  h.update("a");
  h.update("bc");
  EXPECT_EQ(h.finish(), sha256_of("abc"));
  // finish() resets, so the hasher is reusable.
  EXPECT_EQ(h.finish().to_string(), kEmpty);
}

}  // namespace hako::store
