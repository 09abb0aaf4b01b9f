#include "volume/mount_spec.h"

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <vector>

#include "base/files.h"
#include "base/sizes.h"
#include "base/strings.h"

namespace hako::volume {
namespace {

// Go's path.Clean.
std::string clean_path(std::string_view p) {
  if (p.empty()) return ".";
  bool rooted = p[0] == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    auto part = p.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Go's strconv.ParseBool.
std::optional<bool> parse_bool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") return false;
  return std::nullopt;
}

bool is_propagation(std::string_view m) {
  return m == "private" || m == "rprivate" || m == "shared" || m == "rshared" || m == "slave" || m == "rslave";
}
bool is_consistency(std::string_view m) { return m == "consistent" || m == "cached" || m == "delegated"; }

// moby's linuxValidMountMode: a comma list with at most one of each kind.
bool valid_mode(std::string_view mode) {
  if (mode.empty()) return true;
  int rw = 0, label = 0, prop = 0, copy = 0, consistency = 0;
  for (const auto& o : split(mode, ',')) {
    if (o == "rw" || o == "ro") {
      ++rw;
    } else if (o == "z" || o == "Z") {
      ++label;
    } else if (is_propagation(o)) {
      ++prop;
    } else if (o == "nocopy") {
      ++copy;
    } else if (is_consistency(o)) {
      ++consistency;
    } else {
      return false;
    }
  }
  return rw <= 1 && label <= 1 && prop <= 1 && copy <= 1 && consistency <= 1;
}

// What the CLI builds before the daemon validates it (mount.Mount): the
// *_opts flags say whether BindOptions/VolumeOptions/TmpfsOptions are set.
struct RawMount {
  std::string type = "volume";
  std::string source, target;
  bool readonly = false;
  bool bind_opts = false, volume_opts = false, tmpfs_opts = false;
  std::string propagation;
  bool nonrecursive = false, readonly_nonrecursive = false, readonly_force_recursive = false;
  bool nocopy = false;
  std::map<std::string, std::string> driver_opts, labels;
  std::string driver;
  int64_t tmpfs_size = 0;
  std::optional<uint32_t> tmpfs_mode;
  std::string selinux;
};

// moby's validateMountConfigImpl (volume/mounts/linux_parser.go), then the
// MountSpec it describes.
Result<MountSpec> validate(const RawMount& m, bool bind_source_must_exist) {
  auto bad = [&](std::string_view why) {
    return fail(ErrorKind::InvalidArgument, "invalid mount config for type \"{}\": {}", m.type, why);
  };
  auto absolute = [&](const std::string& p) { return fmt::format("invalid mount path: '{}' mount path must be absolute", p); };
  if (m.target.empty()) return bad("field Target must not be empty");
  if (clean_path(m.target) == "/") return bad("invalid specification: destination can't be '/'");
  if (!m.target.starts_with('/')) return bad(absolute(m.target));

  MountSpec s;
  s.target = clean_path(m.target);
  s.readonly = m.readonly;
  s.selinux = m.selinux;
  if (m.type == "bind") {
    if (m.source.empty()) return bad("field Source must not be empty");
    if (!m.propagation.empty() && !is_propagation(m.propagation))
      return bad(fmt::format("invalid propagation mode: {}", m.propagation));
    if (m.volume_opts) return bad("field VolumeOptions must not be specified");
    if (m.tmpfs_opts) return bad("field TmpfsOptions must not be specified");
    if (!m.source.starts_with('/')) return bad(absolute(m.source));
    s.type = MountSpec::Bind;
    s.source = clean_path(m.source);
    if (bind_source_must_exist && !path_exists(s.source))
      return bad(fmt::format("bind source path does not exist: {}", s.source));
    s.propagation = m.propagation;
    s.bind_nonrecursive = m.nonrecursive;
  } else if (m.type == "volume") {
    if (m.bind_opts) return bad("field BindOptions must not be specified");
    if (m.tmpfs_opts) return bad("field TmpfsOptions must not be specified");
    if (m.readonly && m.source.empty()) return bad("must not set ReadOnly mode when using anonymous volumes");
    s.type = MountSpec::Volume;
    s.source = m.source;
    s.nocopy = m.nocopy;
    s.volume_opts = m.driver_opts;
    s.volume_labels = m.labels;
    s.volume_driver = m.driver;
  } else if (m.type == "tmpfs") {
    if (m.bind_opts) return bad("field BindOptions must not be specified");
    if (m.volume_opts) return bad("field VolumeOptions must not be specified");
    if (!m.source.empty()) return bad("field Source must not be specified");
    s.type = MountSpec::Tmpfs;
    s.tmpfs_size = m.tmpfs_size;
    s.tmpfs_mode = m.tmpfs_mode;
  } else if (m.type == "image" || m.type == "npipe" || m.type == "cluster") {
    return fail(ErrorKind::NotSupported, "mount type \"{}\" is not supported", m.type);
  } else {
    return bad("mount type unknown");
  }
  return s;
}

// After validation: what the volume itself must satisfy (Docker reports
// these when it creates the volume, as "create NAME: ...").
Result<> check_volume(const MountSpec& s) {
  if (s.type != MountSpec::Volume) return {};
  if (!s.source.empty()) TRY(validate_volume_name(s.source));
  if (!s.volume_driver.empty() && s.volume_driver != "local")
    return fail(ErrorKind::NotFound, "error looking up volume plugin {}: plugin \"{}\" not found", s.volume_driver,
                s.volume_driver);
  return {};
}

// One record as Go's encoding/csv reads it (Comma ',', no LazyQuotes).
Result<std::vector<std::string>> read_csv_record(std::string_view s) {
  if (s.ends_with("\r\n")) {
    s.remove_suffix(2);
  } else if (s.ends_with("\n")) {
    s.remove_suffix(1);
  }
  auto parse_error = [](size_t column, std::string_view what) {
    return fail(ErrorKind::InvalidArgument, "parse error on line 1, column {}: {}", column, what);
  };
  std::vector<std::string> fields;
  size_t pos = 0;
  for (;;) {
    std::string field;
    if (pos < s.size() && s[pos] == '"') {
      ++pos;
      for (;;) {
        size_t q = s.find('"', pos);
        if (q == std::string_view::npos) return parse_error(s.size() + 1, "extraneous or missing \" in quoted-field");
        field.append(s.substr(pos, q - pos));
        pos = q + 1;
        if (pos < s.size() && s[pos] == '"') {  // "" is a quote
          field += '"';
          ++pos;
          continue;
        }
        if (pos == s.size() || s[pos] == ',') break;
        return parse_error(q + 1, "extraneous or missing \" in quoted-field");
      }
    } else {
      size_t c = s.find(',', pos);
      if (c == std::string_view::npos) c = s.size();
      auto text = s.substr(pos, c - pos);
      if (auto q = text.find('"'); q != std::string_view::npos)
        return parse_error(pos + q + 1, "bare \" in non-quoted-field");
      field = std::string(text);
      pos = c;
    }
    fields.push_back(std::move(field));
    if (pos >= s.size()) return fields;
    ++pos;  // the comma; a trailing one makes an empty last field
  }
}

std::string absolute_from_cwd(const std::string& p) {
  char buf[4096];
  if (!::getcwd(buf, sizeof buf)) return p;
  return clean_path(std::string(buf) + "/" + p);
}

}  // namespace

Result<> validate_volume_name(std::string_view name) {
  if (name.size() == 1)
    return fail(ErrorKind::InvalidArgument,
                "volume name is too short, names should be at least two alphanumeric characters");
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  bool ok = !name.empty() && alnum(name[0]);
  for (size_t i = 1; ok && i < name.size(); ++i) ok = alnum(name[i]) || name[i] == '_' || name[i] == '.' || name[i] == '-';
  if (!ok)
    return fail(ErrorKind::InvalidArgument,
                "\"{}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are "
                "allowed. If you intended to pass a host directory, use absolute path",
                name);
  return {};
}

Result<MountSpec> parse_volume_flag(const std::string& value) {
  auto invalid_spec = [&] { return fail(ErrorKind::InvalidArgument, "invalid volume specification: '{}'", value); };
  // strings.SplitN(raw, ":", 4)
  std::vector<std::string> arr;
  size_t start = 0;
  while (arr.size() < 3) {
    size_t c = value.find(':', start);
    if (c == std::string::npos) break;
    arr.push_back(value.substr(start, c - start));
    start = c + 1;
  }
  arr.push_back(value.substr(start));
  if (arr[0].empty()) return invalid_spec();

  RawMount m;
  std::string mode;
  switch (arr.size()) {
    case 1:
      m.target = arr[0];
      break;
    case 2:
      // "/foo:rw": a destination and a mode is not a volume.
      if (valid_mode(arr[1])) return invalid_spec();
      m.source = arr[0];
      m.target = arr[1];
      break;
    case 3:
      m.source = arr[0];
      m.target = arr[1];
      mode = arr[2];
      break;
    default:
      return invalid_spec();
  }
  if (!valid_mode(mode)) return fail(ErrorKind::InvalidArgument, "invalid mode: {}", mode);
  m.type = m.source.starts_with('/') ? "bind" : "volume";
  if (!mode.empty()) {
    for (const auto& o : split(mode, ',')) {
      if (o == "ro") m.readonly = true;
      if (o == "z" || o == "Z") m.selinux = o;
      if (o == "nocopy") {
        m.volume_opts = true;
        m.nocopy = true;
      }
      if (is_propagation(o)) {
        m.bind_opts = true;
        m.propagation = o;
      }
    }
  }
  auto spec = validate(m, false);
  if (!spec) return std::unexpected(std::move(spec).error().context(fmt::format("invalid volume specification: '{}'", value)));
  TRY(check_volume(*spec));
  return spec;
}

Result<MountSpec> parse_mount_flag(const std::string& value) {
  if (trim(value).empty()) return fail(ErrorKind::InvalidArgument, "value is empty");
  TRY_ASSIGN(auto fields, read_csv_record(value));

  RawMount m;
  auto bad = [](std::string msg) { return fail(ErrorKind::InvalidArgument, std::move(msg)); };
  auto set_on_map = [](std::map<std::string, std::string>& target, const std::string& kv) {
    auto eq = kv.find('=');
    std::string k = kv.substr(0, eq);
    if (!k.empty()) target[k] = eq == std::string::npos ? "" : kv.substr(eq + 1);
  };
  for (const auto& field : fields) {
    auto eq = field.find('=');
    std::string key = lower(field.substr(0, eq));
    if (eq == std::string::npos) {
      if (key == "readonly" || key == "ro") {
        m.readonly = true;
      } else if (key == "volume-nocopy") {
        m.volume_opts = true;
        m.nocopy = true;
      } else if (key == "bind-nonrecursive") {
        m.bind_opts = true;
        m.nonrecursive = true;
      } else {
        return bad(fmt::format("invalid field '{}' must be a key=value pair", field));
      }
      continue;
    }
    std::string val = field.substr(eq + 1);
    auto boolean = [&](bool& out) -> Result<> {
      auto b = parse_bool(val);
      if (!b) return bad(fmt::format("invalid value for {}: {}", key, val));
      out = *b;
      return {};
    };
    if (key == "type") {
      m.type = lower(val);
    } else if (key == "source" || key == "src") {
      m.source = val;
      if (val == "." || val.starts_with("./")) m.source = absolute_from_cwd(val);
    } else if (key == "target" || key == "dst" || key == "destination") {
      m.target = val;
    } else if (key == "readonly" || key == "ro") {
      TRY(boolean(m.readonly));
    } else if (key == "consistency") {
      // Accepted and ignored on Linux, as Docker does.
    } else if (key == "bind-propagation") {
      m.bind_opts = true;
      m.propagation = lower(val);
    } else if (key == "bind-nonrecursive") {
      m.bind_opts = true;
      TRY(boolean(m.nonrecursive));
    } else if (key == "bind-recursive") {
      m.bind_opts = true;
      if (val == "enabled") {
      } else if (val == "disabled") {
        m.nonrecursive = true;
      } else if (val == "writable") {
        m.readonly_nonrecursive = true;
      } else if (val == "readonly") {
        m.readonly_force_recursive = true;
      } else {
        return bad(fmt::format(
            "invalid value for {}: {} (must be \"enabled\", \"disabled\", \"writable\", or \"readonly\")", key, val));
      }
    } else if (key == "volume-subpath") {
      return fail(ErrorKind::NotSupported, "volume-subpath is not supported");
    } else if (key == "volume-nocopy") {
      m.volume_opts = true;
      auto b = parse_bool(val);
      if (!b) return bad(fmt::format("invalid value for volume-nocopy: {}", val));
      m.nocopy = *b;
    } else if (key == "volume-label") {
      m.volume_opts = true;
      set_on_map(m.labels, val);
    } else if (key == "volume-driver") {
      m.volume_opts = true;
      m.driver = val;
    } else if (key == "volume-opt") {
      m.volume_opts = true;
      set_on_map(m.driver_opts, val);
    } else if (key == "tmpfs-size") {
      auto size = parse_ram_bytes(val);
      if (!size) return bad(fmt::format("invalid value for {}: {}", key, val));
      m.tmpfs_opts = true;
      m.tmpfs_size = *size;
    } else if (key == "tmpfs-mode") {
      // strconv.ParseUint(val, 8, 32)
      uint32_t mode = 0;
      auto [end, ec] = std::from_chars(val.data(), val.data() + val.size(), mode, 8);
      if (val.empty() || ec != std::errc() || end != val.data() + val.size())
        return bad(fmt::format("invalid value for {}: {}", key, val));
      m.tmpfs_opts = true;
      m.tmpfs_mode = mode;
    } else {
      return bad(fmt::format("unexpected key '{}' in '{}'", key, field));
    }
  }

  if (m.type.empty()) return bad("type is required");
  if (m.target.empty()) return bad("target is required");
  if (m.volume_opts && m.type != "volume")
    return bad(fmt::format("cannot mix 'volume-*' options with mount type '{}'", m.type));
  if (m.bind_opts && m.type != "bind")
    return bad(fmt::format("cannot mix 'bind-*' options with mount type '{}'", m.type));
  if (m.tmpfs_opts && m.type != "tmpfs")
    return bad(fmt::format("cannot mix 'tmpfs-*' options with mount type '{}'", m.type));
  if (m.readonly_nonrecursive) {
    if (!m.readonly) return bad("option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction");
    return fail(ErrorKind::NotSupported, "option 'bind-recursive=writable' is not supported");
  }
  if (m.readonly_force_recursive) {
    if (!m.readonly) return bad("option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction");
    if (m.propagation != "rprivate")
      return bad("option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction");
    return fail(ErrorKind::NotSupported, "option 'bind-recursive=readonly' is not supported");
  }
  TRY_ASSIGN(auto spec, validate(m, true));
  TRY(check_volume(spec));
  return spec;
}

}  // namespace hako::volume
