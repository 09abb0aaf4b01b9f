// save and load.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "base/fd.h"
#include "engine/events.h"
#include "cli/commands/image_commands.h"
#include "image/archive/archive.h"
#include "image/reference.h"
#include "store/gc.h"

namespace hako::cli {
namespace {

Result<int> save(Context& ctx, const ParsedFlags& p) {
  std::string out = p.str("output");
  TRY_ASSIGN(auto store, ctx.images());
  std::vector<image::ArchiveEntry> entries;
  for (const auto& a : p.args()) {
    TRY_ASSIGN(auto im, store->find(a));
    image::ArchiveEntry e;
    std::string digest;
    TRY_ASSIGN(auto manifest, store->manifest(im, &digest));
    (void)manifest;
    TRY_ASSIGN(e.manifest, store::Digest::parse(digest));
    for (const auto& m : im.manifests)
      if (m.digest == digest) e.media_type = m.media_type;
    // Named as given: a name saves that name, an id saves the image's tags.
    auto ref = image::parse_reference(a);
    bool by_name = false;
    if (ref)
      for (const auto& n : im.names) by_name = by_name || n == ref->string();
    if (by_name) e.names = {ref->string()};
    else e.names = image::ImageStore::tags_of(im);
    // The same image asked for twice (two names) is one entry.
    bool merged = false;
    for (auto& have : entries)
      if (have.manifest == e.manifest) {
        for (auto& n : e.names) have.names.push_back(n);
        merged = true;
      }
    if (!merged) entries.push_back(std::move(e));
  }
  TRY(write_output(out, [&](int fd) { return image::write_image_archive(fd, entries, store->blobs()); }));
  for (const auto& a : p.args()) engine::emit_image_event(ctx.globals.root, "save", a, a);
  return 0;
}

Result<int> load(Context& ctx, const ParsedFlags& p) {
  std::string in = p.str("input");
  if (in.empty() && ::isatty(0))
    return fail(ErrorKind::InvalidArgument, "requested load from stdin, but stdin is empty");
  TRY_ASSIGN(int raw, open_input(in));
  UniqueFd fd(raw);
  TRY_ASSIGN(auto store, ctx.images());
  // Held from the first blob until the images are recorded (store/gc.h).
  TRY_ASSIGN(auto lock, store::writer_lock(store->root()));
  TRY_ASSIGN(auto entries, image::read_image_archive(fd.get(), store->blobs()));
  image::Platform platform = image::default_platform();
  if (p.set("platform")) {
    TRY_ASSIGN(platform, image::parse_platform(p.str("platform")));
  }
  for (const auto& e : entries) {
    auto r = store->add_image(e.manifest, e.media_type, platform, e.names, {});
    if (!r) {
      // The archive's blobs are in, but an image in it was refused (a
      // hostile layer, say): sweep what no image references.
      lock = FileLock(UniqueFd());
      (void)store->collect_garbage();
      return std::unexpected(r.error());
    }
    auto& added = *r;
    engine::emit_image_event(ctx.globals.root, "load", added.id,
                             e.names.empty() ? "" : Context::familiar(e.names.front()));
    if (p.boolean("quiet")) continue;
    if (e.names.empty()) std::printf("Loaded image ID: %s\n", added.id.c_str());
    for (const auto& n : e.names) std::printf("Loaded image: %s\n", Context::familiar(n).c_str());
  }
  return 0;
}

}  // namespace

Command save_command() {
  return {"save",
          {"image save"},
          "[OPTIONS] IMAGE [IMAGE...]",
          "Save one or more images to a tar archive (streamed to STDOUT by default)",
          {{"output", 'o', Flag::String, "", "Write to a file, instead of STDOUT"}},
          save,
          1};
}

Command load_command() {
  return {"load",
          {"image load"},
          "[OPTIONS]",
          "Load an image from a tar archive or STDIN",
          {{"input", 'i', Flag::String, "", "Read from tar archive file, instead of STDIN"},
           {"platform", 0, Flag::String, "", "Load only the given platform variant"},
           {"quiet", 'q', Flag::Bool, "", "Suppress the load output"}},
          load,
          0,
          0};
}

}  // namespace hako::cli
