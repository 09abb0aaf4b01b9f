#include "image/reference.h"

#include <algorithm>

namespace hako::image {
namespace {

// Hand-written matchers instead of std::regex: the grammar is small, and
// std::regex is slow and recursive on long inputs.

constexpr size_t kNameTotalLengthMax = 255;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool has_upper(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*
bool is_path_component(std::string_view s) {
  size_t i = 0;
  for (;;) {
    size_t start = i;
    while (i < s.size() && is_lower_alnum(s[i])) ++i;
    if (i == start) return false;  // empty, or separator not followed by alnum
    if (i == s.size()) return true;
    if (s[i] == '.') {
      ++i;
    } else if (s[i] == '_') {
      ++i;
      if (i < s.size() && s[i] == '_') ++i;
    } else if (s[i] == '-') {
      while (i < s.size() && s[i] == '-') ++i;
    } else {
      return false;
    }
  }
}

bool is_path(std::string_view s) {
  for (;;) {
    size_t slash = s.find('/');
    if (!is_path_component(s.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    s.remove_prefix(slash + 1);
  }
}

// [a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?
bool is_host_label(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

// (hostname | "[" ipv6 "]") (":" port)?
bool is_domain(std::string_view s) {
  std::string_view host = s;
  std::string_view rest;
  if (s.starts_with('[')) {
    size_t close = s.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    std::string_view inner = s.substr(1, close - 1);
    if (!std::all_of(inner.begin(), inner.end(), [](char c) { return is_hex(c) || c == ':'; }))
      return false;
    rest = s.substr(close + 1);
  } else {
    size_t colon = s.find(':');
    host = s.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view{} : s.substr(colon);
    for (;;) {
      size_t dot = host.find('.');
      if (!is_host_label(host.substr(0, dot))) return false;
      if (dot == std::string_view::npos) break;
      host.remove_prefix(dot + 1);
    }
  }
  if (rest.empty()) return true;
  if (rest.front() != ':' || rest.size() == 1) return false;
  return std::all_of(rest.begin() + 1, rest.end(), is_digit);
}

// [a-z0-9]+(?:[.+_-][a-z0-9]+)*
bool is_digest_algorithm(std::string_view s) {
  size_t i = 0;
  for (;;) {
    size_t start = i;
    while (i < s.size() && is_lower_alnum(s[i])) ++i;
    if (i == start) return false;
    if (i == s.size()) return true;
    if (s[i] != '.' && s[i] != '+' && s[i] != '_' && s[i] != '-') return false;
    ++i;
  }
}

bool is_digest_encoded(std::string_view s) {
  return s.size() >= 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return is_alnum(c) || c == '=' || c == '_' || c == '-';
         });
}

std::unexpected<Error> invalid(std::string message) {
  return fail(ErrorKind::InvalidArgument, std::move(message));
}

std::unexpected<Error> invalid_format() { return invalid("invalid reference format"); }

// distribution/reference's splitDockerDomain.
std::pair<std::string, std::string> split_docker_domain(std::string_view s) {
  std::string domain{kDefaultDomain};
  std::string remainder{s};
  size_t slash = s.find('/');
  if (slash != std::string_view::npos) {
    std::string_view first = s.substr(0, slash);
    if (first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
        has_upper(first)) {
      domain = first;
      remainder = s.substr(slash + 1);
    }
  }
  if (domain == "index.docker.io") domain = kDefaultDomain;
  if (domain == kDefaultDomain && remainder.find('/') == std::string::npos)
    remainder = "library/" + remainder;
  return {domain, remainder};
}

}  // namespace

bool is_valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128 || !is_word(tag.front())) return false;
  return std::all_of(tag.begin(), tag.end(), [](char c) { return is_word(c) || c == '.' || c == '-'; });
}

Result<> validate_digest(std::string_view digest) {
  size_t colon = digest.find(':');
  if (colon == std::string_view::npos || !is_digest_algorithm(digest.substr(0, colon)) ||
      !is_digest_encoded(digest.substr(colon + 1)))
    return invalid("invalid checksum digest format");
  std::string_view algorithm = digest.substr(0, colon);
  std::string_view encoded = digest.substr(colon + 1);
  // go-digest knows these three; their encodings are fixed-length lowercase hex.
  size_t want = algorithm == "sha256" ? 64 : algorithm == "sha384" ? 96 : algorithm == "sha512" ? 128 : 0;
  if (want == 0) return {};
  if (encoded.size() != want) return invalid("invalid checksum digest length");
  if (!std::all_of(encoded.begin(), encoded.end(), is_lower_hex))
    return invalid("invalid checksum digest format");
  return {};
}

Result<Reference> parse_reference_exact(std::string_view s) {
  if (s.size() == 64 && std::all_of(s.begin(), s.end(), is_lower_hex))
    return invalid(fmt::format(
        "invalid repository name ({}), cannot specify 64-byte hexadecimal strings", s));

  auto [domain, remainder] = split_docker_domain(s);

  // Docker checks case on everything before the first ':' of the remainder,
  // which for "Foo@sha256:..." includes "@sha256"; the message says so too.
  std::string_view remote_name = std::string_view(remainder).substr(0, remainder.find(':'));
  if (has_upper(remote_name))
    return invalid(fmt::format(
        "invalid reference format: repository name ({}) must be lowercase", remote_name));

  Reference ref;
  ref.domain = domain;
  std::string_view rest = remainder;
  // Neither path nor tag may contain '@' or ':', so the first of each splits.
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    std::string_view digest = rest.substr(at + 1);
    if (size_t colon = digest.find(':'); colon == std::string_view::npos ||
                                         !is_digest_algorithm(digest.substr(0, colon)) ||
                                         !is_digest_encoded(digest.substr(colon + 1)))
      return invalid_format();
    ref.digest = digest;
    rest = rest.substr(0, at);
  }
  if (size_t colon = rest.find(':'); colon != std::string_view::npos) {
    ref.tag = rest.substr(colon + 1);
    if (!is_valid_tag(ref.tag)) return invalid_format();
    rest = rest.substr(0, colon);
  }
  ref.path = rest;
  if (!is_domain(ref.domain) || !is_path(ref.path)) return invalid_format();
  if (ref.domain.size() + 1 + ref.path.size() > kNameTotalLengthMax)
    return invalid(fmt::format("repository name must not be more than {} characters",
                               kNameTotalLengthMax));
  if (!ref.digest.empty()) TRY(validate_digest(ref.digest));
  return ref;
}

Result<Reference> parse_reference(std::string_view s) {
  TRY_ASSIGN(Reference ref, parse_reference_exact(s));
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = kDefaultTag;
  return ref;
}

std::string Reference::name() const { return domain + "/" + path; }

std::string Reference::familiar() const {
  if (domain != kDefaultDomain) return name();
  // Only official images lose "library/": "library/a/b" must stay as is,
  // or it would read back as repository "a/b".
  std::string_view p = path;
  if (p.starts_with("library/") && p.find('/', 8) == std::string_view::npos)
    return std::string(p.substr(8));
  return path;
}

static std::string with_tag_and_digest(std::string s, const Reference& r) {
  if (!r.tag.empty()) s += ":" + r.tag;
  if (!r.digest.empty()) s += "@" + r.digest;
  return s;
}

std::string Reference::string() const { return with_tag_and_digest(name(), *this); }
std::string Reference::familiar_string() const { return with_tag_and_digest(familiar(), *this); }

}  // namespace hako::image
