// The path rules of `docker cp`, as Docker's pkg/archive states them, so
// hako copies to the same places: which argument names a container, how a
// trailing "/" or "/." changes the meaning of a path, and where a source
// lands given what exists at the destination.
//
// Everything here is string logic except follow_in_root, which reads a
// container's tree (through fds, never leaving its root).
#pragma once
#include <string>
#include <utility>

#include "base/error.h"

namespace hako::engine::cp {

// "web:/etc" -> {"web", "/etc"}; "/abs:x", "./a:b" and "plain" are local
// paths ({"", arg}): a local path holding ':' must start with '/' or '.'.
std::pair<std::string, std::string> split_arg(const std::string& arg);

// Go's filepath.Clean, Base, Dir and Split on '/' paths.
std::string clean(const std::string& path);
std::string base_name(const std::string& path);
std::string dir_name(const std::string& path);
std::pair<std::string, std::string> split(const std::string& path);  // {"/a/", "b"}

bool has_trailing_separator(const std::string& path);  // "a/"
bool specifies_current_dir(const std::string& path);   // "a/." or "."
// Ends in "/" or "/.": the user means a directory.
bool asserts_directory(const std::string& path);
// `cleaned` with the "/." or "/" that `original` ended with put back.
std::string preserve_trailing(const std::string& cleaned, const std::string& original);
// {dir, entry}: "/a/b" -> {"/a", "b"}; "/a/b/." -> {"/a/b", "."}.
std::pair<std::string, std::string> split_dir_entry(const std::string& path);

// A path inside a container as Docker reads it: relative means from "/",
// ".." stops at "/", and a trailing "/" or "/." is kept.
std::string container_abs(const std::string& path);

// After following a symlink `path` to `resolved`: the resolved path with
// path's trailing "/" or "/." kept, and the name the copy must still carry
// (path's base) when it differs from the target's ("" when not).
std::pair<std::string, std::string> rebase_name(const std::string& path, const std::string& resolved);

// One side of a copy: where, whether it exists, whether a directory, and
// for a source reached through a symlink, the name it is to be given.
struct Info {
  std::string path;
  bool exists = false;
  bool is_dir = false;
  std::string rebase;
};

// Docker's PrepareArchiveCopy: the directory the source's archive is
// unpacked in, and the name its top entry gets there. Errors as Docker's:
// "cannot copy directory" (a directory onto a file), "no such directory"
// (a file to "missing/").
struct Placement {
  std::string dir;
  std::string top;
};
Result<Placement> place(const Info& src, const Info& dst);

// Docker's FollowSymlinkInScope on a container's root (a directory fd):
// every symlink in the clean absolute `path` is followed as if the root
// were "/" (".." and absolute targets stop there); components that do not
// exist are kept as written. Returns the resolved absolute path.
Result<std::string> follow_in_root(int root_fd, const std::string& path);

}  // namespace hako::engine::cp
