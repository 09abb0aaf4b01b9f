#include "network/dns/dns_message.h"

#include <algorithm>

namespace hako::network::dns {
namespace {

constexpr size_t kMaxName = 255;
constexpr size_t kMaxLabel = 63;

uint16_t get16(std::span<const uint8_t> p, size_t at) { return static_cast<uint16_t>(p[at] << 8 | p[at + 1]); }

void put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void put32(std::vector<uint8_t>& out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v >> 16));
  put16(out, static_cast<uint16_t>(v));
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// The dotted, lower-cased text of a wire name; *plain false when a label
// holds a dot or a byte outside printable ASCII.
std::string dotted_name(std::string_view wire, bool* plain) {
  std::string out;
  *plain = true;
  size_t i = 0;
  while (i < wire.size()) {
    size_t len = static_cast<uint8_t>(wire[i]);
    if (len == 0) break;
    if (!out.empty()) out.push_back('.');
    for (size_t j = i + 1; j <= i + len && j < wire.size(); ++j) {
      char c = wire[j];
      auto u = static_cast<unsigned char>(c);
      if (c == '.' || u < 0x21 || u > 0x7e) *plain = false;
      out.push_back(lower(c));
    }
    i += len + 1;
  }
  return out;
}

// Skips one resource record at `pos` (name, fixed fields, rdata); returns
// where the next starts, and its type and class through the pointers.
std::optional<size_t> skip_record(std::span<const uint8_t> p, size_t pos, uint16_t* type, uint16_t* klass,
                                  bool* root_owner) {
  if (pos < p.size() && root_owner) *root_owner = p[pos] == 0;
  auto after = read_name(p, pos);
  if (!after || *after + 10 > p.size()) return std::nullopt;
  size_t at = *after;
  if (type) *type = get16(p, at);
  if (klass) *klass = get16(p, at + 2);
  size_t rdlen = get16(p, at + 8);
  if (at + 10 + rdlen > p.size()) return std::nullopt;
  return at + 10 + rdlen;
}

bool same_name_ci(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace

size_t Query::udp_limit() const {
  if (!edns) return kClassicUdpSize;
  return std::max<size_t>(kClassicUdpSize, edns_size);
}

std::optional<size_t> read_name(std::span<const uint8_t> p, size_t offset, std::string* wire) {
  size_t pos = offset;
  size_t floor = offset;  // a pointer must go below every byte read so far
  std::optional<size_t> end;
  size_t total = 0;
  for (int steps = 0; steps < 256; ++steps) {
    if (pos >= p.size()) return std::nullopt;
    uint8_t len = p[pos];
    if ((len & 0xc0) == 0xc0) {
      if (pos + 1 >= p.size()) return std::nullopt;
      size_t target = static_cast<size_t>(len & 0x3f) << 8 | p[pos + 1];
      if (target >= floor) return std::nullopt;
      if (!end) end = pos + 2;
      floor = target;
      pos = target;
      continue;
    }
    if (len & 0xc0) return std::nullopt;  // extended label types (obsolete)
    if (len == 0) {
      if (wire) wire->push_back('\0');
      return end ? *end : pos + 1;
    }
    if (len > kMaxLabel || pos + 1 + len > p.size()) return std::nullopt;
    total += len + 1;
    if (total + 1 > kMaxName) return std::nullopt;
    if (wire) wire->append(reinterpret_cast<const char*>(p.data() + pos), len + 1);
    pos += len + 1;
  }
  return std::nullopt;
}

ParsedQuery parse_query(std::span<const uint8_t> p) {
  ParsedQuery out;
  if (p.size() < kHeaderSize) return out;  // Ignore: no id to answer to
  Query& q = out.query;
  q.id = get16(p, 0);
  q.flags = get16(p, 2);
  if (q.flags & kFlagQr) return out;  // a response: never answer it (no loops)
  uint16_t qdcount = get16(p, 4), ancount = get16(p, 6), nscount = get16(p, 8), arcount = get16(p, 10);
  ParseStatus bad = q.opcode() != 0 ? ParseStatus::NotImp : ParseStatus::FormErr;
  out.status = bad;
  if (qdcount != 1) return out;

  std::string wire;
  auto after = read_name(p, kHeaderSize, &wire);
  if (!after || *after + 4 > p.size()) return out;
  q.wire_name = std::move(wire);
  q.name = dotted_name(q.wire_name, &q.plain_name);
  q.qtype = get16(p, *after);
  q.qclass = get16(p, *after + 2);
  q.has_question = true;
  if (q.opcode() != 0) return out;
  out.status = ParseStatus::Ok;

  // Look for an OPT record in the additional section. Anything malformed
  // past the question only means "no EDNS": the query is still answerable,
  // and a forwarded one goes out unchanged.
  size_t pos = *after + 4;
  for (uint32_t i = 0; i < uint32_t{ancount} + nscount; ++i) {
    auto next = skip_record(p, pos, nullptr, nullptr, nullptr);
    if (!next) return out;
    pos = *next;
  }
  for (uint16_t i = 0; i < arcount; ++i) {
    uint16_t type = 0, klass = 0;
    bool root = false;
    auto next = skip_record(p, pos, &type, &klass, &root);
    if (!next) return out;
    if (type == kTypeOpt && root && !q.edns) {
      q.edns = true;
      q.edns_size = klass;
    }
    pos = *next;
  }
  return out;
}

std::optional<std::string> encode_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string wire;
  while (!name.empty()) {
    size_t dot = name.find('.');
    std::string_view label = name.substr(0, dot);
    if (label.empty() || label.size() > kMaxLabel) return std::nullopt;
    wire.push_back(static_cast<char>(label.size()));
    wire.append(label);
    if (dot == std::string_view::npos) break;
    name.remove_prefix(dot + 1);
    if (name.empty()) return std::nullopt;  // "a.." after the final dot was removed
  }
  wire.push_back('\0');
  if (wire.size() > kMaxName) return std::nullopt;
  return wire;
}

std::optional<Ipv4> parse_reverse_name(std::string_view name) {
  constexpr std::string_view kSuffix = ".in-addr.arpa";
  if (name.size() <= kSuffix.size() || !name.ends_with(kSuffix)) return std::nullopt;
  name.remove_suffix(kSuffix.size());
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    size_t dot = name.find('.');
    std::string_view part = name.substr(0, dot);
    if ((dot == std::string_view::npos) != (i == 3)) return std::nullopt;
    if (part.empty() || part.size() > 3) return std::nullopt;
    uint32_t octet = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return std::nullopt;
      octet = octet * 10 + static_cast<uint32_t>(c - '0');
    }
    if (octet > 255) return std::nullopt;
    value |= octet << (8 * i);  // the first label is the last octet
    if (dot != std::string_view::npos) name.remove_prefix(dot + 1);
  }
  return Ipv4{value};
}

