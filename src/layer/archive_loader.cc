// libarchive, loaded when a command first reads or writes a tar rather than
// when hako starts. Linking it would make every hako command (ps, pause,
// exec...) map libarchive.so.13 and the ~10 libraries Debian's build drags
// in (libxml2, ICU and so the shared libstdc++, nettle, acl, lzma, lz4,
// bz2): ~1.1 ms per process, which only the image and layer commands (pull,
// load, save, import, export, commit, cp, unpacking for run) need.
//
// So hako does not link libarchive: this file defines, under libarchive's
// own names and with C linkage, each libarchive function hako calls, as a
// trampoline that resolves the real function on its first call (dlsym on a
// handle from one dlopen) and calls it. Callers include <archive.h> and call
// libarchive as usual; the definitions below are checked against those same
// declarations, so a wrong signature in the list does not compile. A
// function hako starts to call must be added to the list (the link fails
// with an undefined reference until it is).
//
// If libarchive cannot be loaded (or lacks a function), hako says so and
// aborts: libarchive13 is a hard dependency (scripts/install-deps.sh), and
// most of these functions (the archive_entry_set_* setters, the accessors)
// have no way to report a failure to their caller; like a failed operator
// new, there is nothing useful to return.
//
// The handle is RTLD_LOCAL and dlsym on it searches libarchive.so.13 first,
// so it finds libarchive's own definitions, never these trampolines (which
// are not exported from hako anyway, having no shared library referencing
// them at link time).
#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

constexpr const char* kLibrary = "libarchive.so.13";

[[noreturn]] void cannot_load(const char* why) {
  std::fprintf(stderr, "hako: cannot load %s: %s\n", kLibrary, why ? why : "not found");
  std::abort();
}

// Loads libarchive.so.13 once (thread-safe: a function-local static).
void* library() {
  static void* const lib = [] {
    void* l = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
    if (!l) cannot_load(::dlerror());
    return l;
  }();
  return lib;
}

void* resolve(const char* name) {
  void* lib = library();
  ::dlerror();
  void* fn = ::dlsym(lib, name);
  if (!fn) {
    const char* why = ::dlerror();
    cannot_load(why ? why : (std::string("no ") + name).c_str());
  }
  return fn;
}

}  // namespace

