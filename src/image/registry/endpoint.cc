#include "image/registry/endpoint.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "base/files.h"
#include "base/strings.h"

namespace hako::image::registry {

std::string registry_endpoint_host(std::string_view registry) {
  if (registry == "docker.io" || registry == "index.docker.io") return "registry-1.docker.io";
  return std::string(registry);
}

std::string host_part(std::string_view registry) {
  if (registry.starts_with("[")) {
    auto close = registry.find(']');
    return std::string(registry.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  if (std::count(registry.begin(), registry.end(), ':') == 1) return std::string(registry.substr(0, registry.find(':')));
  return std::string(registry);
}

namespace {

struct Ip {
  int family = 0;  // AF_INET or AF_INET6
  std::array<unsigned char, 16> bytes{};
};

std::optional<Ip> parse_ip(const std::string& s) {
  Ip ip;
  if (::inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET;
    return ip;
  }
  if (::inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET6;
    return ip;
  }
  return std::nullopt;
}

bool in_cidr(const Ip& ip, std::string_view cidr) {
  auto slash = cidr.find('/');
  if (slash == std::string_view::npos) return false;
  auto net = parse_ip(std::string(cidr.substr(0, slash)));
  auto bits = parse_int(cidr.substr(slash + 1));
  if (!net || !bits || net->family != ip.family) return false;
  long long max = ip.family == AF_INET ? 32 : 128;
  if (*bits < 0 || *bits > max) return false;
  for (long long i = 0; i < *bits; ++i) {
    unsigned char mask = static_cast<unsigned char>(0x80 >> (i % 8));
    if ((ip.bytes[i / 8] & mask) != (net->bytes[i / 8] & mask)) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool is_insecure_registry(std::string_view registry, const std::vector<std::string>& insecure) {
  std::string host = lower(host_part(registry));
  auto ip = parse_ip(host);
  if (host == "localhost") return true;
  if (ip && (in_cidr(*ip, "127.0.0.0/8") || in_cidr(*ip, "::1/128"))) return true;
  std::string full = lower(registry);
  for (const auto& entry : insecure) {
    std::string e = lower(trim(entry));
    if (e.empty()) continue;
    if (e == full || e == host) return true;
    if (ip && in_cidr(*ip, e)) return true;
  }
  return false;
}

Result<TlsOptions> load_certs_dir(const std::vector<std::string>& dirs, std::string_view registry) {
  TlsOptions tls;
  for (const auto& base : dirs) {
    std::string dir = base + "/" + std::string(registry);
    struct stat st;
    if (::stat(dir.c_str(), &st) < 0 || !S_ISDIR(st.st_mode)) continue;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return fail_sys(fmt::format("reading certificates directory {}", dir));
    std::vector<std::string> names;
    while (auto* e = ::readdir(d)) names.emplace_back(e->d_name);
    ::closedir(d);
    std::sort(names.begin(), names.end());  // the same pair wins every time
    auto has = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) != names.end(); };
    for (const auto& n : names) {
      std::string path = dir + "/" + n;
      if (n.ends_with(".crt")) {
        tls.extra_ca_files.push_back(path);
      } else if (n.ends_with(".cert")) {
        std::string key = n.substr(0, n.size() - 5) + ".key";
        if (!has(key))
          return fail(ErrorKind::InvalidArgument, "missing key {} for client certificate {}", dir + "/" + key, path);
        if (tls.client_cert.empty()) {
          tls.client_cert = path;
          tls.client_key = dir + "/" + key;
        }
      } else if (n.ends_with(".key")) {
        std::string cert = n.substr(0, n.size() - 4) + ".cert";
        if (!has(cert))
          return fail(ErrorKind::InvalidArgument, "missing client certificate {} for key {}", dir + "/" + cert, path);
      }
    }
    return tls;
  }
  return tls;
}

}  // namespace hako::image::registry
