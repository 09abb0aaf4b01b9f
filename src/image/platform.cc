#include "image/platform.h"

#include <sys/utsname.h>

#include <algorithm>
#include <array>

#include "base/strings.h"

namespace hako::image {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// containerd's lists (platforms/database.go): a lone specifier is taken as
// an OS or an architecture only when it is one of these, so a typo is an
// error rather than a platform nothing will ever match.
constexpr std::array kKnownOS = {"aix", "android", "darwin", "dragonfly", "freebsd", "hurd",
                                 "illumos", "ios", "js", "linux", "nacl", "netbsd", "openbsd",
                                 "plan9", "solaris", "wasip1", "windows", "zos"};
constexpr std::array kKnownArch = {
    "386",     "amd64",    "amd64p32",   "arm",         "armbe",  "arm64",   "arm64be", "loong64",
    "mips",    "mipsle",   "mips64",     "mips64le",    "mips64p32", "mips64p32le", "ppc",
    "ppc64",   "ppc64le",  "riscv",      "riscv64",     "s390",   "s390x",   "sparc",   "sparc64",
    "wasm"};

bool known(std::span<const char* const> list, std::string_view s) {
  return std::any_of(list.begin(), list.end(), [&](const char* k) { return s == k; });
}

std::string normalize_os(std::string_view os) {
  if (os.empty()) return "linux";
  std::string out = lower(os);
  if (out == "macos") out = "darwin";
  return out;
}

// containerd's normalizeArch.
void normalize_arch(std::string& arch, std::string& variant) {
  arch = lower(arch);
  variant = lower(variant);
  if (arch == "i386") {
    arch = "386";
    variant.clear();
  } else if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") {
    arch = "amd64";
    if (variant == "v1") variant.clear();
  } else if (arch == "aarch64" || arch == "arm64") {
    arch = "arm64";
    if (variant == "8" || variant == "v8" || variant == "v8.0") variant.clear();
    if (variant == "9" || variant == "9.0" || variant == "v9.0") variant = "v9";
  } else if (arch == "armhf") {
    arch = "arm";
    variant = "v7";
  } else if (arch == "armel") {
    arch = "arm";
    variant = "v6";
  } else if (arch == "arm") {
    if (variant.empty() || variant == "7") variant = "v7";
    else if (variant == "5" || variant == "6" || variant == "8") variant = "v" + variant;
  }
}

bool is_specifier_component(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.';
  });
}

std::unexpected<Error> invalid(std::string message) {
  return fail(ErrorKind::InvalidArgument, message + ": invalid argument");
}

// The "vN" number of a variant, or 0 when it is not one.
int variant_number(std::string_view variant) {
  if (!variant.starts_with('v')) return 0;
  auto n = parse_int(variant.substr(1));
  return n && *n > 0 && *n < 100 ? static_cast<int>(*n) : 0;
}

}  // namespace

std::string Platform::string() const {
  std::string s = os + "/" + architecture;
  if (!variant.empty()) s += "/" + variant;
  return s;
}

Platform normalize_platform(Platform p) {
  p.os = normalize_os(p.os);
  normalize_arch(p.architecture, p.variant);
  return p;
}

Platform platform_for_machine(std::string_view machine) {
  Platform p{"linux", std::string(machine), ""};
  if (machine == "i486" || machine == "i586" || machine == "i686") p.architecture = "386";
  else if (machine == "loongarch64") p.architecture = "loong64";
  else if (machine.starts_with("armv")) {
    // "armv7l" -> arm/v7: the digit after "armv" is the ISA version.
    p.architecture = "arm";
    if (machine.size() > 4 && machine[4] >= '5' && machine[4] <= '8') p.variant = std::string("v") + machine[4];
  }
  return normalize_platform(std::move(p));
}

Platform default_platform() {
  struct utsname u {};
  if (uname(&u) != 0) return {"linux", "amd64", ""};
  return platform_for_machine(u.machine);
}

Result<Platform> parse_platform(std::string_view specifier) {
  if (specifier.find('*') != std::string_view::npos)
    return invalid(fmt::format("\"{}\": wildcards not yet supported", specifier));
  // Like Go's SplitN(s, "/", 4): a fourth part keeps any further slashes.
  std::vector<std::string> parts;
  std::string_view rest = specifier;
  while (parts.size() < 3) {
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) break;
    parts.emplace_back(rest.substr(0, slash));
    rest.remove_prefix(slash + 1);
  }
  parts.emplace_back(rest);
  for (const auto& part : parts)
    if (!is_specifier_component(part))
      return invalid(fmt::format(
          "\"{}\" is an invalid component of \"{}\": platform specifier component must match "
          "\"^[A-Za-z0-9_.-]+$\"",
          part, specifier));

  Platform p;
  switch (parts.size()) {
    case 1: {
      p.os = normalize_os(parts[0]);
      if (known(kKnownOS, p.os)) {
        Platform host = default_platform();
        p.architecture = host.architecture;
        if (host.architecture == "arm" && host.variant != "v7") p.variant = host.variant;
        return p;
      }
      p.os = "linux";
      p.architecture = parts[0];
      normalize_arch(p.architecture, p.variant);
      if (p.architecture == "arm" && p.variant == "v7") p.variant.clear();
      if (known(kKnownArch, p.architecture)) return p;
      return invalid(fmt::format("\"{}\": unknown operating system or architecture", specifier));
    }
    case 2:
      // An explicit os/arch pair is taken as given, known or not.
      p.os = normalize_os(parts[0]);
      p.architecture = parts[1];
      normalize_arch(p.architecture, p.variant);
      if (p.architecture == "arm" && p.variant == "v7") p.variant.clear();
      return p;
    case 3:
      p.os = normalize_os(parts[0]);
      p.architecture = parts[1];
      p.variant = parts[2];
      normalize_arch(p.architecture, p.variant);
      if (p.architecture == "arm64" && p.variant.empty()) p.variant = "v8";
      return p;
  }
  return invalid(fmt::format("\"{}\": cannot parse platform specifier", specifier));
}

bool platform_matches(const Platform& want, const Platform& have) {
  return normalize_platform(want) == normalize_platform(have);
}

std::vector<Platform> compatible_platforms(const Platform& want) {
  Platform p = normalize_platform(want);
  std::vector<Platform> out{p};
  if (p.architecture == "amd64") {
    for (int v = variant_number(p.variant) - 1; v >= 1; --v)
      out.push_back({p.os, "amd64", v == 1 ? "" : "v" + std::to_string(v)});
    out.push_back({p.os, "386", ""});
  } else if (p.architecture == "arm") {
    for (int v = variant_number(p.variant) - 1; v >= 5; --v)
      out.push_back({p.os, "arm", "v" + std::to_string(v)});
  } else if (p.architecture == "arm64") {
    // Every arm64 CPU runs 32-bit arm code up to ARMv8.
    for (int v = 8; v >= 5; --v) out.push_back({p.os, "arm", "v" + std::to_string(v)});
  }
  return out;
}

std::optional<size_t> select_platform(const Platform& want, std::span<const Platform> candidates) {
  for (const Platform& acceptable : compatible_platforms(want))
    for (size_t i = 0; i < candidates.size(); ++i)
      if (platform_matches(acceptable, candidates[i])) return i;
  return std::nullopt;
}

}  // namespace hako::image