// X(return type, name, parameters, arguments): every libarchive function
// hako calls, except the variadic archive_set_error (below).
#define HAKO_LIBARCHIVE_FUNCTIONS(X)                                                                              \
  /* <archive.h>: reading */                                                                                      \
  X(struct archive*, archive_read_new, (void), ())                                                                \
  X(int, archive_read_support_filter_bzip2, (struct archive * a), (a))                                            \
  X(int, archive_read_support_filter_gzip, (struct archive * a), (a))                                             \
  X(int, archive_read_support_filter_xz, (struct archive * a), (a))                                               \
  X(int, archive_read_support_filter_zstd, (struct archive * a), (a))                                             \
  X(int, archive_read_support_format_empty, (struct archive * a), (a))                                            \
  X(int, archive_read_support_format_gnutar, (struct archive * a), (a))                                           \
  X(int, archive_read_support_format_raw, (struct archive * a), (a))                                              \
  X(int, archive_read_support_format_tar, (struct archive * a), (a))                                              \
  X(int, archive_read_support_format_zip, (struct archive * a), (a))                                              \
  X(int, archive_read_open,                                                                                       \
    (struct archive * a, void* data, archive_open_callback* open, archive_read_callback* read,                    \
     archive_close_callback* close),                                                                              \
    (a, data, open, read, close))                                                                                 \
  X(int, archive_read_open_fd, (struct archive * a, int fd, size_t block_size), (a, fd, block_size))              \
  X(int, archive_read_open_filename, (struct archive * a, const char* filename, size_t block_size),               \
    (a, filename, block_size))                                                                                    \
  X(int, archive_read_open_memory, (struct archive * a, const void* buff, size_t size), (a, buff, size))          \
  X(int, archive_read_next_header, (struct archive * a, struct archive_entry * *entry), (a, entry))               \
  X(la_ssize_t, archive_read_data, (struct archive * a, void* buff, size_t size), (a, buff, size))                \
  X(int, archive_read_data_block, (struct archive * a, const void** buff, size_t* size, la_int64_t* offset),      \
    (a, buff, size, offset))                                                                                      \
  X(int, archive_read_free, (struct archive * a), (a))                                                            \
  /* <archive.h>: writing */                                                                                      \
  X(struct archive*, archive_write_new, (void), ())                                                               \
  X(int, archive_write_add_filter_gzip, (struct archive * a), (a))                                                \
  X(int, archive_write_add_filter_zstd, (struct archive * a), (a))                                                \
  X(int, archive_write_set_format_pax_restricted, (struct archive * a), (a))                                      \
  X(int, archive_write_set_format_raw, (struct archive * a), (a))                                                 \
  X(int, archive_write_set_format_zip, (struct archive * a), (a))                                                 \
  X(int, archive_write_set_options, (struct archive * a, const char* opts), (a, opts))                            \
  X(int, archive_write_set_bytes_in_last_block, (struct archive * a, int bytes), (a, bytes))                      \
  X(int, archive_write_open2,                                                                                     \
    (struct archive * a, void* data, archive_open_callback* open, archive_write_callback* write,                  \
     archive_close_callback* close, archive_free_callback* free),                                                 \
    (a, data, open, write, close, free))                                                                          \
  X(int, archive_write_open_fd, (struct archive * a, int fd), (a, fd))                                            \
  X(int, archive_write_header, (struct archive * a, struct archive_entry * entry), (a, entry))                    \
  X(la_ssize_t, archive_write_data, (struct archive * a, const void* buff, size_t size), (a, buff, size))         \
  X(int, archive_write_close, (struct archive * a), (a))                                                          \
  X(int, archive_write_free, (struct archive * a), (a))                                                           \
  /* <archive.h>: either */                                                                                       \
  X(int, archive_errno, (struct archive * a), (a))                                                                \
  X(const char*, archive_error_string, (struct archive * a), (a))                                                 \
  X(int, archive_filter_code, (struct archive * a, int n), (a, n))                                                \
  /* <archive_entry.h> */                                                                                         \
  X(struct archive_entry*, archive_entry_new, (void), ())                                                         \
  X(void, archive_entry_free, (struct archive_entry * e), (e))                                                    \
  X(__LA_MODE_T, archive_entry_filetype, (struct archive_entry * e), (e))                                         \
  X(__LA_MODE_T, archive_entry_perm, (struct archive_entry * e), (e))                                             \
  X(la_int64_t, archive_entry_uid, (struct archive_entry * e), (e))                                               \
  X(la_int64_t, archive_entry_gid, (struct archive_entry * e), (e))                                               \
  X(la_int64_t, archive_entry_size, (struct archive_entry * e), (e))                                              \
  X(int, archive_entry_size_is_set, (struct archive_entry * e), (e))                                              \
  X(time_t, archive_entry_mtime, (struct archive_entry * e), (e))                                                 \
  X(long, archive_entry_mtime_nsec, (struct archive_entry * e), (e))                                              \
  X(dev_t, archive_entry_rdev, (struct archive_entry * e), (e))                                                   \
  X(const char*, archive_entry_pathname, (struct archive_entry * e), (e))                                         \
  X(const char*, archive_entry_pathname_utf8, (struct archive_entry * e), (e))                                    \
  X(const char*, archive_entry_hardlink, (struct archive_entry * e), (e))                                         \
  X(const char*, archive_entry_symlink, (struct archive_entry * e), (e))                                          \
  X(void, archive_entry_set_filetype, (struct archive_entry * e, unsigned int type), (e, type))                   \
  X(void, archive_entry_set_mode, (struct archive_entry * e, __LA_MODE_T mode), (e, mode))                        \
  X(void, archive_entry_set_perm, (struct archive_entry * e, __LA_MODE_T perm), (e, perm))                        \
  X(void, archive_entry_set_uid, (struct archive_entry * e, la_int64_t uid), (e, uid))                            \
  X(void, archive_entry_set_gid, (struct archive_entry * e, la_int64_t gid), (e, gid))                            \
  X(void, archive_entry_set_size, (struct archive_entry * e, la_int64_t size), (e, size))                         \
  X(void, archive_entry_set_mtime, (struct archive_entry * e, time_t sec, long nsec), (e, sec, nsec))             \
  X(void, archive_entry_set_rdev, (struct archive_entry * e, dev_t rdev), (e, rdev))                              \
  X(void, archive_entry_set_pathname, (struct archive_entry * e, const char* name), (e, name))                    \
  X(void, archive_entry_set_hardlink, (struct archive_entry * e, const char* target), (e, target))                \
  X(void, archive_entry_set_symlink, (struct archive_entry * e, const char* target), (e, target))                 \
  X(void, archive_entry_xattr_add_entry,                                                                          \
    (struct archive_entry * e, const char* name, const void* value, size_t size), (e, name, value, size))         \
  X(int, archive_entry_xattr_reset, (struct archive_entry * e), (e))                                              \
  X(int, archive_entry_xattr_next, (struct archive_entry * e, const char** name, const void** value, size_t* size), \
    (e, name, value, size))

// One trampoline. The definition must match <archive.h>'s extern "C"
// declaration (else: "conflicting declaration of C function").
#define HAKO_LIBARCHIVE_TRAMPOLINE(ret, name, params, args)                                 \
  extern "C" ret name params {                                                            \
    static const auto real = reinterpret_cast<decltype(&::name)>(resolve(#name));         \
    return real args;                                                                      \
  }
HAKO_LIBARCHIVE_FUNCTIONS(HAKO_LIBARCHIVE_TRAMPOLINE)
#undef HAKO_LIBARCHIVE_TRAMPOLINE

// libarchive has no va_list variant of archive_set_error, so the message is
// formatted here and handed over as "%s" (libarchive's own formatter knows
// fewer conversions than vsnprintf anyway). A null fmt clears the error.
extern "C" void archive_set_error(struct archive* a, int err, const char* fmt, ...) {
  static const auto real = reinterpret_cast<decltype(&::archive_set_error)>(resolve("archive_set_error"));
  if (!fmt) {
    real(a, err, nullptr);
    return;
  }
  std::string message;
  va_list ap;
  va_start(ap, fmt);
  va_list again;
  va_copy(again, ap);
  int n = std::vsnprintf(nullptr, 0, fmt, ap);
  va_end(ap);
  if (n > 0) {
    message.resize(static_cast<size_t>(n));
    std::vsnprintf(message.data(), message.size() + 1, fmt, again);
  }
  va_end(again);
  real(a, err, "%s", message.c_str());
}
