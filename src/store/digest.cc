#include "store/digest.h"

#include <cstdlib>
#include <utility>

#include <openssl/evp.h>

namespace hako::store {

bool is_sha256_hex(std::string_view hex) {
  if (hex.size() != 64) return false;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<Digest> Digest::parse(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return fail(ErrorKind::InvalidArgument, "invalid digest \"{}\": expected algorithm:hex", text);
  std::string_view algo = text.substr(0, colon), hex = text.substr(colon + 1);
  if (algo != "sha256") {
    if (algo == "sha384" || algo == "sha512")
      return fail(ErrorKind::NotSupported, "digest \"{}\": algorithm {} is not supported", text, algo);
    return fail(ErrorKind::InvalidArgument, "invalid digest \"{}\": unknown algorithm \"{}\"", text, algo);
  }
  if (!is_sha256_hex(hex))
    return fail(ErrorKind::InvalidArgument, "invalid digest \"{}\": expected 64 lowercase hex digits", text);
  return Digest{std::string(algo), std::string(hex)};
}

// EVP failures here only happen on allocation failure; like operator new,
// there is nothing useful to return, so abort instead of hashing garbage.
static void check(int ok) {
  if (ok != 1) std::abort();
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_) std::abort();
  check(EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr));
}

Sha256::Sha256(Sha256&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
  if (this != &other) {
    if (ctx_) EVP_MD_CTX_free(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

Sha256::~Sha256() {
  if (ctx_) EVP_MD_CTX_free(ctx_);
}

void Sha256::update(const void* data, size_t size) {
  if (size) check(EVP_DigestUpdate(ctx_, data, size));
}

Digest Sha256::finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  check(EVP_DigestFinal_ex(ctx_, md, &len));
  check(EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    hex.push_back(kHex[md[i] >> 4]);
    hex.push_back(kHex[md[i] & 0xf]);
  }
  return Digest{"sha256", std::move(hex)};
}

Digest sha256_of(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.finish();
}

}  // namespace hako::store
