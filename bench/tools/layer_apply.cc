// hako-layer-apply LAYER DIR: unpacks one layer blob into DIR with hako's
// layer code (what pull does per layer), for bench/unpack.sh to set against
// `tar -xzf`. A benchmark tool, not part of hako's command line.
#include <cstdio>

#include "layer/apply.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: hako-layer-apply LAYER DIR\n");
    return 2;
  }
  auto r = hako::layer::apply_layer(argv[1], argv[2]);
  if (!r) {
    std::fprintf(stderr, "hako-layer-apply: %s\n", r.error().message().c_str());
    return 1;
  }
  std::printf("%llu entries, %llu bytes, diff id %s\n", static_cast<unsigned long long>(r->entries),
              static_cast<unsigned long long>(r->bytes), r->diff_id.c_str());
  return 0;
}