Answer a_record(Ipv4 ip) {
  Answer a{kTypeA, std::string(4, '\0')};
  for (int i = 0; i < 4; ++i) a.rdata[i] = static_cast<char>(ip.value >> (24 - 8 * i));
  return a;
}

std::optional<Answer> ptr_record(std::string_view target) {
  auto wire = encode_name(target);
  if (!wire) return std::nullopt;
  return Answer{kTypePtr, std::move(*wire)};
}

std::vector<uint8_t> build_response(const Query& q, Rcode rcode, bool authoritative, std::span<const Answer> answers,
                                    size_t limit) {
  limit = std::clamp(limit, kClassicUdpSize, kMaxMessageSize);
  std::vector<uint8_t> out;
  out.reserve(kHeaderSize + q.wire_name.size() + 4);
  uint16_t flags = kFlagQr | static_cast<uint16_t>(q.flags & (0x7800 | kFlagRd | kFlagCd)) | kFlagRa |
                   static_cast<uint16_t>(rcode);
  if (authoritative) flags |= kFlagAa;
  put16(out, q.id);
  put16(out, flags);
  put16(out, q.has_question ? 1 : 0);
  put16(out, 0);  // ancount, set below
  put16(out, 0);
  put16(out, q.edns ? 1 : 0);
  if (q.has_question) {
    out.insert(out.end(), q.wire_name.begin(), q.wire_name.end());
    put16(out, q.qtype);
    put16(out, q.qclass);
  }
  constexpr size_t kOptSize = 11;
  size_t reserve = q.edns ? kOptSize : 0;
  uint16_t count = 0;
  if (q.has_question) {
    for (const Answer& a : answers) {
      size_t size = 2 + 10 + a.rdata.size();
      if (out.size() + size + reserve > limit || a.rdata.size() > 0xffff) {
        out[2] |= kFlagTc >> 8;
        break;
      }
      put16(out, 0xc000 | kHeaderSize);  // the question's name
      put16(out, a.type);
      put16(out, kClassIn);
      put32(out, kTtl);
      put16(out, static_cast<uint16_t>(a.rdata.size()));
      out.insert(out.end(), a.rdata.begin(), a.rdata.end());
      ++count;
    }
  }
  out[6] = static_cast<uint8_t>(count >> 8);
  out[7] = static_cast<uint8_t>(count);
  if (q.edns) {
    out.push_back(0);  // root owner
    put16(out, kTypeOpt);
    put16(out, kOurEdnsSize);
    put32(out, 0);  // extended rcode 0, version 0, no flags
    put16(out, 0);
  }
  return out;
}

