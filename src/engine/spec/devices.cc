// Host device nodes for --device and --privileged, read with lstat at spec
// build time, as moby's DevicesFromPath and containerd's HostDevices do.
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "engine/spec/spec_builder.h"

namespace hako::engine {

namespace {

enum class NodeResult { Device, NotADevice, Missing, Error };

NodeResult device_from_path(const std::string& path, oci::Device* out, int* err) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) < 0) {
    *err = errno;
    return errno == ENOENT ? NodeResult::Missing : NodeResult::Error;
  }
  if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) return NodeResult::NotADevice;
  out->type = S_ISBLK(st.st_mode) ? 'b' : 'c';
  out->path = path;
  out->major = major(st.st_rdev);
  out->minor = minor(st.st_rdev);
  out->file_mode = st.st_mode & ~S_IFMT;
  out->uid = st.st_uid;
  out->gid = st.st_gid;
  return NodeResult::Device;
}

std::vector<std::string> sorted_entries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return names;
  while (auto* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

bool is_dir_nofollow(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// filepath.WalkDir: every device node under dir, depth first, lexical order.
void walk_devices(const std::string& dir, const std::string& host_root, const std::string& container_root,
                  const std::string& permissions, std::vector<HostDevice>& out) {
  for (const auto& name : sorted_entries(dir)) {
    std::string path = dir + "/" + name;
    if (is_dir_nofollow(path)) {
      walk_devices(path, host_root, container_root, permissions, out);
      continue;
    }
    oci::Device dev;
    int err = 0;
    if (device_from_path(path, &dev, &err) != NodeResult::Device) continue;
    dev.path = container_root + path.substr(host_root.size());
    out.push_back({std::move(dev), permissions});
  }
}

void collect_host_devices(const std::string& dir, const std::string& container_dir, std::vector<oci::Device>& out) {
  for (const auto& name : sorted_entries(dir)) {
    std::string path = dir + "/" + name;
    std::string cpath = container_dir + "/" + name;
    if (is_dir_nofollow(path)) {
      static const char* const kSkip[] = {"pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev"};
      if (std::find_if(std::begin(kSkip), std::end(kSkip), [&](const char* s) { return name == s; }) !=
          std::end(kSkip))
        continue;
      collect_host_devices(path, cpath, out);
      continue;
    }
    if (name == "console") continue;
    oci::Device dev;
    int err = 0;
    if (device_from_path(path, &dev, &err) != NodeResult::Device) continue;
    dev.path = cpath;
    out.push_back(std::move(dev));
  }
}

}  // namespace

Result<std::vector<HostDevice>> devices_from_path(const std::string& host_path, const std::string& container_path,
                                                  const std::string& permissions) {
  std::string resolved = host_path;
  struct stat st {};
  if (::lstat(host_path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    char buf[PATH_MAX];
    if (::realpath(host_path.c_str(), buf)) resolved = buf;
  }
  std::vector<HostDevice> out;
  oci::Device dev;
  int err = 0;
  NodeResult r = device_from_path(resolved, &dev, &err);
  if (r == NodeResult::Device) {
    dev.path = container_path;
    out.push_back({std::move(dev), permissions});
    return out;
  }
  std::string why = "not a device node";
  if (r == NodeResult::NotADevice) {
    if (::stat(resolved.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      walk_devices(resolved, resolved, container_path, permissions, out);
  } else {
    why = std::strerror(err);
    if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
  }
  if (!out.empty()) return out;
  return fail(r == NodeResult::Missing ? ErrorKind::NotFound : ErrorKind::InvalidArgument,
              "error gathering device information while adding custom device \"{}\": {}", host_path, why);
}

std::vector<oci::Device> host_devices(const std::string& root) {
  std::vector<oci::Device> out;
  if (!root.empty()) collect_host_devices(root, "/dev", out);
  return out;
}

}  // namespace hako::engine
