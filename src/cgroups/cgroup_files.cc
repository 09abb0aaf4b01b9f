#include "cgroups/cgroup_files.h"

#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "base/files.h"
#include "base/strings.h"

namespace hako::cgroups {

bool CgroupDir::has(const std::string& file) const { return path_exists(dir + "/" + file); }

Result<> CgroupDir::write(const std::string& file, const std::string& value) const {
  auto r = write_existing(dir + "/" + file, value);
  if (!r) return std::unexpected(r.error().context("setting cgroup limit"));
  return r;
}

Result<std::string> CgroupDir::read(const std::string& file) const { return read_file(dir + "/" + file); }

Result<std::vector<pid_t>> CgroupDir::pids() const {
  TRY_ASSIGN(auto text, read("cgroup.procs"));
  std::vector<pid_t> out;
  for (const auto& line : split(text, '\n'))
    if (auto v = parse_int(trim(line))) out.push_back(static_cast<pid_t>(*v));
  return out;
}

Result<> remove_cgroup(const std::string& dir) {
  if (DIR* d = ::opendir(dir.c_str())) {
    std::vector<std::string> children;
    while (auto* e = ::readdir(d))
      if (e->d_type == DT_DIR && e->d_name[0] != '.') children.emplace_back(e->d_name);
    ::closedir(d);
    for (const auto& c : children) TRY(remove_cgroup(dir + "/" + c));
  }
  for (int attempt = 0;; ++attempt) {
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return {};
    if (errno != EBUSY || attempt >= 200) return fail_sys(fmt::format("removing cgroup {}", dir));
    timespec ts{0, 5'000'000};  // tasks still exiting: wait 5 ms, up to 1 s
    ::nanosleep(&ts, nullptr);
  }
}

}  // namespace hako::cgroups