uint16_t get_id(std::span<const uint8_t> p) { return p.size() < 2 ? 0 : get16(p, 0); }

void set_id(std::span<uint8_t> p, uint16_t id) {
  if (p.size() < 2) return;
  p[0] = static_cast<uint8_t>(id >> 8);
  p[1] = static_cast<uint8_t>(id);
}

uint16_t get_flags(std::span<const uint8_t> p) { return p.size() < 4 ? 0 : get16(p, 2); }
Rcode get_rcode(std::span<const uint8_t> p) { return static_cast<Rcode>(get_flags(p) & 0xf); }

bool is_response_to(std::span<const uint8_t> r, std::span<const uint8_t> query) {
  if (r.size() < kHeaderSize || query.size() < kHeaderSize) return false;
  if (get16(r, 0) != get16(query, 0) || !(get16(r, 2) & kFlagQr)) return false;
  uint16_t qd = get16(r, 4);
  if (qd == 0) return get_rcode(r) != Rcode::NoError;
  if (qd != 1) return false;
  std::string rname, qname;
  auto ra = read_name(r, kHeaderSize, &rname);
  auto qa = read_name(query, kHeaderSize, &qname);
  if (!ra || !qa || *ra + 4 > r.size() || *qa + 4 > query.size()) return false;
  return same_name_ci(rname, qname) && std::equal(r.begin() + *ra, r.begin() + *ra + 4, query.begin() + *qa);
}

bool truncate_response(std::vector<uint8_t>& r, size_t limit) {
  if (r.size() <= limit) return false;
  if (r.size() < kHeaderSize) return false;
  size_t end = kHeaderSize;
  uint16_t qd = get16(r, 4);
  uint16_t kept = 0;
  for (; kept < qd; ++kept) {
    auto after = read_name(r, end);
    if (!after || *after + 4 > r.size() || *after + 4 > limit) break;
    end = *after + 4;
  }
  r.resize(end);
  r[2] |= kFlagTc >> 8;
  r[4] = static_cast<uint8_t>(kept >> 8);
  r[5] = static_cast<uint8_t>(kept);
  std::fill(r.begin() + 6, r.begin() + kHeaderSize, 0);
  return true;
}

}  // namespace hako::network::dns
