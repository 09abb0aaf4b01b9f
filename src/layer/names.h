// Tar member names and the whiteout naming convention of OCI/Docker layers.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "base/error.h"

namespace hako::layer {

// ".wh.NAME" deletes NAME from the layers below; ".wh..wh..opq" makes the
// directory it sits in opaque. Other ".wh..wh.*" names are aufs bookkeeping.
inline constexpr std::string_view kWhiteoutPrefix = ".wh.";
inline constexpr std::string_view kWhiteoutMetaPrefix = ".wh..wh.";
inline constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";

// Turns a tar member name into a clean relative path ("a/b"; "" is the root
// itself): "./" prefixes, empty and "." components are dropped. Absolute
// names and any ".." component are refused (InvalidArgument, "path escapes
// the root") rather than clamped, since a layer that contains them is either
// broken or hostile and silently rewriting it would hide that.
Result<std::string> clean_member_name(std::string_view name);

// "a/b/c" -> {"a/b", "c"}; "c" -> {"", "c"}.
std::pair<std::string, std::string> split_parent(const std::string& path);
// join("", "c") == "c"; join("a", "c") == "a/c".
std::string join(const std::string& parent, std::string_view name);

}  // namespace hako::layer
