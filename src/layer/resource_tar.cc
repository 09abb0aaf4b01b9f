#include "layer/resource_tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "base/fd.h"
#include "base/files.h"
#include "layer/names.h"
#include "layer/tree.h"

namespace hako::layer {
namespace {

struct WriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

struct Sink {
  int fd = -1;
  uint64_t bytes = 0;
  std::optional<Error> error;  // the fd's error, truer than libarchive's
};

la_ssize_t sink_write(archive*, void* p, const void* buf, size_t n) {
  auto* s = static_cast<Sink*>(p);
  if (auto w = write_all(s->fd, std::string_view(static_cast<const char*>(buf), n), "archive"); !w) {
    s->error = w.error();
    return -1;
  }
  s->bytes += n;
  return static_cast<la_ssize_t>(n);
}

class Walker {
 public:
  Walker(archive* tar, Sink& sink) : tar_(tar), sink_(sink) {}

  // Writes `name` of `dir` as `member`, then its contents if a directory.
  Result<> node(int dir, const std::string& name, const std::string& member) {
    struct stat st;
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) return fail_sys(fmt::format("lstat {}", member));
    if (S_ISSOCK(st.st_mode)) return {};  // runtime state, not content (Docker skips them too)
    std::unique_ptr<archive_entry, EntryFree> e(archive_entry_new());
    archive_entry_set_pathname(e.get(), member.c_str());
    archive_entry_set_mode(e.get(), st.st_mode);
    archive_entry_set_uid(e.get(), st.st_uid);
    archive_entry_set_gid(e.get(), st.st_gid);
    archive_entry_set_mtime(e.get(), st.st_mtim.tv_sec, 0);
    if (S_ISLNK(st.st_mode)) {
      char buf[4096];
      ssize_t n = ::readlinkat(dir, name.c_str(), buf, sizeof buf);
      if (n < 0) return fail_sys(fmt::format("readlink {}", member));
      archive_entry_set_symlink(e.get(), std::string(buf, static_cast<size_t>(n)).c_str());
    }
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) archive_entry_set_rdev(e.get(), st.st_rdev);
    TRY_ASSIGN(auto xattrs, read_xattrs(dir, name));
    for (const auto& [k, v] : xattrs)
      if (!k.starts_with("trusted.overlay.") && !k.starts_with("user.overlay."))
        archive_entry_xattr_add_entry(e.get(), k.c_str(), v.data(), v.size());

    bool content = S_ISREG(st.st_mode);
    if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
      auto [first, added] = links_.try_emplace({st.st_dev, st.st_ino}, member);
      if (!added) {
        archive_entry_set_hardlink(e.get(), first->second.c_str());
        content = false;
      }
    }
    UniqueFd file;
    if (content) {
      // O_NONBLOCK: if the name became a FIFO since the stat, open must not
      // hang; the inode check below then refuses it.
      file.reset(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
      struct stat now;
      if (!file) return fail_sys(fmt::format("open {}", member));
      if (::fstat(file.get(), &now) < 0 || now.st_ino != st.st_ino || now.st_dev != st.st_dev)
        return fail(ErrorKind::Conflict, "{} changed while it was being copied", member);
    }
    archive_entry_set_size(e.get(), content ? st.st_size : 0);
    if (archive_write_header(tar_, e.get()) < ARCHIVE_WARN) return write_error(member);
    if (content) TRY(copy(file.get(), st.st_size, member));
    if (!S_ISDIR(st.st_mode)) return {};

    TRY_ASSIGN(UniqueFd sub, name == "." ? reopen(dir) : open_subdir(dir, name));
    TRY_ASSIGN(auto names, list_dir(sub.get()));
    for (const auto& n : names) TRY(node(sub.get(), n, join(member, n)));
    return {};
  }

 private:
  static Result<UniqueFd> reopen(int dir) {
    UniqueFd fd(::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) return fail_sys("open directory");
    return fd;
  }

  Result<> copy(int fd, off_t size, const std::string& member) {
    std::vector<char> buf(1 << 16);
    off_t left = size;  // a file that grew meanwhile is cut; libarchive pads one that shrank
    while (left > 0) {
      ssize_t n = ::read(fd, buf.data(), std::min<off_t>(left, static_cast<off_t>(buf.size())));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail_sys(fmt::format("read {}", member));
      if (n == 0) break;
      if (archive_write_data(tar_, buf.data(), static_cast<size_t>(n)) < 0) return write_error(member);
      left -= n;
    }
    return {};
  }

  Result<> write_error(const std::string& member) {
    if (sink_.error) return std::unexpected(*sink_.error);
    return fail(ErrorKind::Internal, "archiving {}: {}", member, archive_error_string(tar_));
  }

  archive* tar_;
  Sink& sink_;
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
};

}  // namespace

Result<uint64_t> write_resource_tar(int dirfd, const std::string& name, const std::string& top, int out_fd) {
  Sink sink;
  sink.fd = out_fd;
  std::unique_ptr<archive, WriteFree> tar(archive_write_new());
  archive_write_set_format_pax_restricted(tar.get());
  archive_write_set_bytes_in_last_block(tar.get(), 1);
  if (archive_write_open2(tar.get(), &sink, nullptr, sink_write, nullptr, nullptr) != ARCHIVE_OK)
    return fail(ErrorKind::Internal, "opening tar writer: {}", archive_error_string(tar.get()));
  Walker walker(tar.get(), sink);
  TRY(walker.node(dirfd, name, top));
  if (archive_write_close(tar.get()) != ARCHIVE_OK) {
    if (sink.error) return std::unexpected(*sink.error);
    return fail(ErrorKind::Internal, "closing tar: {}", archive_error_string(tar.get()));
  }
  return sink.bytes;
}

}  // namespace hako::layer
