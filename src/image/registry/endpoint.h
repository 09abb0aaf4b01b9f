// Where and how to reach a registry named by a Reference's domain: the
// host to connect to, whether it is "insecure" (Docker's term: HTTPS
// without verification, falling back to plain HTTP), and its TLS material
// from a certs.d directory.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "image/registry/http.h"

namespace hako::image::registry {

// "docker.io" → "registry-1.docker.io" (where Docker Hub's API lives);
// any other domain is its own host.
std::string registry_endpoint_host(std::string_view registry);

// The host part of "host", "host:port", "[v6]:port" (no brackets).
std::string host_part(std::string_view registry);

// True for localhost, 127.0.0.0/8 and ::1 (Docker trusts loopback), and for
// registries in `insecure`: entries are "host", "host:port" or an IP CIDR
// ("10.0.0.0/8", "fd00::/8") matched against a literal IP registry. Names
// are not resolved to match a CIDR (that would make the answer depend on
// DNS at pull time).
bool is_insecure_registry(std::string_view registry, const std::vector<std::string>& insecure);

// TLS material from <dir>/<registry>/ for the first dir in `dirs` that has
// that directory, read as Docker reads /etc/docker/certs.d: every *.crt is
// an extra CA, each *.cert needs the *.key of the same name (and vice
// versa; a lone one is InvalidArgument). Only the first pair is used.
// No directory: default options.
Result<TlsOptions> load_certs_dir(const std::vector<std::string>& dirs, std::string_view registry);

}  // namespace hako::image::registry
