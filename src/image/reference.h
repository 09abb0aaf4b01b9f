// Image references ("busybox", "localhost:5000/app:1.0", "x@sha256:...")
// parsed exactly as Docker does (github.com/distribution/reference,
// ParseNormalizedNamed), so every name a user types means what it means to
// `docker pull`.
//
// Normalization rules:
//   - The first '/'-separated component is a registry domain when it
//     contains '.' or ':', is "localhost", or has an uppercase letter (then
//     it must be a valid hostname); otherwise the domain is docker.io.
//     "Foo/bar" therefore names repository "bar" on registry "Foo", as in
//     Docker.
//   - "index.docker.io" becomes "docker.io"; a one-component path on
//     docker.io gets "library/" in front.
//   - The whole of domain + "/" + path is at most 255 characters.
//   - A bare 64-hex-digit string is refused: Docker reserves it for image
//     ids, so it must never be read as repository "library/<hex>".
//   - Digests are algorithm:encoded per the OCI image-spec grammar;
//     sha256/sha384/sha512 must be lowercase hex of their exact length,
//     other algorithms are accepted when they fit the grammar.
//
// Errors are ErrorKind::InvalidArgument with Docker's message verbatim
// ("invalid reference format", "invalid reference format: repository name
// (library/Busybox) must be lowercase", ...), so the CLI can print them as
// Docker does. Where Docker's text names the input, ours does too; callers
// that want the raw input in every message add it as context.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"

namespace hako::image {

inline constexpr std::string_view kDefaultDomain = "docker.io";
inline constexpr std::string_view kDefaultTag = "latest";

struct Reference {
  std::string domain;  // "docker.io", "localhost:5000", "[::1]:5000"
  std::string path;    // "library/busybox", "user/app"
  std::string tag;     // may be empty (see parse_reference_exact)
  std::string digest;  // "sha256:<hex>" or empty

  // Full normalized name: "docker.io/library/busybox".
  std::string name() const;
  // The short form `docker images` shows: "busybox", "user/app",
  // "localhost:5000/app".
  std::string familiar() const;
  // name() followed by ":tag" and/or "@digest" when set.
  std::string string() const;
  // familiar() followed by ":tag" and/or "@digest" when set.
  std::string familiar_string() const;

  bool operator==(const Reference&) const = default;
};

// Parses `s` keeping exactly what was written: tag and digest stay empty
// when absent. Use this where "no tag given" matters (docker push of all
// tags, `docker images busybox` listing every tag).
Result<Reference> parse_reference_exact(std::string_view s);

// As parse_reference_exact, and a reference with neither tag nor digest
// gets tag "latest" (what pull, run and create do). A reference with both
// keeps both; the digest is what must be fetched (Docker drops the tag).
Result<Reference> parse_reference(std::string_view s);

// Checks a digest string ("sha256:<64 hex>") with the rules above; the
// message is Docker's ("invalid checksum digest length", ...).
Result<> validate_digest(std::string_view digest);

// True for a tag matching [\w][\w.-]{0,127}.
bool is_valid_tag(std::string_view tag);

}  // namespace hako::image
