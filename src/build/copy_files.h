// COPY and ADD on files: finding the sources (globs, directories,
// .dockerignore), hashing them for the cache, and writing them into a root
// filesystem with Docker's destination rules.
//
// Sources are read through a directory fd of their root (the context, or a
// mounted stage or image) with openat2(RESOLVE_IN_ROOT), so a symlink in a
// context or an image cannot make COPY read a host file; destinations are
// made the same way inside the target root, so an image whose /bin is a
// symlink to usr/bin gets the file in /usr/bin, never on the host.
#pragma once
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "build/context/dockerignore.h"

namespace hako::build {

struct CopySpec {
  std::vector<std::string> sources;  // expanded, relative to the source root ("." = all of it)
  std::string dest;                  // expanded, absolute in the target root
  bool dest_is_dir = false;          // ends with '/' (or more than one source)
  std::optional<mode_t> chmod;
  bool parents = false;                // --parents: keep the sources' paths
  std::vector<std::string> excludes;   // --exclude patterns
  bool unpack_archives = false;        // ADD: a local tar is extracted at dest
};

// One source file or directory, found.
struct CopyItem {
  std::string source;  // relative to the source root, no leading "/"; "" = the root
  bool is_dir = false;
  bool is_archive = false;  // ADD with unpack_archives: a tar to extract
  std::string dest;    // absolute; for a directory: where its contents go
  bool dest_is_dir = false;  // a file goes into dest/ (dest ends in '/')
};

struct CopyPlan {
  std::vector<CopyItem> items;
};

// Finds the sources. NotFound names a source that matched nothing or is
// excluded by `ignore` (which may be null).
Result<CopyPlan> plan_copy(const std::string& source_root, const IgnoreMatcher* ignore, const CopySpec& spec);

// A digest of everything the plan would copy: names, types, modes, link
// targets and contents (not mtimes or owners, which COPY replaces), so the
// cache holds exactly when the result would be the same.
Result<std::string> hash_copy(const std::string& source_root, const IgnoreMatcher* ignore, const CopySpec& spec,
                              const CopyPlan& plan);

struct CopyOwner {
  uid_t uid = 0;
  gid_t gid = 0;
};

// Writes the plan's files into `target_root`.
Result<> apply_copy(const std::string& source_root, const IgnoreMatcher* ignore, const CopySpec& spec,
                    const CopyPlan& plan, const std::string& target_root, const CopyOwner& owner);

// "a/./b/../c" → "a/c": no leading "/", ".." stopping at the root.
std::string clean_rel_path(std::string_view path);

// Glob metacharacters in a COPY source (Go's filepath.Match syntax).
bool has_glob(const std::string& pattern);

}  // namespace hako::build

namespace hako::build {

// mkdir -p of the absolute `dir` inside `root` (WORKDIR).
Result<> make_dir_in_root(const std::string& root, const std::string& dir);

struct Heredoc;
// COPY <<EOF dest: the heredoc's body as a file (dest/NAME when dest is a
// directory), mode 0644 unless --chmod.
Result<> write_heredoc_file(const std::string& root, const CopySpec& spec, const Heredoc& heredoc,
                            const CopyOwner& owner);

}  // namespace hako::build
