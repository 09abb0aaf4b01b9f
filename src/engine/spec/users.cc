#include "engine/spec/users.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <unistd.h>

#include <algorithm>

#include "base/fd.h"
#include "base/strings.h"
#include "sys/syscalls.h"

namespace hako::engine {

namespace {

constexpr int64_t kMaxId = (1LL << 31) - 1;

struct PasswdEntry {
  std::string name;
  int64_t uid = 0, gid = 0;
  std::string home;
};

struct GroupEntry {
  std::string name;
  int64_t gid = 0;
  std::vector<std::string> members;
};

// strconv.Atoi as parseLine uses it: junk reads as 0.
int64_t atoi_or_zero(const std::string& s) { return parse_int(s).value_or(0); }

std::vector<std::string> fields(std::string_view line) { return split(line, ':'); }

std::string field(const std::vector<std::string>& f, size_t i) { return i < f.size() ? f[i] : ""; }

template <typename F>
void for_each_line(std::string_view content, bool skip_comments, F fn) {
  size_t pos = 0;
  while (pos < content.size()) {
    size_t nl = content.find('\n', pos);
    std::string_view line = trim(content.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    pos = nl == std::string_view::npos ? content.size() : nl + 1;
    if (line.empty() || (skip_comments && line[0] == '#')) continue;
    fn(line);
  }
}

std::vector<PasswdEntry> parse_passwd(std::string_view content) {
  std::vector<PasswdEntry> out;
  for_each_line(content, false, [&](std::string_view line) {
    auto f = fields(line);
    out.push_back({field(f, 0), atoi_or_zero(field(f, 2)), atoi_or_zero(field(f, 3)), field(f, 5)});
  });
  return out;
}

std::vector<GroupEntry> parse_group(std::string_view content) {
  std::vector<GroupEntry> out;
  for_each_line(content, true, [&](std::string_view line) {
    auto f = fields(line);
    GroupEntry g{field(f, 0), atoi_or_zero(field(f, 2)), {}};
    if (std::string list = field(f, 3); !list.empty()) g.members = split(list, ',');
    out.push_back(std::move(g));
  });
  return out;
}

// parseNumeric: (value, is_numeric); out-of-range numbers are errors.
Result<std::pair<int64_t, bool>> parse_numeric(const std::string& s) {
  if (s.empty()) return std::pair{int64_t{0}, false};
  std::string_view digits = s;
  if (digits[0] == '+' || digits[0] == '-') digits.remove_prefix(1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos)
    return std::pair{int64_t{0}, false};
  auto v = parse_int(s[0] == '+' ? std::string_view(s).substr(1) : std::string_view(s));
  if (!v || *v < 0 || *v > kMaxId)
    return fail(ErrorKind::InvalidArgument, "uids and gids must be in range 0-{}", kMaxId);
  return std::pair{static_cast<int64_t>(*v), true};
}

// Opens ROOT/<rel> for reading with every symlink resolved inside ROOT;
// nullopt when it cannot be opened (missing files are normal).
std::optional<std::string> read_in_root(int root_fd, const char* rel) {
  int fd = sys::openat2(root_fd, rel, O_RDONLY | O_CLOEXEC, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  if (fd < 0) return std::nullopt;
  UniqueFd file(fd);
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(file.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace

Result<ExecUser> lookup_exec_user(const std::string& spec, std::optional<std::string_view> passwd,
                                  std::optional<std::string_view> group) {
  ExecUser user;
  auto parts = split(spec, ':');
  std::string user_arg = parts[0];
  std::string group_arg = parts.size() > 1 ? parts[1] : "";
  TRY_ASSIGN(auto uid_arg, parse_numeric(user_arg));
  TRY_ASSIGN(auto gid_arg, parse_numeric(group_arg));
  auto [uid, is_uid] = uid_arg;
  auto [gid, is_gid] = gid_arg;

  std::optional<PasswdEntry> match;
  if (passwd) {
    for (const auto& u : parse_passwd(*passwd)) {
      bool hit = user_arg.empty() ? u.uid == 0 : is_uid ? u.uid == uid : u.name == user_arg;
      if (hit) {
        match = u;
        break;  // first match wins
      }
    }
  }
  std::string matched_name;
  if (match) {
    matched_name = match->name;
    user.uid = static_cast<uint32_t>(match->uid);
    user.gid = static_cast<uint32_t>(match->gid);
    user.home = match->home;
  } else if (!user_arg.empty()) {
    if (!is_uid)
      return fail(ErrorKind::NotFound, "unable to find user {}: no matching entries in passwd file", user_arg);
    user.uid = static_cast<uint32_t>(uid);
  }

  if (!group_arg.empty() || !matched_name.empty()) {
    std::vector<GroupEntry> groups;
    if (group) {
      for (auto& g : parse_group(*group)) {
        bool hit = group_arg.empty()
                       ? std::find(g.members.begin(), g.members.end(), matched_name) != g.members.end()
                       : is_gid ? g.gid == gid : g.name == group_arg;
        if (hit) groups.push_back(std::move(g));
      }
    }
    if (!group_arg.empty()) {
      if (!groups.empty()) {
        user.gid = static_cast<uint32_t>(groups[0].gid);
      } else {
        if (!is_gid)
          return fail(ErrorKind::NotFound, "unable to find group {}: no matching entries in group file", group_arg);
        user.gid = static_cast<uint32_t>(gid);
      }
    } else {
      for (const auto& g : groups) user.sgids.push_back(static_cast<uint32_t>(g.gid));
    }
  }
  return user;
}

Result<ExecUser> lookup_user_in_rootfs(const std::string& rootfs, const std::string& spec) {
  UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return fail_sys(fmt::format("opening rootfs {}", rootfs));
  auto passwd = read_in_root(root.get(), "etc/passwd");
  auto group = read_in_root(root.get(), "etc/group");
  std::optional<std::string_view> pv, gv;
  if (passwd) pv = *passwd;
  if (group) gv = *group;
  return lookup_exec_user(spec, pv, gv);
}

UserLookup rootfs_user_lookup(std::string rootfs) {
  return [rootfs = std::move(rootfs)](const std::string& spec) { return lookup_user_in_rootfs(rootfs, spec); };
}

}  // namespace hako::engine
