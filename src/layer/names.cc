#include "layer/names.h"

namespace hako::layer {

Result<std::string> clean_member_name(std::string_view name) {
  if (name.empty()) return fail(ErrorKind::InvalidArgument, "empty name");
  if (name.front() == '/') return fail(ErrorKind::InvalidArgument, "path escapes the root");
  std::string out;
  size_t i = 0;
  while (i <= name.size()) {
    size_t j = name.find('/', i);
    if (j == std::string_view::npos) j = name.size();
    std::string_view part = name.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return fail(ErrorKind::InvalidArgument, "path escapes the root");
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

std::pair<std::string, std::string> split_parent(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

std::string join(const std::string& parent, std::string_view name) {
  if (parent.empty()) return std::string(name);
  std::string out = parent;
  out += '/';
  out += name;
  return out;
}

}  // namespace hako::layer
