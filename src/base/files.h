// Whole-file reads and writes, with errors that name the path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace hako {

Result<std::string> read_file(const std::string& path);
// Everything up to end of file from `fd` (stdin for `-` arguments).
Result<std::string> read_all_fd(int fd);
// write(2) until all of `data` is written (partial writes, EINTR); the error
// reads "write <what>: ...".
Result<> write_all(int fd, std::string_view data, std::string_view what);
// Writes `data` to an existing or new file (truncating), mode for new files.
Result<> write_file(const std::string& path, std::string_view data, int mode = 0644);
// Writes to path.tmp, fsyncs nothing (state is in tmpfs), renames over path:
// readers see the old or the new content, never a torn file.
Result<> write_file_atomic(const std::string& path, std::string_view data, int mode = 0644);
// Writes to a file that must already exist (cgroup and proc files) in one write().
Result<> write_existing(const std::string& path, std::string_view data);
// mkdir -p; succeeds if the directory exists.
Result<> make_dirs(const std::string& path, int mode = 0755);
// rm -rf that stays on one filesystem and never follows symlinks.
Result<> remove_tree(const std::string& path);
bool path_exists(const std::string& path);
// Apparent size of the regular files and symlinks under `path` (hardlinks
// counted once, one filesystem), as Docker sizes writable layers; 0 when
// it does not exist.
Result<int64_t> tree_size(const std::string& path);

}  // namespace hako
