#include "network/names.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "base/files.h"

namespace hako::network {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Each record is one line: "ADDRESS NAME NAME...".
struct Record {
  Ipv4 ip;
  std::vector<std::string> names;
};

std::vector<Record> read_records(const std::string& dir) {
  std::vector<Record> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    auto text = read_file(dir + "/" + e->d_name);
    if (!text) continue;
    Record r;
    size_t pos = 0;
    bool first = true;
    while (pos < text->size()) {
      size_t end = text->find_first_of(" \n", pos);
      if (end == std::string::npos) end = text->size();
      std::string word = text->substr(pos, end - pos);
      pos = end + 1;
      if (word.empty()) continue;
      if (first) {
        auto ip = Ipv4::parse(word);
        if (!ip) break;
        r.ip = *ip;
        first = false;
      } else {
        r.names.push_back(lower(word));
      }
    }
    if (!first) out.push_back(std::move(r));
  }
  ::closedir(d);
  return out;
}

}  // namespace

Result<> NameRecords::write(const std::string& network_id, const std::string& container_id, Ipv4 ip,
                            const std::vector<std::string>& names) {
  TRY(make_dirs(dir_ + "/" + network_id, 0700));
  std::string line = ip.str();
  for (const auto& n : names)
    if (!n.empty()) line += " " + n;
  return write_file_atomic(dir_ + "/" + network_id + "/" + container_id, line + "\n");
}

void NameRecords::remove(const std::string& network_id, const std::string& container_id) {
  ::unlink((dir_ + "/" + network_id + "/" + container_id).c_str());
}

void NameRecords::remove_network(const std::string& network_id) { (void)remove_tree(dir_ + "/" + network_id); }

std::vector<Ipv4> NameRecords::lookup(const std::vector<std::string>& networks, std::string_view name) const {
  std::string want = lower(name);
  std::vector<Ipv4> out;
  for (const auto& net : networks)
    for (const auto& r : read_records(dir_ + "/" + net))
      if (std::find(r.names.begin(), r.names.end(), want) != r.names.end() &&
          std::find(out.begin(), out.end(), r.ip) == out.end())
        out.push_back(r.ip);
  return out;
}

std::optional<std::string> NameRecords::reverse(const std::vector<std::string>& networks, Ipv4 ip) const {
  for (const auto& net : networks)
    for (const auto& r : read_records(dir_ + "/" + net))
      if (r.ip == ip && !r.names.empty()) return r.names.front();
  return std::nullopt;
}

}  // namespace hako::network
