// Content digests ("sha256:<64 lowercase hex>") and a streaming SHA-256.
//
// Only sha256 is accepted: it is what OCI registries and Docker produce, and
// the blob store's directory layout (blobs/sha256/<hex>) depends on it. Other
// registered algorithms (sha512) parse as NotSupported rather than invalid,
// so a caller can tell "unknown to hako" from "garbage".
#pragma once

#include <compare>
#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header.

namespace hako::store {

struct Digest {
  std::string algorithm;  // always "sha256" once parsed
  std::string hex;        // 64 lowercase hex digits

  // Parses and validates "sha256:<hex>". Uppercase hex is rejected: digests
  // are compared as strings everywhere (DB keys, file names).
  static Result<Digest> parse(std::string_view text);
  std::string to_string() const { return algorithm + ":" + hex; }

  bool operator==(const Digest&) const = default;
  auto operator<=>(const Digest&) const = default;
};

// True if `hex` is exactly 64 lowercase hex digits (a valid blob file name).
bool is_sha256_hex(std::string_view hex);

// Streaming SHA-256 over OpenSSL EVP. Not copyable; movable.
class Sha256 {
 public:
  Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  ~Sha256();

  void update(const void* data, size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // Returns the digest of everything fed so far and resets for reuse.
  Digest finish();

 private:
  evp_md_ctx_st* ctx_ = nullptr;
};

Digest sha256_of(std::string_view data);

}  // namespace hako::store
